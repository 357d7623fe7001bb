import CloudFrontImport
import Foundation
import Replication
import Topology

/// The distributions as the registry answers for them: the topology in force (the file's, or
/// the one the last UpdateDistribution made, carried by the newest epoch), each behavior with
/// the associations in force, and when each last changed.
///
/// CloudFront's API reads its documents from here, so an `edgesim associate` shows in
/// GetDistributionConfig as an update-distribution would, and the ETag moves with either.
struct DistributionConfigs: Sendable {
    let store: RegistryStore
    let inForce: DistributionsInForce
    /// When the registry started: the LastModifiedTime of a distribution nothing has changed.
    let started = Date()

    init(store: RegistryStore, base: Topology) {
        self.store = store
        inForce = DistributionsInForce(base: base)
    }

    /// One moment's view: the newest epoch and the topology it puts in force.
    struct View: Sendable {
        var epoch: ConfigEpoch?
        var topology: Topology
        /// The topology the network started from: an update's relative paths are its file's.
        var base: Topology
        /// The topology's YAML, the text an update replaces a distribution in.
        var text: String
        /// The runtime of every function the epoch runs, for the kind of each association.
        var runtimes: [String: Runtime]

        /// A distribution with the associations in force in its behaviors.
        func distribution(_ id: String) -> DistributionSpec? {
            guard var spec = topology.distribution(id) else { return nil }
            let associations = epoch?.associations.filter { $0.distribution == id } ?? []
            for index in spec.behaviors.indices {
                let pattern = spec.behaviors[index].pathPattern
                spec.behaviors[index].functions = Dictionary(
                    associations.filter { $0.behavior == pattern }.map { association in
                        (
                            association.event,
                            FunctionAssociation(
                                event: association.event,
                                function: association.function,
                                version: association.version,
                                includeBody: association.includeBody
                            )
                        )
                    },
                    uniquingKeysWith: { first, _ in first }
                )
            }
            return spec
        }

        var distributions: [DistributionSpec] { topology.distributions.compactMap { distribution($0.id) } }

        /// The config document and ETag of a distribution as GetDistributionConfig answers.
        func config(_ spec: DistributionSpec) -> (xml: String, etag: String) {
            CloudFrontAPIDocuments.config(spec, in: topology, runtimes: runtimes)
        }
    }

    /// The view now.
    /// - Throws: When the newest epoch's topology does not load (a damaged catalog).
    func view() async throws -> View {
        let epoch = await store.latest
        let topology: Topology
        if let epoch {
            topology = try inForce.topology(for: epoch)
            inForce.install(topology, from: epoch)
        } else {
            topology = inForce.base
        }
        let text: String
        if let updated = epoch?.topology {
            text = updated
        } else {
            text = try inForce.base.file.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        }
        var runtimes: [String: Runtime] = [:]
        for version in epoch?.versions ?? [] { runtimes[version.name] = Runtime(identifier: version.runtime) }
        return View(epoch: epoch, topology: topology, base: inForce.base, text: text, runtimes: runtimes)
    }

    /// When a distribution last changed, and the epoch that changed it (0 for none since start).
    func lastChange(of distribution: String) async -> (epoch: Int, at: Date) {
        guard let change = await store.lastChange(of: distribution) else { return (0, started) }
        return (change.epoch, Date(timeIntervalSince1970: change.at))
    }
}
