import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import Topology

/// The serving half of replication, on the registry's API port and on each hub's traffic port
/// (so edge↔hub replication crosses the same emulated link as the edge's cache misses):
///
/// - `GET /.edgesim/replication/stream?after=N` — a long-lived response of newline-delimited
///   ``FeedLine``s: every held epoch above N in order, then each new one as it is held, with a
///   heartbeat after each batch and at least once a second.
/// - `GET /.edgesim/replication/bundles/NAME/N` — a version's bundle.
/// - `GET /.edgesim/replication/stores/NAME/N` — a KeyValueStore revision's data.
public enum ReplicationFeed {
    /// The path prefix every replication route shares.
    public static let prefix = "/.edgesim/replication"
    /// How often an idle stream says it is alive.
    public static let heartbeat = Duration.seconds(1)

    /// Adds the three routes to a router.
    public static func addRoutes<Context: RequestContext>(to router: Router<Context>, source: some ReplicationSource) {
        router.get("\(prefix)/stream") { request, _ -> Response in
            let after = request.uri.queryParameters["after"].flatMap { Int($0) } ?? 0
            return Response(
                status: .ok,
                headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    // The stream never ends by itself: it ends when the follower goes, or when
                    // this node shuts down (so shutdown does not wait for followers).
                    let stopping = Mutex(false)
                    try await withGracefulShutdownHandler {
                        try await stream(from: source, after: after, into: &writer) { stopping.withLock { $0 } }
                    } onGracefulShutdown: {
                        stopping.withLock { $0 = true }
                        source.changes.signal()
                    }
                    try await writer.finish(nil)
                }
            )
        }
        router.get("\(prefix)/bundles/:name/:version") { _, context -> Response in
            let name = try context.parameters.require("name")
            let version = try context.parameters.require("version", as: Int.self)
            guard let data = await source.heldBundle(name, version) else {
                throw HTTPError(.notFound, message: "no bundle for \(name):\(version) here")
            }
            return Response(status: .ok, headers: [.contentType: "application/zip"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("\(prefix)/stores/:name/:revision") { _, context -> Response in
            let name = try context.parameters.require("name")
            let revision = try context.parameters.require("revision", as: Int.self)
            guard let data = await source.heldStoreData(name, revision) else {
                throw HTTPError(.notFound, message: "no data for key value store \(name)@\(revision) here")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Writes epochs and heartbeats until the follower goes away (a write then throws).
    static func stream(
        from source: some ReplicationSource,
        after: Int,
        into writer: inout some ResponseBodyWriter,
        stopping: () -> Bool
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var cursor = after
        var sent = Set<FunctionRef>()
        while !Task.isCancelled, !stopping() {
            let seen = source.changes.generation
            for epoch in await source.epochs(after: cursor) {
                let bundles = await inlineBundles(of: epoch, notIn: sent, from: source)
                try await writer.write(line(FeedLine(epoch: epoch, bundles: bundles.isEmpty ? nil : bundles), encoder))
                sent.formUnion(epoch.refs)
                cursor = epoch.epoch
            }
            try await writer.write(line(FeedLine(heartbeat: max(cursor, await source.latestEpoch())), encoder))
            await source.changes.wait(beyond: seen, timeout: heartbeat)
        }
    }

    /// The largest bundle sent inline, and the most bundle bytes one line carries; larger ones
    /// are fetched (`bundles/NAME/N`) as before.
    static let inlineBundleLimit = 256 << 10
    static let inlineLineLimit = 1 << 20

    /// The small bundles of the versions an epoch names that this stream has not named yet.
    private static func inlineBundles(
        of epoch: ConfigEpoch,
        notIn sent: Set<FunctionRef>,
        from source: some ReplicationSource
    ) async -> [FeedLine.Bundle] {
        var bundles: [FeedLine.Bundle] = []
        var bytes = 0
        for ref in epoch.refs where !sent.contains(ref) {
            guard let data = await source.heldBundle(ref.name, ref.version), data.count <= inlineBundleLimit,
                bytes + data.count <= inlineLineLimit
            else { continue }
            bundles.append(FeedLine.Bundle(name: ref.name, version: ref.version, data: data))
            bytes += data.count
        }
        return bundles
    }

    private static func line(_ value: FeedLine, _ encoder: JSONEncoder) throws -> ByteBuffer {
        var data = try encoder.encode(value)
        data.append(0x0A)
        return ByteBuffer(bytes: data)
    }
}
