import Foundation
import NIOCore
import Synchronization
import Topology

/// `GET /health`, asked again and again of the same nodes (GeoDNS checks every edge five times a
/// second) over connections kept open between probes, all on one event loop.
///
/// A new connection per probe cost each edge an accept, a pipeline and a close five times a
/// second: with 56 edges, about half a core of an idle network's CPU, and a latency tail on every
/// emulated link. Here a probe takes an idle connection to its node, or opens one when none is
/// idle (the first probe, or while an earlier probe still waits for a hung node, as a probe is
/// sent on time whether or not the last came back); a connection goes back when it answered and
/// stays open. A probe that times out closes its connection. A kept connection that turns out
/// closed (the node restarted) costs no failure: the probe is sent again on a new one.
///
/// The connections and their timeouts live on the prober's loop, so a caller whose task prefers
/// its ``executor`` probes with no hop to Swift's global pool (whose wake-ups were most of the
/// GeoDNS node's CPU).
public final class HealthProber: Sendable {
    /// The loop the probes' connections run on.
    public let eventLoop: any EventLoop
    /// Its task executor: a task that prefers it shares the connections' thread.
    public let executor: EventLoopTaskExecutor
    private let idle = Mutex<[String: [ViewerChannel]]>([:])

    /// Creates a prober with no connections yet, on one of NIO's shared loops.
    public init() {
        (eventLoop, executor) = EventLoopTaskExecutors.singleton.next()
    }

    /// Asks a node's admin port, as ``HealthCheck/ask(host:port:timeout:)`` does.
    /// - Parameters:
    ///   - host: The admin listener's host (`0.0.0.0` is asked on loopback).
    ///   - port: The admin port.
    ///   - timeout: How long the connection and the answer may each take.
    /// - Returns: The outcome.
    public func ask(host: String, port: Int, timeout: Duration) async -> HealthCheck.Outcome {
        let address = ListenAddress.connectable(host)
        let key = "\(address):\(port)"
        let started = ContinuousClock.now
        if let kept = idle.withLock({ $0[key]?.popLast() }) {
            if let outcome = await probe(kept, key: key) { return outcome }
            // Closed before it answered: the node restarted, or hung past the timeout.
            if ContinuousClock.now - started >= timeout { return .failed }
        }
        guard
            let fresh = try? await ViewerChannel.connect(
                host: address,
                port: port,
                from: nil,
                responseTimeout: timeout,
                eventLoop: eventLoop,
                connectTimeout: timeout
            )
        else { return .failed }
        return await probe(fresh, key: key) ?? .failed
    }

    /// Closes every kept connection.
    public func closeAll() async {
        let all = idle.withLock { idle in
            defer { idle = [:] }
            return idle.values.flatMap { $0 }
        }
        for channel in all { await channel.close() }
    }

    /// One probe on a connection, whose response timeout closes it; `nil` when it closed (or was
    /// closed) before an answer.
    private func probe(_ channel: ViewerChannel, key: String) async -> HealthCheck.Outcome? {
        guard let answer = try? await channel.send(path: "/health") else {
            await channel.close()
            return nil
        }
        if answer.closing || !channel.isActive {
            await channel.close()
        } else {
            idle.withLock { $0[key, default: []].append(channel) }
        }
        // Only a 503's report is read (an edge shedding load says so there): a probe is five a
        // second per edge, and decoding JSON is most of reading one.
        let report = answer.reply.status == 503 ? HealthCheck.report(in: answer.reply) : nil
        return HealthCheck.outcome(of: answer.reply, report: report)
    }
}
