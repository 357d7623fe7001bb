import CDNCore
import Foundation
import GeoDNS
import HTTPTypes
import LambdaRuntime
import NIOCore
import Replication
import SignedURLs
import Topology

/// The parsers that read what a viewer, a handler, a file or a peer sends, each as one fuzzing
/// entry: any input must come back as a value or a thrown error, never a crash or a hang.
/// `edgesim-fuzz` runs them under libFuzzer (`scripts/fuzz`); `FuzzCorpusTests` replays each
/// one's corpus in `fuzz/corpus/NAME/` on every test run.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A topology file, checked as `edgesim validate` checks it.
    case topology
    /// A DNS query, as the GeoDNS node reads one from UDP or TCP.
    case dns
    /// A Lambda@Edge handler's result for viewer-request, then for origin-response.
    case lambdaResult = "lambda-result"
    /// A CloudFront Function's result for viewer-request, then for viewer-response.
    case functionResult = "function-result"
    /// Bytes of the replication feed, framed into lines and decoded.
    case feed
    /// A function's deployment package, extracted as an edge extracts one.
    case bundle
    /// A `Server-Timing` value, scanned as `measure` reads it.
    case serverTiming = "server-timing"
    /// A signed URL's custom policy.
    case signedPolicy = "signed-policy"

    /// Runs the input through the parser, discarding what it makes.
    public func run(_ input: [UInt8]) {
        switch self {
        case .topology:
            let text = String(decoding: input, as: UTF8.self)
            _ = TopologyLoader.check(yaml: text, file: "fuzz.yaml", baseDirectory: Self.scratch.path)
        case .dns:
            _ = try? DNSMessage.parseQuery(input)
        case .lambdaResult:
            _ = try? ResultValidator.requestResult(input, original: Self.request, event: .viewerRequest)
            _ = try? ResultValidator.responseResult(input, original: Self.response, event: .originResponse)
        case .functionResult:
            _ = try? FunctionResultValidator.requestResult(input, original: Self.functionRequest, rawQuery: "a=1")
            _ = try? FunctionResultValidator.responseResult(input, original: Self.functionResponse)
        case .feed:
            var framer = FeedLineFramer()
            _ = try? framer.append(ByteBuffer(bytes: input))
        case .bundle:
            Self.extract(input)
        case .serverTiming:
            input.withUnsafeBytes { bytes in
                ServerTiming.scan(bytes) { _, duration, _ in _ = duration.flatMap(ServerTiming.duration(of:)) }
            }
        case .signedPolicy:
            _ = try? SignedPolicy.parse(Data(input))
        }
    }

    // MARK: What the parsers compare against

    static let request = EventRequest(
        clientIp: "127.0.1.1",
        method: "GET",
        uri: "/index.html",
        querystring: "a=1",
        headers: [HTTPField.Name("Host")!: "d1.cloudfront.net", .userAgent: "curl/8"]
    )

    static let response = EventResponse(status: 200, statusDescription: "OK", headers: [.contentType: "text/html"])

    static let functionRequest = FunctionRequest(
        method: "GET",
        uri: "/a",
        query: "a=1",
        fields: [HTTPField.Name("Host")!: "d1.cloudfront.net", .cookie: "s=1"]
    )

    static let functionResponse = FunctionResponse(
        statusCode: 200,
        statusDescription: "OK",
        headers: FunctionFields([FunctionField(name: "content-type", values: [.init("text/html")])]),
        cookies: FunctionFields()
    )

    /// A folder of the process's own for what the file targets write.
    static let scratch: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Extracts a package as the edge does (its size limit, a folder made aside, then moved),
    /// and checks that nothing landed outside the folder it was given.
    static func extract(_ input: [UInt8]) {
        let root = scratch.appendingPathComponent("bundle")
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let zip = root.appendingPathComponent("package.zip")
        guard (try? Data(input).write(to: zip)) != nil else { return }
        let spec = FunctionSpec(name: "fuzzed", runtime: .nodejs, handler: "index.handler", code: zip.path)
        _ = try? FunctionCode.prepare(spec, version: 1, for: [.originRequest], stateDirectory: root.appendingPathComponent("state").path)
        let beside = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
        if let escaped = beside.first(where: { $0 != "bundle" }) {
            fatalError("a package wrote outside its folder: \(scratch.appendingPathComponent(escaped).path)")
        }
    }
}
