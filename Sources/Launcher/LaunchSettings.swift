import CDNCore
import Foundation

/// How `edgesim up` runs a network; the CLI maps its options onto these fields.
public struct LaunchSettings: Sendable {
    /// The launcher's own defaults; the nodes' are ``CachingNodeSettings/Default``'s.
    public enum Default {
        /// How long every node of one tier has to print its ready line.
        public static let readyTimeout = Duration.seconds(60)
        /// The first wait before restarting a node that died; it doubles up to ``maximumBackoff``.
        public static let initialBackoff = Duration.milliseconds(250)
        /// The longest wait before a restart.
        public static let maximumBackoff = Duration.seconds(10)
        /// A node that ran this long before it died restarts after ``initialBackoff`` again.
        public static let stableRun = Duration.seconds(30)
    }

    /// The topology file (made absolute, since nodes run from the same working folder anyway).
    public var topologyFile: String
    /// Where the state file and the logs go.
    public var stateDirectory: String
    /// The `edgesim` executable that runs each node.
    public var executable: String
    /// How long a tier has to become ready.
    public var readyTimeout: Duration
    /// The seed of the links' jitter and loss.
    public var seed: UInt64
    /// The status of a `LambdaExecutionError` at every edge: 500 or 503.
    public var lambdaExecutionErrorStatus: Int
    /// The slow-rollout window: each edge puts a new config epoch in force after its own share
    /// of it, as CloudFront's InProgress period. Zero switches every edge at once.
    public var rollout: Duration
    /// How long hubs and edges keep a version no epoch names (Lambda: a few hours).
    public var garbageDelay: Duration
    /// Whether links carry their modelled delay (off: plain local connections).
    public var emulatesLinks: Bool
    /// Each edge's limit of requests in flight before it sheds load with 503.
    public var edgeMaximumInFlight = CachingNodeSettings.Default.maximumInFlight
    /// The user's own certificate authority (certificate and key files) to issue the network's
    /// certificates with, instead of one made for the state directory.
    public var certificateAuthority: (certificate: String, key: String)?

    /// Creates settings.
    public init(
        topologyFile: String,
        stateDirectory: String = CachingNodeSettings.Default.stateDirectory,
        executable: String,
        readyTimeout: Duration = Default.readyTimeout,
        seed: UInt64 = CachingNodeSettings.Default.seed,
        lambdaExecutionErrorStatus: Int = CachingNodeSettings.Default.executionErrorStatus,
        rollout: Duration = .zero,
        garbageDelay: Duration = CachingNodeSettings.Default.garbageDelay,
        emulatesLinks: Bool = true
    ) {
        self.emulatesLinks = emulatesLinks
        self.rollout = rollout
        self.garbageDelay = garbageDelay
        self.lambdaExecutionErrorStatus = lambdaExecutionErrorStatus
        self.topologyFile = Self.absolute(topologyFile)
        self.stateDirectory = Self.absolute(stateDirectory)
        self.executable = executable
        self.readyTimeout = readyTimeout
        self.seed = seed
    }

    /// The log file of a node.
    public func logFile(of node: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("logs/\(node).log")
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// The path of the running executable, so the launcher starts nodes from the same build.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
