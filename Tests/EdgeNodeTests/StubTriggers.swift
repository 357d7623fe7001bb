import CDNCore
import HTTPTypes
import NIOCore
import Topology

@testable import EdgeNode

/// Trigger stages that stand in for Lambda@Edge: each stage does what the test says, and notes
/// its function as run, as the real ones do.
struct StubTriggers: TriggerStages {
    /// What a request stage does.
    enum RequestAction: Sendable {
        case pass
        case addHeader(String, String)
        case respond(status: Int, body: String)
        case fail(FunctionFailure.Kind, status: Int)
    }

    var viewerRequest: RequestAction?
    var originRequest: RequestAction?
    /// A header the response stages add, when they run.
    var originResponseHeader: (String, String)?
    var viewerResponseHeader: (String, String)?

    func viewerRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        run(viewerRequest, name: "vr", &request)
    }

    func originRequest(_ request: inout EdgeRequest, distribution: DistributionSpec, behavior: CacheBehavior) async -> StageOutcome {
        run(originRequest, name: "or", &request)
    }

    func originResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? {
        addHeader(originResponseHeader, name: "ors", to: &response)
    }

    func viewerResponse(
        _ response: inout StoredResponse,
        request: EdgeRequest,
        distribution: DistributionSpec,
        behavior: CacheBehavior
    ) async -> FunctionFailure? {
        addHeader(viewerResponseHeader, name: "vrs", to: &response)
    }

    func runs(_ event: EventType, distribution: DistributionSpec, behavior: CacheBehavior) -> Bool {
        switch event {
        case .viewerRequest: viewerRequest != nil
        case .originRequest: originRequest != nil
        case .originResponse: originResponseHeader != nil
        case .viewerResponse: viewerResponseHeader != nil
        }
    }

    /// A response stage's work: note the function as run, add its header.
    private func addHeader(_ header: (String, String)?, name: String, to response: inout StoredResponse) -> FunctionFailure? {
        guard let (field, value) = header else { return nil }
        response.trace.functionsRun.append(FunctionRef(name: name, version: 1))
        response.headers[HTTPField.Name(field)!] = value
        return nil
    }

    private func run(_ action: RequestAction?, name: String, _ request: inout EdgeRequest) -> StageOutcome {
        guard let action else { return .proceed }
        request.functionsRun.append(FunctionRef(name: name, version: 1))
        switch action {
        case .pass:
            return .proceed
        case .addHeader(let field, let value):
            request.headers[HTTPField.Name(field)!] = value
            return .proceed
        case .respond(let status, let body):
            return .respond(StoredResponse(status: .init(code: status), headers: [.cacheControl: "max-age=60"], body: ByteBuffer(string: body)))
        case .fail(let kind, let status):
            return .fail(FunctionFailure(kind: kind, status: .init(code: status), message: "\(name) failed on purpose"))
        }
    }
}
