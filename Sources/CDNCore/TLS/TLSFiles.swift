import Foundation
import NIOSSL
import SwiftASN1
import Topology
import X509

/// A network's TLS files under its state directory, `STATE/tls/`:
///
/// - `ca.pem` and `ca-key.pem`: the network's certificate authority, made once and kept across
///   runs, so a browser told to trust it once keeps trusting the network;
/// - `default.pem` and `default-key.pem`: CloudFront's default `*.cloudfront.net` certificate,
///   which every edge presents when no distribution's name matches the viewer's SNI;
/// - `DISTRIBUTION.pem` and `DISTRIBUTION-key.pem`: each distribution's certificate for its domain;
/// - `registry.pem` and `registry-key.pem`: the registry's, for its API and replication stream;
/// - `hub-ID.pem` and `hub-ID-key.pem`: each hub's, for the replication streams to its edges;
/// - `origin-ID.pem` and `origin-ID-key.pem`: each built-in origin's, for its S3-style domain.
///
/// Each certificate file holds the chain (the leaf, then the authority).
public struct TLSFiles: Sendable {
    /// The names CloudFront's default certificate covers.
    public static let defaultNames = ["*.cloudfront.net", "cloudfront.net"]
    /// The registry's names: clients that reach it directly say the first; hubs, whose
    /// replication stream crosses a link forwarder on 127.0.0.1, say the second.
    public static let registryName = "registry.edgesim.internal"
    public static let registryLinkName = "registry-link.edgesim.internal"
    /// A certificate is issued again when it expires within this time.
    static let renewal: TimeInterval = 30 * 86_400

    /// `STATE/tls`.
    public let directory: String

    /// The files of a state directory.
    public init(stateDirectory: String) {
        directory = (stateDirectory as NSString).appendingPathComponent("tls")
    }

    /// The authority's certificate: what `curl --cacert` and a browser trust.
    public var authorityCertificate: String { path("ca.pem") }
    /// The authority's key.
    public var authorityKey: String { path("ca-key.pem") }
    /// A certificate chain: `default` or a distribution's id.
    public func certificate(_ name: String) -> String { path("\(name).pem") }
    /// A certificate's key.
    public func key(_ name: String) -> String { path("\(name)-key.pem") }

    /// Makes what is missing or out of date: the authority once (or copies the user's own),
    /// then the default certificate and one per distribution, each issued again when its names
    /// changed, it expires within 30 days, or another authority signed it.
    /// - Parameters:
    ///   - topology: The network's distributions.
    ///   - authority: The user's own authority's certificate and key files, if any.
    /// - Throws: ``TLSFileError`` naming the file that cannot be read or written.
    public func prepare(for topology: Topology, authority: (certificate: String, key: String)? = nil, now: Date = Date()) throws {
        let ca: CertificateAuthority
        if let authority {
            ca = try CertificateAuthority(certificateFile: authority.certificate, keyFile: authority.key)
            try ca.write(certificateFile: authorityCertificate, keyFile: authorityKey)
        } else if FileManager.default.fileExists(atPath: authorityCertificate) {
            ca = try CertificateAuthority(certificateFile: authorityCertificate, keyFile: authorityKey)
        } else {
            ca = try CertificateAuthority(name: "edgesim network CA (\(topology.name))", now: now)
            try ca.write(certificateFile: authorityCertificate, keyFile: authorityKey)
        }
        try ensure("default", names: Self.defaultNames, by: ca, now: now)
        // Its address too, so the AWS CLI and SDKs, which cannot pin a name to an address,
        // verify it at https://127.0.0.1:PORT (CloudFront's API on the registry).
        let registryAddresses = Array(Set([ListenAddress.Default.host, topology.registry.listen.host])).sorted()
        try ensure(
            "registry",
            names: [Self.registryName, Self.registryLinkName] + registryAddresses.filter { CertificateAuthority.ipv4Bytes($0) != nil },
            by: ca,
            now: now
        )
        for hub in topology.hubs { try ensure(Self.hubCertificate(hub.id), names: [Self.hubName(hub.id)], by: ca, now: now) }
        for origin in topology.origins {
            if case .staticFolder = origin.kind { try ensure(Self.originCertificate(origin.id), names: [origin.domainName], by: ca, now: now) }
        }
        for distribution in topology.distributions {
            if let own = distribution.certificate {
                // The user's own, as the topology named it (checked when it was loaded).
                let ownKey = try CertificateAuthority.read(own.key, as: "text") { $0 }
                let ownChain = try CertificateAuthority.read(own.chain, as: "text") { $0 }
                try CertificateAuthority.write(ownKey, to: key(distribution.id), permissions: 0o600)
                try CertificateAuthority.write(ownChain, to: certificate(distribution.id), permissions: 0o644)
            } else {
                try ensure(distribution.id, names: distribution.names.map { $0.lowercased() }, by: ca, now: now)
            }
        }
    }

    private func ensure(_ name: String, names: [String], by ca: CertificateAuthority, now: Date) throws {
        if let current = try? CertificateAuthority.read(certificate(name), as: "a PEM certificate", { try Certificate(pemEncoded: $0) }),
            FileManager.default.fileExists(atPath: key(name)),
            ca.issued(current),
            current.notValidAfter > now.addingTimeInterval(Self.renewal),
            Set(current.dnsNames + current.ipAddresses) == Set(names)
        {
            return
        }
        let issued = try ca.issue(names: names, now: now)
        try CertificateAuthority.write(issued.keyPEM, to: key(name), permissions: 0o600)
        try CertificateAuthority.write(issued.chainPEM, to: certificate(name), permissions: 0o644)
    }

    /// A hub's name in its certificate, which its edges' replication streams verify (they reach
    /// it through their link's forwarder on 127.0.0.1).
    public static func hubName(_ hub: String) -> String { "\(hub).hub.edgesim.internal" }
    /// The name of a hub's certificate files (`hub-ID`).
    public static func hubCertificate(_ hub: String) -> String { "hub-\(hub)" }

    /// The name of a built-in origin's certificate files (`origin-ID`).
    public static func originCertificate(_ origin: String) -> String { "origin-\(origin)" }

    /// Whether the authority exists yet.
    public var exist: Bool { FileManager.default.fileExists(atPath: authorityCertificate) }

    /// A server TLS configuration from one of the certificates: the registry's, say.
    public func serverConfiguration(_ name: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate(name)) } catch {
            throw TLSFileError(path: certificate(name), problem: "is not a PEM certificate chain (\(error))")
        }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key(name), format: .pem) } catch {
            throw TLSFileError(path: key(name), problem: "is not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// A client TLS configuration that trusts the network's CA beside the system's roots.
    public func clientConfiguration() -> TLSConfiguration { .client(trusting: authorityCertificate) }

    private func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }
}
