/// Which of a set of things a host name belongs to, by the names each answers to: a
/// distribution by its domain and its aliases (CloudFront's alternate domain names), a TLS
/// context by the same names. An exact name wins over a wildcard, and a wildcard (`*.example.com`)
/// covers one label, as CloudFront and certificates match them.
public struct HostDirectory<Value: Sendable>: Sendable {
    private var exact: [String: Value] = [:]
    /// Wildcards, by what follows their `*.`.
    private var wildcards: [String: Value] = [:]

    /// Creates a directory; a name given twice keeps its first value.
    public init(_ entries: [(names: [String], value: Value)]) {
        for (names, value) in entries {
            for name in names.map({ $0.lowercased() }) {
                if name.hasPrefix("*.") {
                    if wildcards[String(name.dropFirst(2))] == nil { wildcards[String(name.dropFirst(2))] = value }
                } else if exact[name] == nil {
                    exact[name] = value
                }
            }
        }
    }

    /// The value for a host name (any case, no port), if a name covers it.
    public func value(for host: some StringProtocol) -> Value? {
        let host = host.lowercased()
        if let value = exact[host] { return value }
        guard let dot = host.firstIndex(of: ".") else { return nil }
        return wildcards[String(host[host.index(after: dot)...])]
    }
}

/// Host names as certificates and aliases write them.
public enum HostName {
    /// Whether a name as a certificate or an alias writes it covers a host: the same name, or
    /// a wildcard for one label (`*.example.com` covers `www.example.com`, not `example.com`
    /// or `a.b.example.com`).
    public static func name(_ name: String, covers host: String) -> Bool {
        let name = name.lowercased()
        let host = host.lowercased()
        guard name.hasPrefix("*.") else { return name == host }
        guard let dot = host.firstIndex(of: ".") else { return false }
        return host[host.index(after: dot)...] == name.dropFirst(2)
    }
}
