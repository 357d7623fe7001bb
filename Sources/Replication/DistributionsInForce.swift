import Foundation
import Synchronization
import Topology

/// The distributions a node answers for, as the config epochs say: the topology file's, until
/// an UpdateDistribution puts another topology in force, whose text then rides in every epoch
/// (``ConfigEpoch/topology``).
///
/// A text is loaded once, against the folder of the file the network started from (its relative
/// paths are that file's). Only the distributions change: the nodes, links and functions an
/// update cannot touch stay those of the file.
public final class DistributionsInForce: Sendable {
    /// The topology the network started from.
    public let base: Topology
    private let state: Mutex<(text: String?, topology: Topology)>

    public init(base: Topology) {
        self.base = base
        state = Mutex((nil, base))
    }

    /// The topology in force now.
    public var topology: Topology { state.withLock { $0.topology } }

    /// The topology an epoch puts in force, loaded if its text is new; not yet in force.
    /// - Throws: `TopologyError` when the text does not load (the registry loaded it before it
    ///   made the epoch, so this is a damaged epoch).
    public func topology(for epoch: ConfigEpoch) throws -> Topology {
        let (text, topology) = state.withLock { ($0.text, $0.topology) }
        guard epoch.topology != text else { return topology }
        guard let next = epoch.topology else { return base }
        return try Self.load(next, over: base, epoch: epoch.epoch)
    }

    /// Puts an epoch's topology in force.
    public func install(_ topology: Topology, from epoch: ConfigEpoch) {
        state.withLock { $0 = (epoch.topology, topology) }
    }

    /// Loads a topology text in place of a base: relative paths are the base file's, and
    /// problems are reported as of the epoch that carries it.
    public static func load(_ text: String, over base: Topology, epoch: Int) throws -> Topology {
        let file = base.file ?? "topology.yaml"
        let folder = (file as NSString).deletingLastPathComponent
        return try TopologyLoader.load(
            yaml: text,
            file: "\(file) as updated by epoch \(epoch)",
            baseDirectory: folder.isEmpty ? FileManager.default.currentDirectoryPath : folder
        )
    }
}
