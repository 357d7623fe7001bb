import Foundation
import Topology

/// One published, immutable function version, as the registry keeps it and replicates it.
///
/// The manifest (every field but ``signature``) is what the registry signs, so a node that
/// holds the registry's public key can check both the bundle (by ``sha256``) and the metadata.
public struct FunctionVersion: Codable, Hashable, Sendable, RegistrySigned {
    /// The function's name.
    public var name: String
    /// The number, 1, 2, 3 … in publish order.
    public var version: Int
    /// `nodejs` or `python` (or a Lambda identifier such as `nodejs20.x`).
    public var runtime: String
    /// `file.function`.
    public var handler: String
    /// Memory in megabytes.
    public var memoryMegabytes: Int
    /// Timeout in milliseconds.
    public var timeoutMilliseconds: Int
    /// The SHA-256 of the bundle (a .zip), lowercase hex.
    public var sha256: String
    /// The bundle's size in bytes.
    public var size: Int
    /// When it was published.
    public var publishedAt: Date
    /// The KeyValueStore a CloudFront Function reads (`cf.kvs()`), by name; absent in the
    /// manifest when there is none, so records signed before stores existed still verify.
    public var keyValueStore: String?
    /// The registry's Ed25519 signature over ``manifest``, base64.
    public var signature: String

    /// Creates a record.
    public init(
        name: String,
        version: Int,
        runtime: String,
        handler: String,
        memoryMegabytes: Int,
        timeoutMilliseconds: Int,
        sha256: String,
        size: Int,
        publishedAt: Date,
        keyValueStore: String? = nil,
        signature: String
    ) {
        self.name = name
        self.version = version
        self.runtime = runtime
        self.handler = handler
        self.memoryMegabytes = memoryMegabytes
        self.timeoutMilliseconds = timeoutMilliseconds
        self.sha256 = sha256
        self.size = size
        self.publishedAt = publishedAt
        self.keyValueStore = keyValueStore
        self.signature = signature
    }

    /// `name:version`.
    public var ref: FunctionRef { FunctionRef(name: name, version: version) }
}

extension FunctionVersion {
    /// The version as a worker runs it, its bundle at `code`; `nil` for a runtime this build
    /// does not know.
    public func spec(code: String) -> FunctionSpec? {
        guard let runtime = Runtime(identifier: runtime) else { return nil }
        return FunctionSpec(
            name: name,
            runtime: runtime,
            handler: handler,
            code: code,
            memoryMegabytes: memoryMegabytes,
            timeout: .milliseconds(timeoutMilliseconds),
            keyValueStore: keyValueStore
        )
    }
}
