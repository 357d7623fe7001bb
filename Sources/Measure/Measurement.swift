import CDNCore
import Foundation
import Topology

/// A measurement of a running network: every chosen viewer location at once, each through the
/// edge routing gives it, over its emulated link.
///
/// ```swift
/// let targets = try Measurement.targets(state: state, topology: topology, viewers: ["tokyo-home"])
/// let result = await Measurement.run(targets, settings: settings, topology: topology.name)
/// print(result.locations[0].p50)
/// ```
public enum Measurement {
    /// The locations to measure from, each starting at the edge the distribution's routing
    /// policy gives it (the GeoDNS answers then move it as health changes).
    /// - Parameters:
    ///   - state: The running network.
    ///   - topology: Its topology, for the viewers' coordinates and routing.
    ///   - viewers: The viewer ids; empty for all.
    ///   - distribution: The distribution's id or domain; the topology's first when `nil`.
    ///   - https: Whether to measure over HTTPS, trusting the network's CA.
    /// - Throws: ``MeasureError`` naming a viewer or distribution that is unknown, or a viewer
    ///   with no edge.
    public static func targets(
        state: NetworkState,
        topology: Topology,
        viewers: [String],
        distribution: String? = nil,
        https: Bool = false
    ) throws -> [MeasureTarget] {
        let named = distribution.map { topology.distribution($0) } ?? topology.distributions.first
        guard let spec = named else {
            let known = topology.distributions.map(\.id).joined(separator: ", ")
            throw MeasureError("there is no distribution '\(distribution ?? "")' in the running network (it has: \(known))")
        }
        let chosen = viewers.isEmpty ? state.viewers.map(\.id) : viewers
        return try chosen.map { id in
            guard let viewer = state.viewers.first(where: { $0.id == id }), let place = topology.viewer(id) else {
                let known = state.viewers.map(\.id).joined(separator: ", ")
                throw MeasureError("there is no viewer '\(id)' in the running network (it has: \(known))")
            }
            guard let route = try? topology.route(viewer: id, distribution: spec.id), let edge = state.node(route.edge.id) else {
                throw MeasureError("viewer '\(id)' has no edge to go to: no edge of \(spec.id) is reachable from it")
            }
            if https, edge.httpsPort == nil || state.certificateAuthority == nil {
                throw MeasureError("edge \(edge.id) has no HTTPS listener in the state file: is the network older than HTTPS?")
            }
            return MeasureTarget(
                viewer: id,
                location: viewer.location,
                latitude: place.location.coordinate.latitude,
                longitude: place.location.coordinate.longitude,
                address: viewer.address,
                edge: edge.id,
                edgeHost: ListenAddress.connectable(edge.host),
                edgePort: https ? edge.httpsPort ?? edge.port : edge.port,
                domain: spec.domainName,
                modelledRTT: route.hops.first?.rtt.inMilliseconds ?? 0,
                resolver: state.node("dns").map { "\($0.host):\($0.port)" },
                certificateAuthority: https ? state.certificateAuthority : nil
            )
        }
    }

    /// Runs the load from every location at once.
    /// - Parameters:
    ///   - targets: The locations.
    ///   - settings: Paths, extent, concurrency, pacing, warm-up.
    ///   - topology: The topology, for the result's name and map.
    ///   - progress: Counts as requests complete, for a live display.
    /// - Returns: Each location's results, in the targets' order.
    public static func run(
        _ targets: [MeasureTarget],
        settings: MeasureSettings,
        topology: Topology,
        progress: MeasureProgress = MeasureProgress()
    ) async -> MeasureResult {
        let startedAt = Date()
        let started = ContinuousClock.now
        let recorders = await withTaskGroup(of: (Int, LocationRecorder).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await LocationRun.run(target, settings: settings, progress: progress, placement: index)) }
            }
            var recorders: [Int: LocationRecorder] = [:]
            for await (index, recorder) in group { recorders[index] = recorder }
            return recorders
        }
        return MeasureResult(
            startedAt: startedAt,
            seconds: (ContinuousClock.now - started).inMilliseconds / 1000,
            topology: topology.name,
            settings: settings,
            locations: targets.indices.map { MeasureResult.Location(target: targets[$0], recorder: recorders[$0] ?? LocationRecorder()) },
            places: topology.edges.map {
                .init(id: $0.id, role: .edge, latitude: $0.location.coordinate.latitude, longitude: $0.location.coordinate.longitude, hub: $0.hub)
            }
                + topology.hubs.map {
                    .init(id: $0.id, role: .hub, latitude: $0.location.coordinate.latitude, longitude: $0.location.coordinate.longitude, hub: nil)
                }
        )
    }
}

/// A measurement that cannot run as asked, said plainly.
public struct MeasureError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
