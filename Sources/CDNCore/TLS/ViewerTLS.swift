import NIOSSL
import Topology

/// What an edge's HTTPS listener presents: one TLS context per distribution it serves (its
/// certificate, its security policy's oldest TLS version, HTTP/2 in ALPN when its HTTP versions
/// allow it) and CloudFront's default `*.cloudfront.net` context. The viewer's SNI picks one; a
/// name no distribution has, or no SNI, gets the default one.
public struct ViewerTLS: Sendable {
    /// The ALPN identifiers, in the server's order of preference.
    static let http2 = "h2"
    static let http1 = "http/1.1"

    private let byName: [String: NIOSSLContext]
    /// The default certificate's context.
    let fallback: NIOSSLContext

    /// Loads the certificates `up` made (``TLSFiles/prepare(for:authority:now:)``).
    /// - Parameters:
    ///   - files: The network's TLS files.
    ///   - distributions: The distributions this edge serves.
    /// - Throws: ``TLSFileError`` naming a certificate or key that cannot be loaded.
    public init(files: TLSFiles, distributions: [DistributionSpec]) throws {
        fallback = try Self.context(files, "default", policy: .tlsv1, offersHTTP2: true)
        var byName: [String: NIOSSLContext] = [:]
        for distribution in distributions {
            byName[distribution.domainName.lowercased()] = try Self.context(
                files,
                distribution.id,
                policy: distribution.securityPolicy,
                offersHTTP2: distribution.httpVersions.offersHTTP2
            )
        }
        self.byName = byName
    }

    /// The context for a viewer's SNI name.
    func context(serverName: String?) -> NIOSSLContext {
        serverName.flatMap { byName[$0.lowercased()] } ?? fallback
    }

    private static func context(_ files: TLSFiles, _ name: String, policy: SecurityPolicy, offersHTTP2: Bool) throws -> NIOSSLContext {
        var configuration = try files.serverConfiguration(name)
        configuration.minimumTLSVersion = TLSVersion(minor: policy.minimumTLSMinorVersion)
        configuration.applicationProtocols = offersHTTP2 ? [http2, http1] : [http1]
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw TLSFileError(path: files.certificate(name), problem: "does not go with its key \(files.key(name)) (\(error))")
        }
    }
}
