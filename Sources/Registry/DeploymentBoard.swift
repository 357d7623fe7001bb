import Foundation
import Replication
import Topology

/// Where every hub and edge stands, as their reports say: CloudFront's distribution status,
/// which reads `Deployed` only when every node has switched to the newest config epoch.
///
/// Reports are kept in memory: a restarted registry learns them again within a couple of
/// seconds, since nodes report periodically.
public actor DeploymentBoard {
    private let expected: [(id: String, role: NodeRole)]
    private var reports: [String: DeploymentReport] = [:]

    /// Creates a board that expects every hub and edge of a topology.
    public init(topology: Topology) {
        expected = topology.hubs.map { ($0.id, NodeRole.hub) } + topology.edges.map { ($0.id, NodeRole.edge) }
    }

    /// Takes a node's report.
    public func record(_ report: DeploymentReport) {
        reports[report.node] = report
    }

    /// A distribution's status: Deployed once every hub and every edge that serves it runs the
    /// epoch that last changed it (or a newer one).
    public func state(of distribution: DistributionSpec, since epoch: Int) -> DeploymentState {
        guard epoch > 0 else { return .deployed }
        let serving = Set(distribution.edges)
        let waiting = expected.contains { node in
            (node.role == .hub || serving.contains(node.id)) && (reports[node.id]?.epoch ?? 0) < epoch
        }
        return waiting ? .inProgress : .deployed
    }

    /// The status against the newest epoch.
    public func status(latest: ConfigEpoch?) -> DeploymentStatus {
        let epoch = latest?.epoch ?? 0
        let now = Date().timeIntervalSince1970
        let nodes = expected.map { node -> DeploymentStatus.Node in
            guard let report = reports[node.id] else {
                return .init(node: node.id, role: node.role, epoch: 0, storedEpoch: 0, versions: [], status: .unknown, refused: [])
            }
            return .init(
                node: node.id,
                role: node.role,
                epoch: report.epoch,
                storedEpoch: report.storedEpoch,
                versions: report.versions,
                status: report.epoch >= epoch ? .deployed : .inProgress,
                refused: report.refused,
                switchedAt: report.switchedAt[epoch],
                secondsSinceReport: now - report.reportedAt
            )
        }
        return DeploymentStatus(
            epoch: epoch,
            madeAt: latest?.madeAt,
            status: nodes.allSatisfy { $0.status == .deployed } ? .deployed : .inProgress,
            nodes: nodes
        )
    }
}

/// CloudFront's status of a distribution's deployment, and of one node's part in it.
public enum DeploymentState: String, Codable, Sendable {
    /// Every node (or this node) runs the newest config epoch.
    case deployed = "Deployed"
    /// Some node (or this node) still runs an older one.
    case inProgress = "InProgress"
    /// The node has never reported.
    case unknown = "Unknown"
}

/// `GET /deployment`: the newest epoch and where each node stands.
public struct DeploymentStatus: Codable, Sendable {
    /// One node's state.
    public struct Node: Codable, Sendable {
        public var node: String
        public var role: NodeRole
        /// The epoch in force there.
        public var epoch: Int
        /// The newest epoch it has stored.
        public var storedEpoch: Int
        /// The versions on its disk.
        public var versions: [FunctionRef]
        /// Whether it runs the newest epoch.
        public var status: DeploymentState
        /// What it refused, and why.
        public var refused: [String]
        /// When it switched to the newest epoch, seconds since 1970.
        public var switchedAt: Double?
        /// How long ago its last report came.
        public var secondsSinceReport: Double?
    }

    /// The newest epoch.
    public var epoch: Int
    /// When the registry made it, seconds since 1970.
    public var madeAt: Double?
    /// ``DeploymentState/deployed`` once every node runs the newest epoch.
    public var status: DeploymentState
    /// Every hub and edge.
    public var nodes: [Node]
}
