import Synchronization

/// The function config in force at an edge: one config epoch's trigger stages, swapped whole.
///
/// A request reads it once, when it arrives, and runs every stage from that one snapshot, so it
/// runs entirely under the old epoch or entirely under the new one — never a mix.
final class ActiveConfig: Sendable {
    /// One epoch's stages.
    struct Snapshot: Sendable {
        /// The config epoch (0 before the first).
        var epoch: Int
        /// Its stages.
        var triggers: any TriggerStages
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
