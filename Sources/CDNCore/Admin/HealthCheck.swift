import Foundation
import NIOCore
import Topology

/// One `GET /health` on a node's admin port, read the same way wherever it is asked: by `up`
/// waiting for a tier to be ready, by `status`, and by GeoDNS checking its edges.
public enum HealthCheck {
    /// What the node said.
    public enum Outcome: Sendable, Equatable {
        /// 200: it serves.
        case healthy
        /// 503 `overloaded`: an edge that is shedding load; it is up, but should get no more.
        case overloaded
        /// No answer in time, or any other status.
        case failed
    }

    /// Asks a node's admin port.
    /// - Parameters:
    ///   - host: The admin listener's host (`0.0.0.0` is asked on loopback).
    ///   - port: The admin port.
    ///   - timeout: How long to wait for the whole answer.
    /// - Returns: The outcome, and the node's report when it sent one.
    public static func ask(host: String, port: Int, timeout: Duration) async -> (outcome: Outcome, report: HealthReport?) {
        guard let reply = try? await ViewerClient.get(host: ListenAddress.connectable(host), port: port, path: "/health", from: nil, timeout: timeout)
        else {
            return (.failed, nil)
        }
        let report = self.report(in: reply)
        return (outcome(of: reply, report: report), report)
    }

    /// What a reply to `GET /health` says: a 503 is an edge shedding load when its report says
    /// so, and failing otherwise.
    static func outcome(of reply: ViewerClient.Reply, report: HealthReport?) -> Outcome {
        switch reply.status {
        case 200: .healthy
        case 503 where report?.status == .overloaded: .overloaded
        default: .failed
        }
    }

    /// The node's report in a reply, if it sent one.
    static func report(in reply: ViewerClient.Reply) -> HealthReport? {
        try? JSONDecoder().decode(HealthReport.self, from: Data(reply.body.readableBytesView))
    }
}
