/// A Lambda@Edge function the topology declares; `edgesim up` publishes it as version 1.
public struct FunctionSpec: Hashable, Sendable {
    /// The defaults and limits, in one place (spec §4).
    public enum Default {
        /// Lambda's default memory, and the fixed memory of viewer-event functions.
        public static let memoryMegabytes = 128
        /// Lambda's default timeout.
        public static let timeout = Duration.seconds(3)
    }

    /// The function's name, as in `name:1`.
    public var name: String
    /// The runtime that runs it.
    public var runtime: Runtime
    /// The handler, `file.function` (`index.handler`).
    public var handler: String
    /// The code: a folder or a .zip, absolute (resolved against the topology file).
    public var code: String
    /// Memory in megabytes.
    public var memoryMegabytes: Int
    /// How long one invocation may run.
    public var timeout: Duration
    /// The KeyValueStore a CloudFront Function reads through `cf.kvs()` (runtime 2.0 only).
    public var keyValueStore: String?
    /// Where the function is declared.
    public var source: SourceLocation?

    /// Creates a function description.
    public init(
        name: String,
        runtime: Runtime,
        handler: String,
        code: String,
        memoryMegabytes: Int = Default.memoryMegabytes,
        timeout: Duration = Default.timeout,
        keyValueStore: String? = nil,
        source: SourceLocation? = nil
    ) {
        self.name = name
        self.runtime = runtime
        self.handler = handler
        self.code = code
        self.memoryMegabytes = memoryMegabytes
        self.timeout = timeout
        self.keyValueStore = keyValueStore
        self.source = source
    }
}

/// The language a function runs in. Lambda's identifiers (`nodejs20.x`, `python3.12`) name the
/// same runtime as the short forms; both run on the machine's `node` and `python3`. CloudFront
/// Functions' two JavaScript runtimes run on `njs`, the engine their language level is drawn
/// from.
public enum Runtime: String, Hashable, Sendable, CaseIterable {
    case nodejs
    case python
    /// CloudFront Functions' first runtime: ES 5.1 with some later features, no `let`,
    /// `const`, `async` or `await`.
    case cloudFrontJS1 = "cloudfront-js-1.0"
    /// CloudFront Functions' second runtime: adds `let`, `const`, `async`/`await`, `Buffer`
    /// and the `cloudfront` module (KeyValueStore, origin helpers).
    case cloudFrontJS2 = "cloudfront-js-2.0"

    /// The Lambda@Edge runtimes.
    public static let lambda: [Runtime] = [.nodejs, .python]

    /// Whether it is a CloudFront Functions runtime rather than Lambda@Edge's.
    public var isCloudFrontFunction: Bool { self == .cloudFrontJS1 || self == .cloudFrontJS2 }

    /// The identifiers a topology may name a runtime by.
    public static let identifiers: [String: Runtime] = {
        var table: [String: Runtime] = ["nodejs": .nodejs, "python": .python]
        for major in 18...22 where major.isMultiple(of: 2) { table["nodejs\(major).x"] = .nodejs }
        for minor in 9...13 { table["python3.\(minor)"] = .python }
        table[Runtime.cloudFrontJS1.rawValue] = .cloudFrontJS1
        table[Runtime.cloudFrontJS2.rawValue] = .cloudFrontJS2
        return table
    }()

    /// The runtime a Lambda or short identifier names, if any.
    public init?(identifier: String) {
        guard let runtime = Self.identifiers[identifier] else { return nil }
        self = runtime
    }
}
