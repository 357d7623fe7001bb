import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Topology

/// What an admin surface needs from its node.
public struct AdminHooks: Sendable {
    /// The node's id.
    public var node: String
    /// The node's role.
    public var role: NodeRole
    /// The node's metrics.
    public var metrics: NodeMetrics
    /// The node's cache, if it has one: `/health` reports it, `/invalidate` clears it.
    public var cache: CacheTier?
    /// The domain name of each distribution, by id, for invalidation.
    public var domains: [String: String]
    /// The node's emulated links by the upstream's id, for fault injection.
    public var links: [String: LinkForwarder]
    /// The edges out of routing now, for the GeoDNS node: `/health` reports them.
    public var outOfRouting: (@Sendable () -> [String])?
    /// Whether the node is shedding load, for an edge: `/health` then answers 503 `overloaded`,
    /// and GeoDNS routes around it.
    public var overloaded: (@Sendable () -> Bool)?
    /// The network's write token: every route that changes the node's state (`/invalidate`,
    /// `/faults/…`) needs it as `Authorization: Bearer TOKEN`; with none, they are refused.
    public var token: String?

    /// Creates the hooks.
    public init(
        node: String,
        role: NodeRole,
        metrics: NodeMetrics,
        cache: CacheTier? = nil,
        domains: [String: String] = [:],
        links: [String: LinkForwarder] = [:],
        outOfRouting: (@Sendable () -> [String])? = nil,
        overloaded: (@Sendable () -> Bool)? = nil,
        token: String? = nil
    ) {
        self.token = token
        self.outOfRouting = outOfRouting
        self.overloaded = overloaded
        self.node = node
        self.role = role
        self.metrics = metrics
        self.cache = cache
        self.domains = domains
        self.links = links
    }
}

extension AdminHooks {
    /// The node's `GET /health` answer: 200 with its report, or 503 `overloaded` while an edge
    /// sheds load. Read synchronously (the cache's usage included), so the event loop answers it.
    @Sendable func healthResponse() -> (status: HTTPResponse.Status, body: ByteBuffer) {
        let usage = cache?.usage
        let overloaded = self.overloaded?() ?? false
        let report = HealthReport(
            node: node,
            role: role,
            status: overloaded ? .overloaded : .ok,
            pid: Self.pid,
            cachedObjects: usage?.objects,
            cachedBytes: usage?.bytes,
            outOfRouting: outOfRouting?()
        )
        let body = (try? JSONEncoder().encode(report)).map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: "{}")
        return (overloaded ? .serviceUnavailable : .ok, body)
    }

    private static let pid = ProcessInfo.processInfo.processIdentifier

    /// Refuses a write without the network's token: 401 with none, 403 with another (or when
    /// the node has none to compare with).
    func authorizeWrite(_ request: Request) throws {
        guard let given = request.headers[.authorization] else {
            throw HTTPError(.unauthorized, message: "\(node)'s admin writes need the network's token (Authorization: Bearer, STATE/registry/token)")
        }
        guard let token, Self.same(given, "Bearer \(token)") else {
            throw HTTPError(.forbidden, message: "the token is not the network's")
        }
    }

    /// Compares in time that does not depend on where the texts differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Every node's second listener, apart from the traffic it serves, so a site's own `/metrics`
/// or `/health` path is never shadowed: `GET /health` (503 while an edge sheds load),
/// `GET /metrics` (Prometheus text),
/// `POST /invalidate`, and `POST /faults/partition?peer=ID&seconds=S` (cut the link to an
/// upstream for a while). Reads are open; the two writes need the network's token, so that
/// nothing else on the machine (a function's handler included) can empty a cache or cut a link.
public enum AdminApplication {
    /// Builds the admin application.
    /// - Parameters:
    ///   - hooks: The node's parts the routes use.
    ///   - host: The address to listen on.
    ///   - port: The port, 0 for an ephemeral one.
    ///   - onRunning: Called with the bound port.
    ///   - logger: The node's logger.
    public static func build(
        _ hooks: AdminHooks,
        host: String,
        port: Int,
        onRunning: @escaping @Sendable (Int) async -> Void,
        logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        // `/health` is answered on the event loop by `HealthAnswerer`; the route serves the
        // requests it passes on (one asked behind another on the same connection).
        router.get("/health") { _, _ -> Response in
            let (status, body) = hooks.healthResponse()
            return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
        }
        router.get("/metrics") { _, _ -> Response in
            if let usage = hooks.cache?.usage { hooks.metrics.recordCacheUsage(objects: usage.objects, bytes: usage.bytes) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: hooks.metrics.exposition()))
            )
        }
        router.post("/invalidate") { request, context -> InvalidationResult in
            try hooks.authorizeWrite(request)
            let invalidation = try await request.decode(as: Invalidation.self, context: context)
            guard let host = hooks.domains[invalidation.distribution] else {
                throw HTTPError(.notFound, message: "no distribution \(invalidation.distribution) at \(hooks.node)")
            }
            if let bad = invalidation.paths.first(where: { !$0.hasPrefix("/") }) {
                throw HTTPError(.badRequest, message: "invalidation path '\(bad)' must start with '/'")
            }
            let removed = hooks.cache?.invalidate(host: host, paths: invalidation.paths) ?? 0
            context.logger.info("invalidated \(removed) objects for \(invalidation.paths.joined(separator: " "))")
            return InvalidationResult(node: hooks.node, removed: removed)
        }
        router.post("/faults/partition") { request, _ -> String in
            try hooks.authorizeWrite(request)
            let (peer, links, seconds) = try hooks.faultedLinks(request.uri.queryParameters)
            for link in links { link.partition(for: .seconds(seconds)) }
            return "\(hooks.node) ↮ \(peer) for \(seconds) s\n"
        }
        router.post("/faults/degrade") { request, _ -> String in
            try hooks.authorizeWrite(request)
            let query = request.uri.queryParameters
            let (peer, links, seconds) = try hooks.faultedLinks(query)
            let factor = try query["latency"].map { try number($0, named: "latency", in: 1...1000) } ?? 10
            let loss = try query["loss"].map { try number($0, named: "loss", in: 0...1) } ?? 0.05
            let degradation = LinkDegradation(latencyFactor: factor, loss: loss)
            for link in links { link.degrade(degradation, for: .seconds(seconds)) }
            return "\(hooks.node) → \(peer): latency ×\(factor), loss \(loss * 100) % for \(seconds) s\n"
        }
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [HealthAnswerer(report: hooks.healthResponse)])),
            configuration: .init(address: .hostname(host, port: port), serverName: "edgesim-admin"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}

extension AdminHooks {
    /// The links a fault names (`peer`: its own, and an origin's second one to its HTTPS port,
    /// `ID#https`) and for how long (`seconds`), or an error that lists the node's links.
    func faultedLinks(_ query: Parameters) throws -> (peer: String, links: [LinkForwarder], seconds: Double) {
        let peer = query["peer"].map(String.init) ?? ""
        let links = self.links.filter { $0.key == peer || $0.key.hasPrefix(peer + "#") }.map(\.value)
        guard !links.isEmpty else {
            let known = self.links.keys.filter { !$0.contains("#") }.sorted().joined(separator: ", ")
            throw HTTPError(.notFound, message: "\(node) has no link to '\(peer)' (its links: \(known))")
        }
        let seconds = try query["seconds"].map { try number($0, named: "seconds", in: 0.001...3600) }
        guard let seconds else { throw HTTPError(.badRequest, message: "seconds must be a number in (0, 3600]") }
        return (peer, links, seconds)
    }
}

/// A query parameter read as a number within its range, or a 400 that says which and why.
private func number(_ text: Substring, named name: String, in range: ClosedRange<Double>) throws -> Double {
    guard let value = Double(text), range.contains(value) else {
        throw HTTPError(.badRequest, message: "\(name) must be a number in [\(range.lowerBound), \(range.upperBound)], not '\(text)'")
    }
    return value
}

extension Topology {
    /// Each distribution's domain name by its id, for invalidations.
    public var distributionDomains: [String: String] {
        Dictionary(distributions.map { ($0.id, $0.domainName) }, uniquingKeysWith: { first, _ in first })
    }
}
