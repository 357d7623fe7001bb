import Foundation

/// A request to `edgesim up`'s supervisor to keep a node down after it dies: a file in the state
/// directory, `holds/NODE`, holding the time (seconds since 1970) before which the node must not
/// be restarted.
///
/// The supervisor restarts a dead node within a quarter of a second, which is right for a crash
/// but hides an outage: `edgesim kill NODE --down 5s` writes a hold, then kills the node, so the
/// network sees a node that is really gone for that long (and GeoDNS has time to notice).
public struct RestartHold: Sendable {
    /// The state directory of the running network.
    public var stateDirectory: String
    /// The node's id.
    public var node: String

    /// A hold on a node of a network.
    public init(stateDirectory: String, node: String) {
        self.stateDirectory = stateDirectory
        self.node = node
    }

    /// The hold file's path.
    public var path: String { (stateDirectory as NSString).appendingPathComponent("holds/\(node)") }

    /// Keeps the node down until a time.
    public func place(until: Date) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Durable.write(Data("\(until.timeIntervalSince1970)\n".utf8), to: path)
    }

    /// How much longer the node must stay down (zero when its time is already up), and removes
    /// the hold; `nil` when there is none.
    public func take() -> Duration? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        try? FileManager.default.removeItem(atPath: path)
        guard let until = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return .milliseconds(max(0, Int(((until - Date().timeIntervalSince1970) * 1000).rounded())))
    }
}
