/// How a cache behavior treats plain HTTP (CloudFront's `ViewerProtocolPolicy`).
public enum ViewerProtocolPolicy: String, CaseIterable, Hashable, Sendable {
    /// HTTP and HTTPS are both served.
    case allowAll = "allow-all"
    /// HTTP is answered with a redirect to the same URL over HTTPS (301 for GET and HEAD, 307
    /// for other methods over HTTP/1.1, 403 over HTTP/1.0).
    case redirectToHTTPS = "redirect-to-https"
    /// HTTP is refused with 403.
    case httpsOnly = "https-only"
}

/// The protocol a viewer's request came over.
public enum ViewerProtocol: String, Hashable, Sendable {
    case http
    case https
}

/// A distribution's security policy (CloudFront's `MinimumProtocolVersion`): the oldest TLS
/// version its edges accept from a viewer.
public enum SecurityPolicy: String, CaseIterable, Hashable, Sendable {
    case sslv3 = "SSLv3"
    case tlsv1 = "TLSv1"
    case tlsv1_2016 = "TLSv1_2016"
    case tlsv1_1_2016 = "TLSv1.1_2016"
    case tlsv1_2_2018 = "TLSv1.2_2018"
    case tlsv1_2_2019 = "TLSv1.2_2019"
    case tlsv1_2_2021 = "TLSv1.2_2021"
    case tlsv1_2_2025 = "TLSv1.2_2025"
    case tlsv1_3_2025 = "TLSv1.3_2025"

    /// The oldest protocol the policy accepts, as `major.minor` of TLS (SSLv3 is 3.0, shown as
    /// TLS 1.0 here: no TLS library this side offers SSLv3 any more).
    public var minimumTLSMinorVersion: Int {
        switch self {
        case .sslv3, .tlsv1, .tlsv1_2016: 0
        case .tlsv1_1_2016: 1
        case .tlsv1_2_2018, .tlsv1_2_2019, .tlsv1_2_2021, .tlsv1_2_2025: 2
        case .tlsv1_3_2025: 3
        }
    }

    /// The TLS 1.2 (and older) cipher suites the policy offers (the sets of spec §1.4), in
    /// OpenSSL's names, AEAD suites first in the server's preference. Suites the edge's TLS library (BoringSSL) no
    /// longer has are left out: `RC4-MD5`, the `AES256-SHA384` CBC suites and static RSA
    /// `AES128-SHA256`. TLS 1.3's suites are not configurable there: every policy offers all
    /// three, `TLSv1.3_2025` its CHACHA20 one too.
    public var tls12CipherSuites: [String] {
        let aead = [
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
        ]
        let chacha = ["ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"]
        let ecdheSHA256 = ["ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256"]
        let ecdheSHA1 = ["ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA"]
        let rsaGCM = ["AES128-GCM-SHA256", "AES256-GCM-SHA384"]
        let rsaSHA1 = ["AES256-SHA", "AES128-SHA"]
        switch self {
        case .sslv3, .tlsv1: return aead + chacha + ecdheSHA256 + ecdheSHA1 + rsaGCM + rsaSHA1 + ["DES-CBC3-SHA"]
        case .tlsv1_2016, .tlsv1_1_2016: return aead + chacha + ecdheSHA256 + ecdheSHA1 + rsaGCM + rsaSHA1
        case .tlsv1_2_2018: return aead + chacha + ecdheSHA256 + rsaGCM
        case .tlsv1_2_2019: return aead + chacha + ecdheSHA256
        case .tlsv1_2_2021: return aead + chacha
        case .tlsv1_2_2025, .tlsv1_3_2025: return aead
        }
    }
}

/// The HTTP versions a distribution offers viewers (CloudFront's `HttpVersion`). HTTP/1.0 and
/// HTTP/1.1 are always accepted; HTTP/2 is offered over TLS through ALPN. HTTP/3 is accepted in
/// the topology, as CloudFront accepts it, and served here as HTTP/2 (QUIC is not simulated).
public enum HTTPVersions: String, CaseIterable, Hashable, Sendable {
    case http1_1 = "http1.1"
    case http2 = "http2"
    case http3 = "http3"
    case http2and3 = "http2and3"

    /// Whether HTTP/2 is offered in the TLS handshake.
    public var offersHTTP2: Bool { self != .http1_1 }
}
