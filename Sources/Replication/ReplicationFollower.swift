import AsyncHTTPClient
import CDNCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Synchronization
import Topology

/// The following half of replication, in each hub (from the registry) and each edge (from its
/// hub): one persistent stream from upstream, resumed from the newest epoch the node holds.
///
/// For each epoch that arrives: fetch the bundles the node does not hold, check each against
/// the registry's signature, store it, then commit the epoch — all before anything runs it. A
/// bundle that fails the check is refused, reported, and the epoch is not taken. An applier
/// then puts the newest stored epoch in force (``Hooks/apply``), at once, or after this node's
/// share of a slow rollout.
///
/// Every decision (which epochs to take, when to switch, what to report, when the node is
/// ready) is ``FollowerState``'s; this service runs the loops, the I/O and the clock.
public final class ReplicationFollower: Service {
    /// How a follower runs.
    public struct Settings: Sendable {
        /// This node's id.
        public var node: String
        /// ``NodeRole/hub`` or ``NodeRole/edge``.
        public var role: NodeRole
        /// The upstream's base URL: the local port of the emulated link to it.
        public var upstream: String
        /// The registry's base URL, for deployment reports; `nil` sends none.
        public var registry: String?
        /// The registry's write token, for reports.
        public var token: String?
        /// The registry's Ed25519 public key, raw: every bundle is checked against it.
        public var publicKey: Data
        /// The longest wait before a new epoch is put in force (slow rollout); zero switches at
        /// once. Each node waits its own share of it, the same on every run.
        public var rollout: Duration
        /// How long a version no epoch names stays on disk.
        public var garbageDelay: Duration
        /// TLS to the registry (the network's CA trusted), and the address each of its names
        /// stands for; `nil` when the upstream and the registry speak plain HTTP.
        public var tls: (configuration: TLSConfiguration, addresses: [String: String])?

        /// Creates settings.
        public init(
            node: String,
            role: NodeRole,
            upstream: String,
            registry: String?,
            token: String?,
            publicKey: Data,
            rollout: Duration = .zero,
            garbageDelay: Duration = CachingNodeSettings.Default.garbageDelay
        ) {
            self.node = node
            self.role = role
            self.upstream = upstream
            self.registry = registry
            self.token = token
            self.publicKey = publicKey
            self.rollout = rollout
            self.garbageDelay = garbageDelay
        }
    }

    /// What happens when an epoch goes in force, and when versions are collected.
    public struct Hooks: Sendable {
        /// Puts an epoch in force; a throw refuses it (the node stays on what it had).
        public var apply: @Sendable (ConfigEpoch) async throws -> Void
        /// Called with the versions whose bundles were removed.
        public var collected: @Sendable ([FunctionRef]) async -> Void

        /// Creates hooks.
        public init(
            apply: @escaping @Sendable (ConfigEpoch) async throws -> Void = { _ in },
            collected: @escaping @Sendable ([FunctionRef]) async -> Void = { _ in }
        ) {
            self.apply = apply
            self.collected = collected
        }
    }

    public let settings: Settings
    public let store: ReplicaStore
    private let hooks: Hooks
    private let state: Mutex<FollowerState<ContinuousClock.Instant>>
    /// Bumped when an epoch is stored: the applier looks again.
    private let stored = ChangeSignal()
    /// Bumped when an epoch goes in force or the node catches up: readiness looks again.
    private let progressed = ChangeSignal()
    private let reporter: DeploymentReporter
    private let logger: Logger

    /// Creates a follower over a node's replica.
    public init(settings: Settings, store: ReplicaStore, hooks: Hooks, logger: Logger) {
        self.settings = settings
        self.store = store
        self.hooks = hooks
        self.logger = logger
        let initial = FollowerState<ContinuousClock.Instant>(
            node: settings.node,
            role: settings.role,
            rollout: settings.rollout,
            heldAtStart: store.epochAtOpen
        )
        state = Mutex(initial)
        reporter = DeploymentReporter(
            report: initial.report,
            registry: settings.registry,
            token: settings.token,
            logger: logger
        )
    }

    /// The epoch in force.
    public var activeEpoch: Int { state.withLock { $0.active } }

    /// Waits until the node may call itself ready (``FollowerState/isReady``): the epoch it held
    /// at start is in force, or, on a first start, it has caught up with its upstream. Gives up
    /// after `timeout`.
    /// - Returns: Whether it got there in time.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = progressed.generation
            if state.withLock({ $0.isReady }) { return true }
            let left = deadline - .now
            guard left > .zero, !Task.isCancelled else { return false }
            await progressed.wait(beyond: seen, timeout: left)
        }
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        if let tls = settings.tls {
            configuration.tlsConfiguration = tls.configuration
            configuration.dnsOverride = tls.addresses
        }
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(4))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.reporter.run(client: client) }
                group.addTask { await self.applyLoop() }
                group.addTask { await self.followLoop(client: client) }
                group.addTask { await self.garbageLoop() }
            }
        }
        try? await client.shutdown()
    }

    // MARK: Receiving

    /// Follows the upstream's stream, reconnecting with a short backoff whenever it ends: 50 ms,
    /// doubling to at most 250 ms. A refused connection to a peer on this machine costs
    /// microseconds, and the cap bounds how long a healed upstream waits to be found: with a
    /// 1 s cap, the chaos soak's waves took about 2.1 s to converge after a hub's restart.
    private func followLoop(client: HTTPClient) async {
        var backoff = Duration.milliseconds(50)
        var failing = false
        while !Task.isCancelled {
            do {
                try await follow(client: client) { failing = false }
                backoff = .milliseconds(50)
            } catch {
                if Task.isCancelled { return }
                if !failing { logger.warning("replication stream from \(settings.upstream) failed: \(error); reconnecting") }
                failing = true
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(250))
        }
    }

    /// One stream: from the newest held epoch until the upstream goes away.
    private func follow(client: HTTPClient, connected: () -> Void) async throws {
        let after = await store.latestEpoch()
        let request = HTTPClientRequest(url: "\(settings.upstream)\(ReplicationFeed.prefix)/stream?after=\(after)")
        let response = try await client.execute(request, deadline: .distantFuture)
        guard response.status == .ok else { throw ReplicationError(.upstream, "the upstream answered \(response.status.code)") }
        connected()
        logger.info("following \(settings.upstream) from epoch \(after)")
        var framer = FeedLineFramer()
        for try await chunk in response.body {
            for line in try framer.append(chunk) {
                if let epoch = line.epoch { try await receive(epoch, inline: line.bundles ?? [], client: client) }
                if let latest = line.heartbeat { await heard(latest) }
            }
        }
    }

    /// Fetches, checks and stores an epoch's missing bundles and store revisions, then commits
    /// the epoch.
    ///
    /// A disk that refuses the writes (full, or failing) is not the upstream's fault: the epoch
    /// is tried again on the same stream, 50 ms later doubling to 250 ms, until the disk takes
    /// it. Ending the stream instead cost a fresh TLS connection per try, and each one given up
    /// lingered in the client's pool while its TLS shutdown waited; a few seconds of a full disk
    /// filled the pool, and the edge caught up seconds after the disk had room again.
    private func receive(_ epoch: ConfigEpoch, inline: [FeedLine.Bundle], client: HTTPClient) async throws {
        var pause = Duration.milliseconds(50)
        var failing = false
        while true {
            do {
                try await storeAndCommit(epoch, inline: inline, client: client)
                if failing { logger.info("the disk took epoch \(epoch.epoch) after all") }
                return
            } catch let error as ReplicationError where error.code == .writeFailed {
                if !failing { logger.error("\(error); trying again, serving what is in force meanwhile") }
                failing = true
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(250))
            }
        }
    }

    private func storeAndCommit(_ epoch: ConfigEpoch, inline: [FeedLine.Bundle], client: HTTPClient) async throws {
        let held = await store.latestEpoch()
        guard state.withLock({ $0.takes(epoch.epoch, held: held) }) else { return }
        for version in epoch.versions where !(await store.holds(version)) {
            let sent = inline.first { $0.name == version.name && $0.version == version.version }?.data
            let data =
                if let sent { sent } else {
                    try await fetch("bundles/\(version.name)/\(version.version)", what: "the bundle of \(version.ref)", client: client)
                }
            try await checked { () throws(ReplicationError) in try await store.store(bundle: data, of: version, publicKey: settings.publicKey) }
        }
        for revision in epoch.stores where !(await store.holds(revision)) {
            let data = try await fetch(
                "stores/\(revision.name)/\(revision.revision)",
                what: "key value store \(revision.qualified)",
                client: client
            )
            try await checked { () throws(ReplicationError) in try await store.store(data: data, of: revision, publicKey: settings.publicKey) }
        }
        try await store.commit(epoch)
        let versions = await heldVersions()
        await reporter.publish(
            state.withLock {
                $0.stored(epoch.epoch, at: .now, versions: versions)
                return $0.report
            }
        )
        let named = epoch.refs.map(\.description) + epoch.stores.map(\.qualified)
        logger.info("epoch \(epoch.epoch) stored (\(named.joined(separator: ", ")))")
        stored.signal()
    }

    /// One replicated file from upstream.
    private func fetch(_ path: String, what: String, client: HTTPClient) async throws -> Data {
        let response = try await client.execute(
            HTTPClientRequest(url: "\(settings.upstream)\(ReplicationFeed.prefix)/\(path)"),
            timeout: .seconds(60)
        )
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw ReplicationError(.upstream, "\(what) answered \(response.status.code)") }
        return Data(body.readableBytesView)
    }

    /// Stores what was fetched; a refusal (a failed signature check) is reported before it
    /// throws. A write that failed is not a refusal: it is tried again, and reporting it would
    /// leave the node marked long after its disk had room again.
    private func checked(_ storing: () async throws(ReplicationError) -> Void) async throws {
        do {
            try await storing()
        } catch {
            if error.code != .writeFailed { await refuse(error.description) }
            throw error
        }
    }

    /// A heartbeat: the first one that finds the node holding everything ends the initial sync.
    private func heard(_ latest: Int) async {
        let held = await store.latestEpoch()
        guard state.withLock({ $0.heard(latest: latest, held: held) }) else { return }
        logger.info("caught up with \(settings.upstream) at epoch \(held)")
        stored.signal()
        progressed.signal()
    }

    /// Logs and reports a problem, once.
    private func refuse(_ problem: String) async {
        let (new, report) = state.withLock { ($0.noteRefusal(problem), $0.report) }
        guard new else { return }
        logger.error("\(problem)")
        await reporter.publish(report)
    }

    // MARK: Switching

    /// Puts the newest stored epoch in force when ``FollowerState/next(latestStored:at:)`` says
    /// so: at once, or after this node's rollout wait, unless a newer epoch arrives meanwhile.
    private func applyLoop() async {
        while !Task.isCancelled {
            let seen = stored.generation
            let target = await store.latest
            let now = ContinuousClock.now
            switch state.withLock({ $0.next(latestStored: target?.epoch ?? 0, at: now) }) {
            case .apply:
                if let target { await put(target) }
            case .wait(let until):
                await stored.wait(beyond: seen, timeout: until - now)
            case .idle:
                await stored.wait(beyond: seen, timeout: .seconds(1))
            }
        }
    }

    private func put(_ target: ConfigEpoch) async {
        do {
            try await hooks.apply(target)
        } catch {
            let problem = "epoch \(target.epoch) refused: \(error)"
            let (new, report) = state.withLock { ($0.refusedToApply(target.epoch, problem: problem), $0.report) }
            if new {
                logger.error("\(problem)")
                await reporter.publish(report)
            }
            progressed.signal()
            return
        }
        let report = state.withLock {
            $0.applied(target.epoch, wallTime: Date().timeIntervalSince1970)
            return $0.report
        }
        progressed.signal()
        await reporter.publish(report)
        logger.info("epoch \(target.epoch) in force")
    }

    // MARK: Garbage

    private func garbageLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: min(.seconds(1), settings.garbageDelay))
            let removed = await store.collectGarbage(unnamedFor: settings.garbageDelay)
            guard !removed.isEmpty else { continue }
            logger.info("collected versions no epoch names: \(removed.map(\.description).joined(separator: ", "))")
            await hooks.collected(removed)
            let versions = await heldVersions()
            await reporter.publish(
                state.withLock {
                    $0.collected(versions: versions)
                    return $0.report
                }
            )
        }
    }

    private func heldVersions() async -> [FunctionRef] {
        let latest = await store.latest?.refs ?? []
        return Set(latest).union(await store.unnamed.keys).sorted()
    }
}

extension ReplicationFollower {
    /// A follower for a node of a network `edgesim up` runs: the registry's key and token come
    /// from the state directory.
    /// - Parameters:
    ///   - node: The node's id.
    ///   - role: ``NodeRole/hub`` or ``NodeRole/edge``.
    ///   - store: The node's replica (``ReplicaStore/open(node:stateDirectory:)``).
    ///   - upstream: The upstream's id: the registry for a hub, a hub for an edge.
    ///   - upstreamPort: The local port of the emulated link to its upstream.
    ///   - registry: Where the registry listens, for reports.
    ///   - stateDirectory: The network's state directory.
    ///   - rollout: The slow-rollout window (zero: switch at once).
    ///   - garbageDelay: How long unnamed versions stay.
    ///   - hooks: What switching and collecting do at this node.
    ///   - logger: The node's logger.
    /// - Throws: ``ReplicationError`` when the key is missing or the replica unreadable.
    public static func forNode(
        _ node: String,
        role: NodeRole,
        store: ReplicaStore,
        upstream: String,
        upstreamPort: Int,
        registry: SocketAddress?,
        stateDirectory: String,
        rollout: Duration,
        garbageDelay: Duration,
        hooks: Hooks,
        logger: Logger
    ) throws(ReplicationError) -> ReplicationFollower {
        // The registry speaks HTTPS under its certificate's names: a hub's stream crosses its
        // link's forwarder on 127.0.0.1, and reports go to the registry's own address. An
        // edge's stream comes from its hub over TLS too, under the hub's name, when the network
        // has its TLS files (a hub run on its own speaks plain HTTP).
        let files = TLSFiles(stateDirectory: stateDirectory)
        let upstreamName = role == .hub ? TLSFiles.registryLinkName : TLSFiles.hubName(upstream)
        let secureUpstream = role == .hub || files.exist
        var settings = Settings(
            node: node,
            role: role,
            upstream: secureUpstream ? "https://\(upstreamName):\(upstreamPort)" : "http://127.0.0.1:\(upstreamPort)",
            registry: registry?.port.map { "https://\(TLSFiles.registryName):\($0)" },
            token: try? RegistryToken.load(stateDirectory: stateDirectory),
            publicKey: try RegistryKey.load(stateDirectory: stateDirectory),
            rollout: rollout,
            garbageDelay: garbageDelay
        )
        var addresses = [upstreamName: "127.0.0.1"]
        if let host = registry?.ipAddress { addresses[TLSFiles.registryName] = host }
        settings.tls = (files.clientConfiguration(), addresses)
        return ReplicationFollower(settings: settings, store: store, hooks: hooks, logger: logger)
    }

    /// A ready callback that first waits for ``waitUntilReady(timeout:)``, so the launcher
    /// counts a node ready only once it runs the functions it should.
    public func gating(_ onReady: @escaping @Sendable (Int, Int) async -> Void) -> @Sendable (Int, Int) async -> Void {
        { port, adminPort in
            if await !self.waitUntilReady(timeout: .seconds(30)) {
                self.logger.warning("not caught up with \(self.settings.upstream) after 30 s; ready with epoch \(self.activeEpoch)")
            }
            await onReady(port, adminPort)
        }
    }
}
