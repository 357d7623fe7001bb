import CDNCore
import HTTPTypes
import LambdaRuntime
import Logging
import Topology

/// Makes an edge's Lambda@Edge stages from its topology: every function version a behavior of
/// a distribution this edge serves associates, checked against the package limit of its events.
enum LambdaSetup {
    /// - Returns: The stages (``NoTriggers`` when nothing is associated) and the worker host to run.
    /// - Throws: ``PackageError`` for a package too large for its events, or when the state
    ///   directory cannot be written.
    static func make(settings: EdgeSettings, edge: EdgeSpec, metrics: NodeMetrics, logger: Logger) throws -> (any TriggerStages, FunctionHost?) {
        let topology = settings.topology
        var events: [String: Set<EventType>] = [:]
        var versions: [String: (String, Int)] = [:]
        for distribution in topology.distributions where distribution.edges.contains(edge.id) {
            for behavior in distribution.behaviors {
                for association in behavior.functions.values {
                    events[association.description, default: []].insert(association.event)
                    versions[association.description] = (association.function, association.version)
                }
            }
        }
        guard !versions.isEmpty else { return (NoTriggers(), nil) }
        var functions: [String: FunctionCode] = [:]
        for (qualified, (name, version)) in versions {
            guard let spec = topology.function(name) else { continue }
            functions[qualified] = try FunctionCode.prepare(
                spec,
                version: version,
                for: events[qualified] ?? [],
                stateDirectory: settings.stateDirectory
            )
        }
        let host = try FunctionHost(settings: .init(edge: edge.id, region: edge.hub, stateDirectory: settings.stateDirectory), logger: logger)
        let triggers = LambdaTriggers(
            host: host,
            functions: functions,
            topology: topology,
            metrics: metrics,
            executionErrorStatus: HTTPResponse.Status(code: settings.executionErrorStatus),
            validationLog: ValidationLog(stateDirectory: settings.stateDirectory, region: edge.hub, edge: edge.id)
        )
        logger.info("Lambda@Edge: \(functions.keys.sorted().joined(separator: ", ")) ready to run (workers start on first use)")
        return (triggers, host)
    }
}
