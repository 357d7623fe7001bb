import Foundation

/// What a replication feed serves from: the registry's store, or a hub's replica.
public protocol ReplicationSource: Sendable {
    /// Bumped whenever a new epoch is held.
    var changes: ChangeSignal { get }
    /// Every held epoch numbered above `epoch`, oldest first.
    func epochs(after epoch: Int) async -> [ConfigEpoch]
    /// The newest held epoch's number (0 when none).
    func latestEpoch() async -> Int
    /// A version's bundle, if it is held.
    func heldBundle(_ name: String, _ version: Int) async -> Data?
    /// A KeyValueStore revision's data, if it is held.
    func heldStoreData(_ name: String, _ revision: Int) async -> Data?
}
