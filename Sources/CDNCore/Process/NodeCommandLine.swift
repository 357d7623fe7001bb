import Topology

/// A node's command line, written once for both ends: what `edgesim up` passes each node it
/// starts (``arguments``), and what the role commands (`edgesim edge|hub|origin|registry|dns`)
/// read, under the same ``Name``s.
///
/// ```swift
/// var line = NodeCommandLine(role: .edge, topologyFile: "/t.yaml", node: "NRT50")
/// line.upstreams = [.init(id: "ap-northeast-1", host: "127.0.0.1", port: 40123)]
/// line.arguments   // ["edge", "--topology", "/t.yaml", "--node", "NRT50", …]
/// ```
public struct NodeCommandLine: Sendable, Equatable {
    /// The long option names, without their dashes.
    public enum Name {
        public static let topology = "topology"
        public static let node = "node"
        public static let host = "host"
        public static let port = "port"
        public static let httpsPort = "https-port"
        public static let adminPort = "admin-port"
        public static let upstream = "upstream"
        public static let seed = "seed"
        public static let stateDirectory = "state-dir"
        public static let lambdaExecutionErrorStatus = "lambda-execution-error-status"
        public static let rollout = "rollout"
        public static let garbageDelay = "garbage-delay"
        public static let maxInFlight = "max-in-flight"
        public static let noLinkLatency = "no-link-latency"
    }

    /// Where an upstream node listens: `ID=HOST:PORT` on the command line.
    public struct Upstream: Sendable, Equatable, CustomStringConvertible {
        /// The upstream's id.
        public var id: String
        /// Its address (an IPv6 one is written in brackets).
        public var host: String
        /// Its port.
        public var port: Int

        /// Names an upstream.
        public init(id: String, host: String, port: Int) {
            self.id = id
            self.host = host
            self.port = port
        }

        /// Reads `ID=HOST:PORT` (or `ID=[V6]:PORT`); `nil` for anything else.
        public init?(parsing text: String) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let colon = parts[1].lastIndex(of: ":"),
                let port = Int(parts[1][parts[1].index(after: colon)...]), (0...65535).contains(port)
            else { return nil }
            var host = String(parts[1][..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self.init(id: parts[0], host: host, port: port)
        }

        /// `ID=HOST:PORT`.
        public var description: String { "\(id)=\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    }

    /// The role: the subcommand.
    public var role: NodeRole
    /// The topology file the node belongs to.
    public var topologyFile: String
    /// The node's id.
    public var node: String
    /// The address to listen on; `nil` takes the topology's.
    public var host: String?
    /// The traffic port; `nil` takes the topology's.
    public var port: Int?
    /// An edge's HTTPS port (0: ephemeral).
    public var httpsPort = 0
    /// The admin port (0: ephemeral).
    public var adminPort = 0
    /// Where the nodes it connects to listen.
    public var upstreams: [Upstream] = []
    /// The seed of the emulated links' jitter and loss.
    public var seed = CachingNodeSettings.Default.seed
    /// The network's state directory.
    public var stateDirectory = CachingNodeSettings.Default.stateDirectory
    /// An edge's status for a `LambdaExecutionError`.
    public var executionErrorStatus = CachingNodeSettings.Default.executionErrorStatus
    /// An edge's slow-rollout window.
    public var rollout = Duration.zero
    /// How long an edge or a hub keeps a version no epoch names.
    public var garbageDelay = CachingNodeSettings.Default.garbageDelay
    /// An edge's limit of requests in flight.
    public var maximumInFlight = CachingNodeSettings.Default.maximumInFlight
    /// Whether links carry their modelled delay.
    public var emulatesLinks = true

    /// A command line with every default.
    public init(role: NodeRole, topologyFile: String, node: String) {
        self.role = role
        self.topologyFile = topologyFile
        self.node = node
    }

    /// The arguments, the subcommand first; options that only an edge (or only a caching
    /// node) reads are passed only to one.
    public var arguments: [String] {
        var arguments = [role.rawValue, "--\(Name.topology)", topologyFile, "--\(Name.node)", node]
        if let host { arguments += ["--\(Name.host)", host] }
        arguments += ["--\(Name.seed)", "\(seed)", "--\(Name.stateDirectory)", stateDirectory]
        if role == .edge {
            arguments += [
                "--\(Name.lambdaExecutionErrorStatus)", "\(executionErrorStatus)", "--\(Name.rollout)", "\(rollout.inSeconds) s",
                "--\(Name.maxInFlight)", "\(maximumInFlight)",
            ]
        }
        if role == .edge || role == .hub { arguments += ["--\(Name.garbageDelay)", "\(garbageDelay.inSeconds) s"] }
        if !emulatesLinks { arguments.append("--\(Name.noLinkLatency)") }
        if let port { arguments += ["--\(Name.port)", "\(port)"] }
        if role == .edge, httpsPort != 0 { arguments += ["--\(Name.httpsPort)", "\(httpsPort)"] }
        if adminPort != 0 { arguments += ["--\(Name.adminPort)", "\(adminPort)"] }
        for upstream in upstreams { arguments += ["--\(Name.upstream)", upstream.description] }
        return arguments
    }
}
