import AsyncHTTPClient
import CDNCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Keeps the registry told about one node's replica: the newest report is sent whenever it
/// changes and every couple of seconds besides, so a restarted registry learns the state again.
/// Reports go straight to the registry (control-plane traffic, not a modelled link); a registry
/// that is down is retried until it answers, and the node keeps serving meanwhile.
actor DeploymentReporter {
    private var report: DeploymentReport
    private let registry: String?
    private let token: String?
    private let changes = ChangeSignal()
    private let logger: Logger

    /// - Parameters:
    ///   - report: The first report.
    ///   - registry: The registry's base URL; `nil` sends nothing (a node run by hand).
    ///   - token: The registry's write token.
    init(report: DeploymentReport, registry: String?, token: String?, logger: Logger) {
        self.report = report
        self.registry = registry
        self.token = token
        self.logger = logger
    }

    /// Takes a newer report (``FollowerState/report``); it is sent at once.
    func publish(_ next: DeploymentReport) {
        report = next
        report.reportedAt = Date().timeIntervalSince1970
        changes.signal()
    }

    /// Sends reports until cancelled.
    func run(client: HTTPClient) async {
        guard let registry else { return }
        var failing = false
        while !Task.isCancelled {
            let seen = changes.generation
            do {
                try await send(report, to: registry, client: client)
                if failing { logger.info("the registry is reachable again; deployment reports resume") }
                failing = false
            } catch {
                if !failing { logger.warning("cannot report to the registry (\(error)); retrying every second, serving meanwhile") }
                failing = true
            }
            await changes.wait(beyond: seen, timeout: failing ? .seconds(1) : .seconds(2))
        }
    }

    private func send(_ report: DeploymentReport, to registry: String, client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: "\(registry)/deployment/reports")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(report)))
        let response = try await client.execute(request, timeout: .seconds(2))
        _ = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .ok else { throw ReplicationError(.upstream, "the registry answered \(response.status.code)") }
    }
}
