import Foundation
import HTTPTypes
import LambdaRuntime
import Testing
import Topology

@Suite struct ResultValidatorTests {
    static let request = EventRequest(
        clientIp: "127.0.1.1",
        method: "GET",
        uri: "/index.html",
        querystring: "a=1",
        headers: [HTTPField.Name("Host")!: "d1.cloudfront.net", .userAgent: "curl/8", .via: "1.1 x.cloudfront.net (CloudFront)"]
    )

    static func requestResult(_ json: String, event: EventType = .viewerRequest) throws(ValidationFailure) -> RequestStageOutput {
        try ResultValidator.requestResult(Array(json.utf8), original: request, event: event)
    }

    static let unchangedHeaders = """
        "headers": {"host": [{"key": "Host", "value": "d1.cloudfront.net"}], "user-agent": [{"value": "curl/8"}],
                    "via": [{"key": "Via", "value": "1.1 x.cloudfront.net (CloudFront)"}]}
        """

    @Test func aChangedRequestIsApplied() throws {
        let output = try Self.requestResult(#"{"uri": "/b.html", "querystring": "x=2", \#(Self.unchangedHeaders)}"#)
        guard case .request(let request) = output else {
            Issue.record("expected a request")
            return
        }
        #expect(request.uri == "/b.html" && request.querystring == "x=2")
        #expect(request.headers[.userAgent] == "curl/8")
    }

    @Test func aMissingKeyIsFilledFromTheName() throws {
        let output = try Self.requestResult(
            #"{"uri": "/", "querystring": "", "headers": {"host": [{"value": "d1.cloudfront.net"}], "user-agent": [{"value": "x"}], "via": [{"value": "1.1 x.cloudfront.net (CloudFront)"}], "x-custom-thing": [{"value": "1"}]}}"#
        )
        guard case .request(let request) = output else {
            Issue.record("expected a request")
            return
        }
        #expect(request.headers.contains { $0.name.rawName == "X-Custom-Thing" })
    }

    @Test(arguments: [
        (#"{"uri": "no-slash", "querystring": "", "headers": {}}"#, "must start with '/'"),
        (#"{"uri": "/", "querystring": "a b", "headers": {}}"#, "spaces"),
        (#"{"uri": "/", "querystring": "", "headers": {"host": {"value": "x"}}}"#, "must be an array"),
        (#"{"uri": "/", "querystring": ""}"#, "must have 'headers'"),
        (#"[1, 2]"#, "must return an object"),
        (#"null"#, "not null"),
        (#"{"status": "200", "body": "x", "headers": {"x-cache": [{"value": "1"}]}}"#, "disallowed header"),
        (#"{"status": "204", "body": "x"}"#, "204"),
        (#"{"status": "600"}"#, "outside 200–599"),
        (#"{"status": "200", "body": "%%%", "bodyEncoding": "base64"}"#, "not valid base64"),
    ])
    func badResultsAreRefused(json: String, message: String) {
        #expect {
            _ = try Self.requestResult(json)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func readOnlyHeadersMayNotChange() {
        let changedHost =
            #"{"uri": "/", "querystring": "", "headers": {"host": [{"value": "evil"}], "user-agent": [{"value": "curl/8"}], "via": [{"value": "1.1 x.cloudfront.net (CloudFront)"}]}}"#
        #expect(throws: ValidationFailure.self) { _ = try Self.requestResult(changedHost) }
        let droppedVia = #"{"uri": "/", "querystring": "", "headers": {"host": [{"value": "d1.cloudfront.net"}]}}"#
        #expect(throws: ValidationFailure.self) { _ = try Self.requestResult(droppedVia) }
    }

    @Test func generatedResponsesHaveSizeLimitsPerEvent() throws {
        let body = String(repeating: "x", count: 50_000)
        #expect(throws: ValidationFailure.self) { _ = try Self.requestResult(#"{"status": "200", "body": "\#(body)"}"#) }
        let output = try Self.requestResult(#"{"status": 200, "body": "\#(body)"}"#, event: .originRequest)
        guard case .response(let response) = output else {
            Issue.record("expected a response")
            return
        }
        #expect(response.status == 200 && response.body?.count == 50_000)
    }

    @Test func viewerResponseCannotChangeTheStatus() {
        let original = EventResponse(status: 200, statusDescription: "OK", headers: [.contentType: "text/html"])
        #expect(throws: ValidationFailure.self) {
            _ = try ResultValidator.responseResult(
                Array(#"{"status": "404", "headers": {"content-type": [{"value": "text/html"}]}}"#.utf8),
                original: original,
                event: .viewerResponse
            )
        }
        let fine = try? ResultValidator.responseResult(
            Array(#"{"status": "200", "headers": {"content-type": [{"value": "text/html"}], "x-added": [{"value": "1"}]}}"#.utf8),
            original: original,
            event: .viewerResponse
        )
        #expect(fine?.headers[HTTPField.Name("X-Added")!] == "1")
    }

    @Test func anOriginChangeIsChecked() {
        let origin = EventRequest(
            clientIp: "1.1.1.1",
            method: "GET",
            uri: "/",
            querystring: "",
            headers: [:],
            origin: .s3(S3Origin(domainName: "site.s3.amazonaws.com"))
        )
        func result(_ originJSON: String) throws(ValidationFailure) -> RequestStageOutput {
            try ResultValidator.requestResult(
                Array(#"{"uri": "/", "querystring": "", "headers": {}, "origin": \#(originJSON)}"#.utf8),
                original: origin,
                event: .originRequest
            )
        }
        #expect(throws: ValidationFailure.self) { _ = try result(#"{"custom": {"domainName": "example.com", "port": 22}}"#) }
        #expect(throws: ValidationFailure.self) { _ = try result(#"{"custom": {"domainName": "10.0.0.1"}}"#) }
        #expect(throws: ValidationFailure.self) { _ = try result(#"{"custom": {"domainName": "a.com"}, "s3": {"domainName": "b"}}"#) }
        if case .request(let changed) = try? result(#"{"custom": {"domainName": "api.example.com", "port": 8443, "protocol": "https"}}"#) {
            #expect(changed.origin == .custom(CustomOrigin(domainName: "api.example.com", port: 8443, protocol: "https")))
        } else {
            Issue.record("a valid custom origin was refused")
        }
    }
}
