import Foundation
import NIOCore
import Topology

/// Where a node sends requests for an origin, and the `Host` it names.
public enum OriginAddress {
    /// Resolves an origin: a built-in one listens where the launcher says (its `Host` is an
    /// S3-style bucket domain); a URL origin is wherever its URL points.
    /// - Parameters:
    ///   - origin: The origin.
    ///   - running: The addresses of the origins edgesim runs, by id.
    /// - Returns: The socket address and the `Host` value.
    /// - Throws: When a built-in origin has no address, or a URL cannot be resolved.
    public static func resolve(_ origin: OriginSpec, running: [String: SocketAddress]) throws -> (SocketAddress, String) {
        switch origin.kind {
        case .staticFolder:
            guard let address = running[origin.id] else { throw NodeSetupError(.missingAddress, "no address was given for origin '\(origin.id)'") }
            return (address, origin.domainName)
        case .url(let text):
            guard let url = URL(string: text), let host = url.host else {
                throw NodeSetupError(.badAddress, "origin '\(origin.id)': '\(text)' is not a URL")
            }
            // An https-only origin's link is its HTTPS port; the others' plain link its HTTP port.
            let port = origin.protocolPolicy == .httpsOnly ? origin.httpsPort : origin.httpPort
            let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            return (address, url.port.map { "\(host):\($0)" } ?? host)
        }
    }

    /// A URL origin's address on its HTTP port, or with `secure` its HTTPS port; `nil` for the
    /// built-in origin, which has no HTTPS port.
    public static func resolve(_ origin: OriginSpec, running: [String: SocketAddress], secure: Bool) throws -> SocketAddress? {
        guard case .url(let text) = origin.kind, let host = URL(string: text)?.host else { return nil }
        return try SocketAddress.makeAddressResolvingHost(host, port: secure ? origin.httpsPort : origin.httpPort)
    }
}

extension OriginSpec {
    /// The domain CloudFront knows the origin by: `ID.s3.amazonaws.com` for the built-in origin
    /// (an S3-style bucket), the URL's host for a URL origin.
    public var domainName: String {
        switch kind {
        case .staticFolder: "\(id).s3.amazonaws.com"
        case .url(let text): URL(string: text)?.host ?? text
        }
    }
}
