import CDNCore
import CloudFrontImport
import Foundation
import HTTPTypes
import Replication
import Topology

extension CloudFrontAPI {
    /// UpdateDistribution: checks the caller's `If-Match` against the config in force, maps the
    /// new `<DistributionConfig>` onto the topology in force, loads and checks the result, and
    /// makes it (with the associations it names) one config epoch.
    ///
    /// An epoch made by anything else between the check and the commit makes the update again
    /// on the newer state, where the `If-Match` may then be stale, as at CloudFront.
    /// - Returns: The view with the update in force.
    static func update(
        _ id: String,
        body: Data,
        ifMatch: String?,
        configs: DistributionConfigs,
        store: RegistryStore
    ) async throws -> DistributionConfigs.View {
        guard !body.isEmpty else { throw CloudFrontAPIError(.badRequest, "MissingBody", "UpdateDistribution needs a DistributionConfig.") }
        guard let ifMatch, !ifMatch.isEmpty else {
            throw CloudFrontAPIError(
                .badRequest,
                "InvalidIfMatchVersion",
                "The If-Match version is missing: send the ETag that GetDistributionConfig returned."
            )
        }
        for _ in 0..<8 {
            let view = try await view(configs)
            guard let current = view.distribution(id) else {
                throw CloudFrontAPIError(.notFound, "NoSuchDistribution", "The specified distribution does not exist: \(id).")
            }
            guard ifMatch == view.config(current).etag else {
                throw CloudFrontAPIError(
                    .preconditionFailed,
                    "PreconditionFailed",
                    "The If-Match version \(ifMatch) is not the distribution's current ETag: get the config again and make the change on it."
                )
            }
            let (text, changes) = try updated(id, body: body, current: current, in: view)
            do {
                _ = try await store.updateDistribution(id, topology: text, associations: changes, basedOn: view.epoch?.epoch ?? 0)
                return try await self.view(configs)
            } catch let error as RegistryError where error.code == .conflict {
                continue
            } catch let error as RegistryError {
                // A version that is not published, or a CloudFront Function with no LIVE stage.
                let code = error.message.contains("CloudFront Function") ? "InvalidFunctionAssociation" : "InvalidLambdaFunctionAssociation"
                throw CloudFrontAPIError(.badRequest, code, error.message)
            }
        }
        throw CloudFrontAPIError(.conflict, "OperationAborted", "The config kept changing while the update was made; try again.")
    }

    /// The topology text with the distribution's new config, and the associations it names.
    private static func updated(
        _ id: String,
        body: Data,
        current: DistributionSpec,
        in view: DistributionConfigs.View
    ) throws -> (String, [AssociationChange]) {
        let update: DistributionUpdate
        do {
            update = try DistributionUpdate.make(distribution: id, body: body, topology: view.topology, text: view.text)
        } catch let error as IllegalUpdate {
            throw CloudFrontAPIError(.badRequest, "IllegalUpdate", error.description)
        } catch let error as ImportError {
            throw refusal(for: error)
        }
        let next: Topology
        do {
            next = try DistributionsInForce.load(update.yaml, over: view.base, epoch: (view.epoch?.epoch ?? 0) + 1)
        } catch {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "The new config does not make a valid distribution here: \(error)")
        }
        guard let spec = next.distribution(id) else {
            throw CloudFrontAPIError(.badRequest, "InvalidArgument", "The new config does not make distribution \(id).")
        }
        try checkFixed(current, spec)
        let changes = try associationChanges(update.associations, distribution: spec, runtimes: view.runtimes)
        return (update.yaml, changes)
    }

    /// What a running network cannot change in place: the names a distribution answers to and
    /// its certificates (every edge's TLS contexts and the GeoDNS are made at start), where it
    /// is served from, and its access log. CloudFront changes them in an update; here the
    /// topology is edited and the network started again, and the refusal says so.
    private static func checkFixed(_ current: DistributionSpec, _ next: DistributionSpec) throws {
        var changed: [String] = []
        if current.aliases != next.aliases { changed.append("Aliases") }
        if current.edges != next.edges || current.routing != next.routing { changed.append("PriceClass") }
        if current.securityPolicy != next.securityPolicy || current.certificate != next.certificate {
            changed.append("ViewerCertificate")
        }
        if current.httpVersions != next.httpVersions { changed.append("HttpVersion") }
        if current.logging != next.logging { changed.append("Logging") }
        guard changed.isEmpty else {
            throw CloudFrontAPIError(
                .badRequest,
                "IllegalUpdate",
                "edgesim does not change \(changed.joined(separator: ", ")) of a running distribution (its certificates, GeoDNS names and log files are made at start): edit the topology and start the network again."
            )
        }
    }

    /// The config's associations as the registry's changes, with CloudFront's rules on the two
    /// kinds: a CloudFront Function runs only at viewer events, and rules out Lambda@Edge at
    /// both viewer events of its behavior.
    private static func associationChanges(
        _ associations: [DistributionUpdate.Association],
        distribution: DistributionSpec,
        runtimes: [String: Runtime]
    ) throws -> [AssociationChange] {
        var changes: [AssociationChange] = []
        for association in associations {
            let code = association.kind == .lambda ? "InvalidLambdaFunctionAssociation" : "InvalidFunctionAssociation"
            guard let event = EventType(rawValue: association.event) else {
                throw CloudFrontAPIError(
                    .badRequest,
                    code,
                    "\(association.path): EventType '\(association.event)' is not viewer-request, origin-request, origin-response or viewer-response."
                )
            }
            if association.kind == .cloudFrontFunction, !event.isViewerFacing {
                throw CloudFrontAPIError(
                    .badRequest,
                    code,
                    "\(association.path): a CloudFront Function runs only at viewer-request or viewer-response."
                )
            }
            let name = association.function.split(separator: ":").first.map(String.init) ?? association.function
            if association.kind == .lambda, runtimes[name]?.isCloudFrontFunction == true {
                throw CloudFrontAPIError(
                    .badRequest,
                    code,
                    "\(association.path): \(name) is a CloudFront Function: associate it in FunctionAssociations."
                )
            }
            if changes.contains(where: { $0.behavior == association.behavior && $0.event == event }) {
                throw CloudFrontAPIError(
                    .badRequest,
                    code,
                    "\(association.path): behavior '\(association.behavior)' already has a function at \(event.rawValue)."
                )
            }
            changes.append(
                AssociationChange(
                    distribution: distribution.id,
                    behavior: association.behavior,
                    event: event,
                    function: association.function,
                    includeBody: association.includeBody
                )
            )
        }
        for behavior in Set(associations.map(\.behavior)) {
            let here = associations.filter { $0.behavior == behavior }
            guard let function = here.first(where: { $0.kind == .cloudFrontFunction }),
                let lambda = here.first(where: { $0.kind == .lambda && EventType(rawValue: $0.event)?.isViewerFacing == true })
            else { continue }
            throw CloudFrontAPIError(
                .badRequest,
                "InvalidFunctionAssociation",
                "\(lambda.path): behavior '\(behavior)' runs CloudFront Function \(function.function) at \(function.event); CloudFront does not run Lambda@Edge at a viewer event beside it."
            )
        }
        return changes
    }

    /// CloudFront's code and status for what the mapping refused (a missing thing is a 404).
    private static func refusal(for error: ImportError) -> CloudFrontAPIError {
        let message = "\(error.path): \(error.message)"
        return switch error.reason {
        case .invalid: CloudFrontAPIError(.badRequest, "InvalidArgument", message)
        case .malformed: CloudFrontAPIError(.badRequest, "MalformedInput", message)
        case .inconsistentQuantities: CloudFrontAPIError(.badRequest, "InconsistentQuantities", message)
        case .noSuchOrigin: CloudFrontAPIError(.notFound, "NoSuchOrigin", message)
        case .noSuchCachePolicy: CloudFrontAPIError(.notFound, "NoSuchCachePolicy", message)
        case .noSuchOriginRequestPolicy: CloudFrontAPIError(.notFound, "NoSuchOriginRequestPolicy", message)
        case .noSuchResponseHeadersPolicy: CloudFrontAPIError(.notFound, "NoSuchResponseHeadersPolicy", message)
        }
    }
}
