import CDNCore
import Foundation
import HTTPTypes
import LambdaRuntime
import Logging
import Replication
import Topology

/// Makes an edge's Lambda@Edge stages from one replicated config epoch: every association of a
/// distribution this edge serves, each version's bundle (already checked and stored in the
/// edge's replica) extracted and checked against the package limit of its events.
struct LambdaSetup: Sendable {
    let settings: EdgeSettings
    let edge: EdgeSpec
    let replica: ReplicaStore
    let host: FunctionHost
    let metrics: NodeMetrics
    let validationLog: ValidationLog

    /// The stages of an epoch (``NoTriggers`` when it associates nothing with this edge). The
    /// host keeps an interpreter started ahead for the kinds of worker the epoch's functions
    /// need, and none for others.
    /// - Throws: ``PackageError`` for a package too large for its events or unreadable, or
    ///   ``ReplicationError`` when the epoch names a version it does not carry.
    func stages(for epoch: ConfigEpoch) throws -> any TriggerStages {
        let topology = settings.topology
        let served = Set(topology.distributions.filter { $0.edges.contains(edge.id) }.map(\.id))
        let associations = epoch.associations.filter { served.contains($0.distribution) }
        guard !associations.isEmpty else {
            host.keepSpares(for: [])
            return NoTriggers()
        }
        var events: [FunctionRef: Set<EventType>] = [:]
        for association in associations { events[association.ref, default: []].insert(association.event) }
        var slots: [LambdaTriggers.Slot: LambdaTriggers.Assigned] = [:]
        var prepared: [FunctionRef: FunctionCode] = [:]
        for association in associations {
            let event = association.event
            guard let record = epoch.version(of: association), let spec = record.spec(code: replica.bundlePath(record.name, record.version)) else {
                throw ReplicationError(.incomplete, "epoch \(epoch.epoch) names \(association.ref) without a runnable record")
            }
            let code: FunctionCode
            if let known = prepared[record.ref] {
                code = known
            } else {
                var made = try FunctionCode.prepare(
                    spec,
                    version: record.version,
                    for: events[record.ref] ?? [],
                    stateDirectory: replica.directory
                )
                made.keyValueStore = try keyValueStore(record, in: epoch)
                code = made
                prepared[record.ref] = code
            }
            slots[.init(distribution: association.distribution, behavior: association.behavior, event: event)] = .init(
                code: code,
                includeBody: association.includeBody
            )
        }
        host.keepSpares(for: prepared.values)
        return LambdaTriggers(
            host: host,
            slots: slots,
            topology: topology,
            metrics: metrics,
            executionErrorStatus: HTTPResponse.Status(code: settings.executionErrorStatus),
            validationLog: validationLog,
            edgeLocation: FunctionEvent.edgeLocation(pop: edge.id, serverIP: settings.node.host, region: edge.hub)
        )
    }

    /// The KeyValueStore revision a CloudFront Function reads under an epoch, in this replica.
    /// - Throws: ``ReplicationError`` when the epoch does not carry the store the version names.
    private func keyValueStore(_ record: FunctionVersion, in epoch: ConfigEpoch) throws -> KeyValueStoreFile? {
        guard let name = record.keyValueStore else { return nil }
        guard let revision = epoch.store(name) else {
            throw ReplicationError(.incomplete, "epoch \(epoch.epoch) names \(record.ref), which reads key value store \(name), without the store")
        }
        return KeyValueStoreFile(
            path: replica.storePath(revision.name, revision.revision),
            name: revision.name,
            id: revision.id,
            created: revision.created,
            lastModified: revision.lastModified,
            keyCount: revision.itemCount
        )
    }

    /// Removes the extracted folders of collected versions (their bundles are gone already).
    func removeExtracted(_ refs: [FunctionRef]) {
        for ref in refs { try? FileManager.default.removeItem(atPath: FunctionCode.extractedFolder(of: ref, in: replica.directory)) }
    }
}
