import NIOSSL

extension TLSConfiguration {
    /// A client configuration that trusts a CA file (the network's) beside the system's roots.
    /// - Parameter certificateAuthority: The CA's PEM file; `nil` trusts the system's roots only.
    public static func client(trusting certificateAuthority: String?) -> TLSConfiguration {
        var configuration = makeClientConfiguration()
        if let certificateAuthority { configuration.additionalTrustRoots = [.file(certificateAuthority)] }
        return configuration
    }
}

extension TLSVersion {
    /// The TLS version with this minor number: 0 is TLS 1.0, 3 (or more) TLS 1.3.
    init(minor: Int) {
        switch minor {
        case ..<1: self = .tlsv1
        case 1: self = .tlsv11
        case 2: self = .tlsv12
        default: self = .tlsv13
        }
    }
}
