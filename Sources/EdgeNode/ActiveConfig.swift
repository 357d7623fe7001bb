import Synchronization
import Topology

/// The config in force at an edge: one config epoch's trigger stages and distributions,
/// swapped whole.
///
/// A request reads it once, when it arrives, and runs every stage from that one snapshot, so it
/// runs entirely under the old epoch or entirely under the new one — never a mix, whether the
/// epoch changed a function version or (through UpdateDistribution) a behavior.
final class ActiveConfig: Sendable {
    /// One epoch's config.
    struct Snapshot: Sendable {
        /// The config epoch (0 before the first).
        var epoch: Int
        /// Its stages.
        var triggers: any TriggerStages
        /// The distributions the edge serves under it.
        var distributions: ServedDistributions
    }

    private let snapshot: Mutex<Snapshot>

    /// Starts with a config.
    init(_ initial: Snapshot) {
        snapshot = Mutex(initial)
    }

    /// The config in force now.
    var current: Snapshot { snapshot.withLock { $0 } }

    /// Puts another config in force; requests already running keep theirs.
    func install(_ next: Snapshot) {
        snapshot.withLock { $0 = next }
    }
}

/// The distributions one edge serves, and by the names each answers to.
struct ServedDistributions: Sendable {
    let all: [DistributionSpec]
    let byName: HostDirectory<DistributionSpec>

    init(_ topology: Topology, edge: String) {
        all = topology.distributions.filter { $0.edges.contains(edge) }
        byName = HostDirectory(all.map { ($0.names, $0) })
    }

    /// The distribution for a request's authority: the one whose domain or alias it names (or
    /// whose id), or the only one the edge serves whatever it says (curl to 127.0.0.1:port).
    func distribution(for authority: String?) -> DistributionSpec? {
        // An edge serving one distribution serves it whatever the Host says: no need to read it.
        if all.count == 1 { return all[0] }
        let authority = authority ?? ""
        let host = authority.firstIndex(of: ":").map { authority[..<$0] } ?? authority[...]
        return byName.value(for: host) ?? all.first { $0.id == host }
    }
}
