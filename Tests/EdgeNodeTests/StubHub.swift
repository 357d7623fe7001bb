import CDNCore
import HTTPTypes
import Hummingbird
import Synchronization

/// A regional hub stand-in: answers every path with a small cacheable body and says how it
/// answered on the hub→edge wire, as a real hub does; it keeps what it was asked.
final class StubHub: Sendable {
    /// What the hub says of its cache.
    let result: ResultType
    private let received = Mutex<[HTTPFields]>([])

    init(result: ResultType = .miss) { self.result = result }

    /// How many requests reached it.
    var requests: Int { received.withLock { $0.count } }
    /// The fields of the last one.
    var lastFields: HTTPFields? { received.withLock { $0.last } }

    /// Its router.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("**") { request, _ -> Response in
            self.received.withLock { $0.append(request.headers) }
            var fields: HTTPFields = [.cacheControl: "public, max-age=60", .eTag: "\"v1\"", .contentType: "text/plain"]
            HubTrace(result: self.result, originTime: .milliseconds(2)).write(to: &fields)
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: .init(string: "hello from \(request.uri.path)")))
        }
        return router
    }
}
