/// Where a node's process listens.
///
/// The default is loopback with port 0, so the operating system picks a free port and many
/// topologies (and tests) can run side by side; a topology fixes either to place nodes elsewhere.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The defaults, in one place.
    public enum Default {
        /// Loopback: nothing is exposed beyond the machine unless the topology says so.
        public static let host = "127.0.0.1"
        /// Zero: the operating system picks a free (ephemeral) port.
        public static let port = 0
    }

    /// The address to bind: an IPv4 or IPv6 literal, or a host name.
    public var host: String
    /// The TCP port, 0 for an ephemeral one.
    public var port: Int

    /// Creates an address; both parts have defaults.
    public init(host: String = Default.host, port: Int = Default.port) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The address to connect to for a node that listens on `host`: a wildcard (`0.0.0.0`,
    /// `::`) listens on every address, and loopback is the one every client here can reach.
    public static func connectable(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" ? Default.host : host
    }
}
