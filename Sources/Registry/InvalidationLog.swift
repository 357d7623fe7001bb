import CDNCore
import CloudFrontImport
import Foundation
import HTTPTypes
import Logging
import Replication
import Topology

/// The invalidations made through CloudFront's API, kept on disk (`STATE/registry/
/// invalidations.json`) so an acknowledged one is never lost, each sent to every edge and hub
/// of the running network until all have dropped the objects; then it is Completed.
actor InvalidationLog {
    typealias Invalidation = CloudFrontAPIDocuments.Invalidation

    private let file: String
    private let stateDirectory: String
    private let logger: Logger
    private var invalidations: [Invalidation]
    /// How long to wait between rounds while some node has not answered (one restarting).
    private let retryInterval: Duration

    init(stateDirectory: String, logger: Logger, retryInterval: Duration = .seconds(1)) {
        self.stateDirectory = stateDirectory
        self.file = (stateDirectory as NSString).appendingPathComponent("registry/invalidations.json")
        self.logger = logger
        self.retryInterval = retryInterval
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        invalidations = FileManager.default.contents(atPath: file).flatMap { try? decoder.decode([Invalidation].self, from: $0) } ?? []
    }

    /// Sends every invalidation a restarted registry still has in progress.
    func resume() {
        for invalidation in invalidations where !invalidation.completed { deliver(invalidation) }
    }

    /// Records a new invalidation and starts sending it; the same caller reference with the same
    /// paths gives the existing one back, as CloudFront does.
    /// - Returns: The invalidation, and whether it is new.
    func create(distribution: String, callerReference: String, paths: [String]) throws -> (Invalidation, Bool) {
        if let existing = invalidations.first(where: { $0.distribution == distribution && $0.callerReference == callerReference }) {
            guard existing.paths == paths else {
                throw CloudFrontAPIError(
                    .conflict,
                    "InvalidationBatchAlreadyExists",
                    "Caller reference \(callerReference) was used for invalidation \(existing.id) with other paths."
                )
            }
            return (existing, false)
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let id = "I" + String((0..<13).map { _ in alphabet.randomElement()! })
        let invalidation = Invalidation(id: id, distribution: distribution, callerReference: callerReference, paths: paths, created: Date())
        invalidations.append(invalidation)
        try save()
        deliver(invalidation)
        return (invalidation, true)
    }

    func find(_ id: String, distribution: String) -> Invalidation? {
        invalidations.first { $0.id == id && $0.distribution == distribution }
    }

    func all(distribution: String) -> [Invalidation] { invalidations.filter { $0.distribution == distribution } }

    func inProgress(_ distribution: String) -> Int { invalidations.count { $0.distribution == distribution && !$0.completed } }

    private func deliver(_ invalidation: Invalidation) {
        Task { await self.send(invalidation) }
    }

    /// Sends until every cache node has answered, each node once it has.
    private func send(_ invalidation: Invalidation) async {
        var pending: Set<String>?
        while !Task.isCancelled {
            let network: NetworkState
            do { network = try NetworkState.load(from: stateDirectory) } catch {
                logger.warning("invalidation \(invalidation.id): the network's state cannot be read yet (\(error)); trying again")
                try? await Task.sleep(for: retryInterval)
                continue
            }
            do {
                let targets = network.nodes.filter { ($0.role == .edge || $0.role == .hub) && (pending?.contains($0.id) ?? true) }
                var subset = network
                subset.nodes = targets
                let answers = await CDNCore.Invalidation(distribution: invalidation.distribution, paths: invalidation.paths).send(
                    to: subset,
                    token: try? RegistryToken.load(stateDirectory: stateDirectory)
                )
                pending = Set(answers.compactMap { id, answer in if case .failed = answer { id } else { nil } })
                if pending?.isEmpty == true { break }
                logger.warning("invalidation \(invalidation.id): \(pending!.sorted().joined(separator: ", ")) did not answer; trying again")
            }
            try? await Task.sleep(for: retryInterval)
        }
        guard let index = invalidations.firstIndex(where: { $0.id == invalidation.id }) else { return }
        invalidations[index].completed = true
        do { try save() } catch { logger.error("invalidation \(invalidation.id) completed but could not be recorded: \(error)") }
        logger.info("invalidation \(invalidation.id) of \(invalidation.distribution) completed at every edge and hub")
    }

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(invalidations).write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
