import Topology

/// One function version as an edge runs it: what to start, with which limits.
public struct FunctionCode: Hashable, Sendable {
    /// The function's name.
    public var name: String
    /// The numbered version.
    public var version: Int
    /// The runtime.
    public var runtime: Runtime
    /// `file.function`.
    public var handler: String
    /// The folder holding the code (a .zip is extracted first).
    public var directory: String
    /// Memory in megabytes: the worker is killed above it.
    public var memoryMegabytes: Int
    /// How long one invocation may run.
    public var timeout: Duration
    /// The KeyValueStore revision a CloudFront Function reads, when it reads one.
    public var keyValueStore: KeyValueStoreFile?

    /// Creates a description.
    public init(name: String, version: Int, runtime: Runtime, handler: String, directory: String, memoryMegabytes: Int, timeout: Duration) {
        self.name = name
        self.version = version
        self.runtime = runtime
        self.handler = handler
        self.directory = directory
        self.memoryMegabytes = memoryMegabytes
        self.timeout = timeout
    }

    /// `name:version`.
    public var ref: FunctionRef { FunctionRef(name: name, version: version) }
}
