import Foundation

/// The line a node prints on standard output once both its listeners are bound:
/// `READY node=NRT50 port=40123 admin=40124`, and an edge's `https=40125`. The launcher and the
/// tests wait for it.
public struct ReadyLine: Hashable, Sendable, CustomStringConvertible {
    /// The node's id.
    public var node: String
    /// The traffic listener's port.
    public var port: Int
    /// The admin listener's port.
    public var adminPort: Int
    /// The HTTPS listener's port, for an edge.
    public var httpsPort: Int?

    /// Creates a ready line.
    public init(node: String, port: Int, adminPort: Int, httpsPort: Int? = nil) {
        self.node = node
        self.port = port
        self.adminPort = adminPort
        self.httpsPort = httpsPort
    }

    /// Reads a line; `nil` when it is not a ready line.
    public init?(parsing line: String) {
        guard line.hasPrefix("READY ") else { return nil }
        var fields: [String: String] = [:]
        for pair in line.dropFirst(6).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let node = fields["node"], let port = fields["port"].flatMap(Int.init), let admin = fields["admin"].flatMap(Int.init)
        else { return nil }
        self.init(node: node, port: port, adminPort: admin, httpsPort: fields["https"].flatMap(Int.init))
    }

    public var description: String { "READY node=\(node) port=\(port) admin=\(adminPort)" + (httpsPort.map { " https=\($0)" } ?? "") }

    /// Prints the line unbuffered (Swift's `print` is block-buffered on a pipe).
    public func announce() {
        FileHandle.standardOutput.write(Data((description + "\n").utf8))
    }
}
