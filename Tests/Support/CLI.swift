import Foundation
import Testing

/// Runs the real `edgesim` executable, as a user would, and collects what it prints. Shared by
/// the test targets that drive the executable.
///
/// A run is awaited, never waited for on the calling thread: Swift's cooperative pool has as
/// many threads as cores (two here), and a test that blocked one while curl or Chromium ran
/// stalled every other suite's in-process servers with it.
public enum CLI {
    /// The result of one run.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// Creates a result.
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built executable: beside the test bundle, where `swift build` puts it.
    public static var executable: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edgesim")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/edgesim")
    }

    /// Runs `edgesim` with arguments in the package root, killing it if it outlives `timeout`.
    public static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Result {
        try await run(external: executable.path, arguments, timeout: timeout)
    }

    /// Runs another program (a browser, a DNS client) the same way.
    public static func run(external program: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("\(program) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8)
        )
    }
}
