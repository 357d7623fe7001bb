import NIOSSL
import Topology

/// What an edge's HTTPS listener presents: one TLS context per distribution it serves (its
/// certificate, its security policy's oldest TLS version and TLS 1.2 cipher suites, HTTP/2 in ALPN when its HTTP versions
/// allow it) and CloudFront's default `*.cloudfront.net` context. The viewer's SNI picks one by
/// the distribution's domain or an alias; a name no distribution has, or no SNI, gets the
/// default one.
public struct ViewerTLS: Sendable {
    /// The ALPN identifiers, in the server's order of preference.
    static let http2 = "h2"
    static let http1 = "http/1.1"

    private let byName: HostDirectory<NIOSSLContext>
    /// The default certificate's context.
    let fallback: NIOSSLContext

    /// Loads the certificates `up` made (``TLSFiles/prepare(for:authority:now:)``).
    /// - Parameters:
    ///   - files: The network's TLS files.
    ///   - distributions: The distributions this edge serves.
    /// - Throws: ``TLSFileError`` naming a certificate or key that cannot be loaded.
    public init(files: TLSFiles, distributions: [DistributionSpec]) throws {
        fallback = try Self.context(files, "default", policy: .tlsv1, offersHTTP2: true)
        byName = HostDirectory(
            try distributions.map { distribution in
                let context = try Self.context(
                    files,
                    distribution.id,
                    policy: distribution.securityPolicy,
                    offersHTTP2: distribution.httpVersions.offersHTTP2
                )
                return (distribution.names, context)
            }
        )
    }

    /// The context for a viewer's SNI name.
    func context(serverName: String?) -> NIOSSLContext {
        serverName.flatMap { byName.value(for: $0) } ?? fallback
    }

    private static func context(_ files: TLSFiles, _ name: String, policy: SecurityPolicy, offersHTTP2: Bool) throws -> NIOSSLContext {
        var configuration = try files.serverConfiguration(name)
        configuration.minimumTLSVersion = TLSVersion(minor: policy.minimumTLSMinorVersion)
        configuration.cipherSuites = policy.tls12CipherSuites.joined(separator: ":")
        configuration.applicationProtocols = offersHTTP2 ? [http2, http1] : [http1]
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw TLSFileError(path: files.certificate(name), problem: "does not go with its key \(files.key(name)) (\(error))")
        }
    }
}
