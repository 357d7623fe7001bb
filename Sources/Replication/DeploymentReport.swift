import Foundation
import Topology

/// What a hub or an edge tells the registry about its replica: the epoch in force, the newest
/// one received, the versions on disk, when it switched to each epoch, and what it refused.
/// The registry's deployment status is built from these.
public struct DeploymentReport: Codable, Hashable, Sendable {
    /// The node's id.
    public var node: String
    /// ``NodeRole/hub`` or ``NodeRole/edge``.
    public var role: NodeRole
    /// The epoch in force: the one requests run under.
    public var epoch: Int
    /// The newest epoch received and stored (ahead of ``epoch`` during a slow rollout).
    public var storedEpoch: Int
    /// `name:N` of every version on disk.
    public var versions: [FunctionRef]
    /// When the node switched to each epoch, seconds since 1970, by epoch number.
    public var switchedAt: [Int: Double]
    /// Versions refused (a bundle or record that failed its check), with why.
    public var refused: [String]
    /// When the report was made, seconds since 1970.
    public var reportedAt: Double

    /// Creates a report.
    public init(
        node: String,
        role: NodeRole,
        epoch: Int = 0,
        storedEpoch: Int = 0,
        versions: [FunctionRef] = [],
        switchedAt: [Int: Double] = [:],
        refused: [String] = [],
        reportedAt: Double = Date().timeIntervalSince1970
    ) {
        self.node = node
        self.role = role
        self.epoch = epoch
        self.storedEpoch = storedEpoch
        self.versions = versions
        self.switchedAt = switchedAt
        self.refused = refused
        self.reportedAt = reportedAt
    }
}
