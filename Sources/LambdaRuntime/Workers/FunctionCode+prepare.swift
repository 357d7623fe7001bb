import Foundation
import Topology
import ZIPFoundation

extension FunctionCode {
    /// The largest deployment package for the events a function serves (spec §4): 1 MB when any
    /// is viewer-facing, 50 MB otherwise.
    public static func packageLimit(for events: Set<EventType>) -> Int {
        events.map(\.maximumPackageBytes).min() ?? EventType.originRequest.maximumPackageBytes
    }

    /// Makes a topology function ready to run at an edge: a .zip is checked against the package
    /// limit and extracted under the state directory (a folder is checked by its total size);
    /// memory and timeout are capped by the strictest event the function serves.
    /// - Parameters:
    ///   - spec: The function.
    ///   - version: Its numbered version.
    ///   - events: The event types it is associated with.
    ///   - stateDirectory: Where extracted packages go.
    /// - Throws: ``PackageError`` when the package is too large or cannot be read.
    public static func prepare(
        _ spec: FunctionSpec,
        version: Int,
        for events: Set<EventType>,
        stateDirectory: String
    ) throws(PackageError) -> FunctionCode {
        let limit = packageLimit(for: events)
        let manager = FileManager.default
        var directory = spec.code
        if spec.code.hasSuffix(".zip") {
            let size = (try? manager.attributesOfItem(atPath: spec.code)[.size] as? Int) ?? 0
            guard size <= limit else {
                throw PackageError(function: spec.name, problem: "its package is \(size) bytes; \(limit) is the limit for its events")
            }
            directory = Self.extractedFolder(of: FunctionRef(name: spec.name, version: version), in: stateDirectory)
            // A version never changes, so an extracted folder is reused; a new one appears whole
            // (extracted aside, then renamed) so a running worker never sees a part.
            if !manager.fileExists(atPath: directory) {
                let scratch = directory + ".extracting-\(getpid())"
                do {
                    try? manager.removeItem(atPath: scratch)
                    try manager.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                    try manager.unzipItem(at: URL(fileURLWithPath: spec.code), to: URL(fileURLWithPath: scratch))
                    try manager.moveItem(atPath: scratch, toPath: directory)
                } catch {
                    try? manager.removeItem(atPath: scratch)
                    guard manager.fileExists(atPath: directory) else {
                        throw PackageError(function: spec.name, problem: "its package \(spec.code) cannot be extracted: \(error)")
                    }
                }
            }
        } else {
            let size = folderSize(spec.code)
            guard size <= limit else {
                throw PackageError(function: spec.name, problem: "its code folder holds \(size) bytes; \(limit) is the package limit for its events")
            }
        }
        var memory = events.contains(where: \.isViewerFacing) ? min(spec.memoryMegabytes, 128) : spec.memoryMegabytes
        var timeout = events.map(\.maximumTimeout).min().map { min($0, spec.timeout) } ?? spec.timeout
        if spec.runtime.isCloudFrontFunction {
            // The worker's own bounds: its bootstrap holds each call to CloudFront's 2 MB, and
            // compute throttling holds it to its budget; a call still running at the deadline
            // (a loop) is stopped there.
            (memory, timeout) = (CloudFrontFunctionLimits.workerMegabytes, CloudFrontFunctionLimits.stopAfter)
        }
        return FunctionCode(
            name: spec.name,
            version: version,
            runtime: spec.runtime,
            handler: spec.handler,
            directory: directory,
            memoryMegabytes: memory,
            timeout: timeout
        )
    }

    private static func folderSize(_ path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let file as String in walker {
            total += (try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent(file))[.size] as? Int) ?? 0
        }
        return total
    }

    /// Where a version's .zip is extracted under a directory: `functions/NAME-N`.
    public static func extractedFolder(of ref: FunctionRef, in directory: String) -> String {
        (directory as NSString).appendingPathComponent("functions/\(ref.name)-\(ref.version)")
    }
}

/// How far a CloudFront Function's worker may go before the edge stops it.
public enum CloudFrontFunctionLimits {
    /// A call still running after this is stopped, and the function throttled: a hundred times
    /// its compute budget, far enough that a loaded machine does not stop a fair call.
    public static let stopAfter = Duration.milliseconds(100)
    /// The worker's resident memory past which it is killed (its engine's heap is recycled
    /// well before).
    public static let workerMegabytes = 128
}

/// A function that cannot be deployed as it is.
public struct PackageError: Error, Sendable, CustomStringConvertible {
    /// The function's name.
    public var function: String
    /// What is wrong.
    public var problem: String
    public var description: String { "function '\(function)': \(problem)" }
}
