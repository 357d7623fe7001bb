import Foundation
import Synchronization
import Topology

/// `GET /health`, asked again and again of the same nodes (GeoDNS checks every edge five times a
/// second) over connections kept open between probes.
///
/// A new connection per probe cost each edge an accept, a pipeline and a close five times a
/// second: with 56 edges, about half a core of an idle network's CPU, and a latency tail on every
/// emulated link. Here a probe takes an idle connection to its node, or opens one when none is
/// idle (the first probe, or while an earlier probe still waits for a hung node, as a probe is
/// sent on time whether or not the last came back); a connection goes back when it answered and
/// stays open. A probe that times out closes its connection. A kept connection that turns out
/// closed (the node restarted) costs no failure: the probe is sent again on a new one.
public final class HealthProber: Sendable {
    private let idle = Mutex<[String: [ViewerChannel]]>([:])

    /// Creates a prober with no connections yet.
    public init() {}

    /// Asks a node's admin port, as ``HealthCheck/ask(host:port:timeout:)`` does.
    /// - Parameters:
    ///   - host: The admin listener's host (`0.0.0.0` is asked on loopback).
    ///   - port: The admin port.
    ///   - timeout: How long to wait for the connection and the whole answer.
    /// - Returns: The outcome.
    public func ask(host: String, port: Int, timeout: Duration) async -> HealthCheck.Outcome {
        let address = ListenAddress.connectable(host)
        let key = "\(address):\(port)"
        let deadline = ContinuousClock.now + timeout
        if let kept = idle.withLock({ $0[key]?.popLast() }) {
            switch await probe(kept, key: key, until: deadline) {
            case .answered(let outcome): return outcome
            case .closedBeforeAnswering: break  // the node closed it (restarted): ask on a new one
            case .timedOut: return .failed
            }
        }
        let connect: @Sendable () async throws -> ViewerChannel = {
            try await ViewerChannel.connect(host: address, port: port, from: nil, responseTimeout: timeout)
        }
        guard let fresh = try? await Self.withDeadline(deadline, operation: connect, onTimeout: {}) else { return .failed }
        switch await probe(fresh, key: key, until: deadline) {
        case .answered(let outcome): return outcome
        case .closedBeforeAnswering, .timedOut: return .failed
        }
    }

    /// Closes every kept connection.
    public func closeAll() async {
        let all = idle.withLock { idle in
            defer { idle = [:] }
            return idle.values.flatMap { $0 }
        }
        for channel in all { await channel.close() }
    }

    private enum Probe {
        case answered(HealthCheck.Outcome)
        case closedBeforeAnswering
        case timedOut
    }

    private func probe(_ channel: ViewerChannel, key: String, until deadline: ContinuousClock.Instant) async -> Probe {
        let answer: (reply: ViewerClient.Reply, closing: Bool)
        do {
            answer = try await Self.withDeadline(
                deadline,
                operation: { try await channel.send(path: "/health") },
                onTimeout: { await channel.close() }
            )
        } catch is ProbeTimeout {
            return .timedOut
        } catch {
            await channel.close()
            return .closedBeforeAnswering
        }
        if answer.closing || !channel.isActive {
            await channel.close()
        } else {
            idle.withLock { $0[key, default: []].append(channel) }
        }
        // Only a 503's report is read (an edge shedding load says so there): a probe is five a
        // second per edge, and decoding JSON is most of reading one.
        let report = answer.reply.status == 503 ? HealthCheck.report(in: answer.reply) : nil
        return .answered(HealthCheck.outcome(of: answer.reply, report: report))
    }

    private struct ProbeTimeout: Error {}

    /// Runs an operation until a deadline; past it `onTimeout` runs and ``ProbeTimeout`` is thrown.
    private static func withDeadline<T: Sendable>(
        _ deadline: ContinuousClock.Instant,
        operation: @escaping @Sendable () async throws -> T,
        onTimeout: @escaping @Sendable () async -> Void
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline)
                await onTimeout()
                throw ProbeTimeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
