import NIOSSL
import Topology

/// What an edge's HTTPS listener presents: one TLS context per distribution it serves (its
/// certificate, its security policy's oldest TLS version, HTTP/2 in ALPN when its HTTP versions
/// allow it) and CloudFront's default `*.cloudfront.net` context. The viewer's SNI picks one; a
/// name no distribution has, or no SNI, gets the default, as the CloudFront does.
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
        fallback = try Self.context(chain: files.certificate("default"), key: files.key("default"), policy: .tlsv1, offersHTTP2: true)
        var byName: [String: NIOSSLContext] = [:]
        for distribution in distributions {
            byName[distribution.domainName.lowercased()] = try Self.context(
                chain: files.certificate(distribution.id),
                key: files.key(distribution.id),
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

    private static func context(chain: String, key: String, policy: SecurityPolicy, offersHTTP2: Bool) throws -> NIOSSLContext {
        let certificates: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do { certificates = try NIOSSLCertificate.fromPEMFile(chain) } catch {
            throw TLSFileError(path: chain, problem: "is not a PEM certificate chain (\(error))")
        }
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw TLSFileError(path: key, problem: "is not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        configuration.minimumTLSVersion =
            switch policy.minimumTLSMinorVersion {
            case 0: .tlsv1
            case 1: .tlsv11
            case 2: .tlsv12
            default: .tlsv13
            }
        configuration.applicationProtocols = offersHTTP2 ? [http2, http1] : [http1]
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw TLSFileError(path: chain, problem: "does not go with its key \(key) (\(error))")
        }
    }
}
