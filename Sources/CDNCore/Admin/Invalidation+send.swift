import Foundation
import NIOCore
import NIOHTTP1
import Topology

extension Invalidation {
    /// What one node said to an invalidation: how many objects it removed, or why it failed.
    public enum NodeAnswer: Sendable, Equatable {
        case removed(Int)
        case failed(String)
    }

    /// Sends the invalidation to every edge and hub of a running network at once, each to its
    /// admin port's `/invalidate`, as both `edgesim invalidate` and CloudFront's
    /// CreateInvalidation on the registry do.
    /// - Parameter token: The network's write token, which the admin ports ask for.
    /// - Returns: Each cache node's answer, by id.
    public func send(to network: NetworkState, token: String?) async -> [String: NodeAnswer] {
        let body = (try? JSONEncoder().encode(self)) ?? Data()
        let caches = network.nodes.filter { $0.role == .edge || $0.role == .hub }
        return await withTaskGroup(of: (String, NodeAnswer).self) { group in
            for node in caches {
                group.addTask {
                    do {
                        let reply = try await ViewerClient.get(
                            method: .POST,
                            host: node.host,
                            port: node.adminPort,
                            path: "/invalidate",
                            from: nil,
                            headers: [("Content-Type", "application/json")] + (token.map { [("Authorization", "Bearer \($0)")] } ?? []),
                            body: ByteBuffer(bytes: body),
                            timeout: .seconds(5)
                        )
                        guard reply.status == 200,
                            let result = try? JSONDecoder().decode(InvalidationResult.self, from: Data(reply.body.readableBytesView))
                        else { return (node.id, .failed("HTTP \(reply.status)")) }
                        return (node.id, .removed(result.removed))
                    } catch {
                        return (node.id, .failed("\(error)"))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
    }
}
