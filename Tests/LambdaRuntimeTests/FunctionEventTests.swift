import Foundation
import HTTPTypes
import Testing
import Topology

@testable import LambdaRuntime

/// CloudFront Functions' event as the edge writes it, and their results as CloudFront checks
/// them (cloudfront-functions-spec.md §2).
@Suite struct FunctionEventTests {
    static let fields = HTTPFields([
        HTTPField(name: HTTPField.Name("Host")!, value: "d1.cloudfront.net"),
        HTTPField(name: .accept, value: "text/html"),
        HTTPField(name: .accept, value: "*/*"),
        HTTPField(name: .cookie, value: "session=abc; theme=dark"),
        HTTPField(name: HTTPField.Name("X-Forwarded-Proto")!, value: "https"),
    ])

    static let request = FunctionRequest(method: "GET", uri: "/a", query: "id=42&mv=a&mv=b&flag", fields: fields)

    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func theEventHasValueMapsWithMultiValueOnlyForRepeatedNames() throws {
        let event = FunctionEvent(
            distributionDomainName: "d1.cloudfront.net",
            distributionId: "E1",
            eventType: .viewerRequest,
            requestId: "RID==",
            viewerIP: "198.51.100.11",
            request: Self.request
        )
        let json = try Self.parse(event.json)
        #expect(json["version"] as? String == "1.0")
        #expect((json["viewer"] as? [String: Any])?["ip"] as? String == "198.51.100.11")
        let request = try #require(json["request"] as? [String: Any])
        let headers = try #require(request["headers"] as? [String: [String: Any]])
        #expect(headers["host"]?["value"] as? String == "d1.cloudfront.net")
        #expect(headers["host"]?["multiValue"] == nil)
        #expect(headers["accept"]?["value"] as? String == "text/html")
        #expect((headers["accept"]?["multiValue"] as? [[String: String]])?.map { $0["value"] } == ["text/html", "*/*"])
        // Cookie is parsed into cookies; a disallowed header is never shown.
        #expect(headers["cookie"] == nil && headers["x-forwarded-proto"] == nil)
        let cookies = try #require(request["cookies"] as? [String: [String: Any]])
        #expect(cookies["session"]?["value"] as? String == "abc" && cookies["theme"]?["value"] as? String == "dark")
        let query = try #require(request["querystring"] as? [String: [String: Any]])
        #expect(query["id"]?["value"] as? String == "42")
        #expect(query["flag"]?["value"] as? String == "")
        #expect((query["mv"]?["multiValue"] as? [[String: String]])?.count == 2)
        #expect(json["response"] == nil)
    }

    @Test func anUnchangedRequestKeepsItsQueryByteForByte() throws {
        let echo = Array(
            #"{"method":"GET","uri":"/a","querystring":{"id":{"value":"42"},"mv":{"value":"a","multiValue":[{"value":"a"},{"value":"b"}]},"flag":{"value":""}},"headers":{"host":{"value":"d1.cloudfront.net"},"accept":{"value":"text/html","multiValue":[{"value":"text/html"},{"value":"*/*"}]}},"cookies":{}}"#
                .utf8
        )
        guard
            case .request(let changed, let query) = try FunctionResultValidator.requestResult(
                echo,
                original: Self.request,
                rawQuery: "id=42&mv=a&mv=b&flag"
            )
        else {
            Issue.record("not a request")
            return
        }
        #expect(query == "id=42&mv=a&mv=b&flag")
        #expect(changed.headers["accept"]?.map(\.value) == ["text/html", "*/*"])
        #expect(changed.cookies.fields.isEmpty)
    }

    @Test func aChangedValueReplacesTheFirstOccurrenceAndAChangedMultiValueWins() throws {
        let json = Array(
            #"{"uri":"/a","querystring":{"mv":{"value":"z"},"id":{"value":"42","multiValue":[{"value":"1"},{"value":"2"}]}},"headers":{"host":{"value":"d1.cloudfront.net"},"accept":{"value":"application/json"}}}"#
                .utf8
        )
        guard case .request(let changed, let query) = try FunctionResultValidator.requestResult(json, original: Self.request, rawQuery: "") else {
            Issue.record("not a request")
            return
        }
        #expect(changed.headers["accept"]?.map(\.value) == ["application/json", "*/*"])
        #expect(query == "id=1&id=2&mv=z&mv=b")
    }

    @Test(arguments: [
        (#"{"uri":"/a","headers":{"host":{"value":"d1.cloudfront.net"},"X-Up":{"value":"1"}}}"#, "header names in lower case"),
        (#"{"uri":"/a","headers":{"host":{"value":"evil.example"}}}"#, "request.headers.host is read-only"),
        (#"{"uri":"/a","headers":{}}"#, "request.headers.host is read-only"),
        (#"{"uri":"/a","headers":{"host":{"value":"d1.cloudfront.net"},"x-forwarded-proto":{"value":"http"}}}"#, "may not set 'x-forwarded-proto'"),
        (#"{"uri":"a","headers":{"host":{"value":"d1.cloudfront.net"}}}"#, "must start with '/'"),
        (#"{"uri":"/a","method":"POST","headers":{"host":{"value":"d1.cloudfront.net"}}}"#, "request.method is read-only"),
        (#"{"version":"1.0","request":{}}"#, "returned the whole event"),
        (#"null"#, "returned null"),
        (#"{"uri":"/a","querystring":"a b","headers":{"host":{"value":"d1.cloudfront.net"}}}"#, "may not contain spaces"),
        (#"{"statusCode":"302"}"#, "statusCode must be an integer"),
        (#"{"statusCode":700}"#, "between 100 and 599"),
        (#"{"statusCode":200,"body":{"encoding":"base64","data":"%%%"}}"#, "not valid base64"),
    ])
    func resultsBreakingTheRulesAreRefusedSayingWhichRule(json: String, problem: String) {
        do {
            _ = try FunctionResultValidator.requestResult(Array(json.utf8), original: Self.request, rawQuery: "")
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.message.hasPrefix("The CloudFront function returned an invalid value: "))
            #expect(error.message.contains(problem), "\(error)")
        }
    }

    @Test func aViewerResponseMayChangeTheStatusAndSetCookiesWithAttributes() throws {
        let original = FunctionResponse(
            status: .ok,
            fields: HTTPFields([HTTPField(name: .contentType, value: "text/html"), HTTPField(name: .setCookie, value: "id=1; Path=/; Secure")])
        )
        #expect(original.cookies["id"]?.first == FunctionField.Value("1", attributes: "Path=/; Secure"))
        let json = Array(
            #"{"statusCode":404,"headers":{"content-type":{"value":"text/plain"}},"cookies":{"id":{"value":"2","attributes":"Path=/"}},"body":"gone"}"#
                .utf8
        )
        let changed = try FunctionResultValidator.responseResult(json, original: original)
        #expect(changed.statusCode == 404)
        #expect(changed.cookies["id"]?.first == FunctionField.Value("2", attributes: "Path=/"))
        #expect(changed.body == Array("gone".utf8))
        #expect(throws: ValidationFailure.self) {
            _ = try FunctionResultValidator.responseResult(Array(#"{"statusCode":200,"headers":{"via":{"value":"x"}}}"#.utf8), original: original)
        }
    }

    @Test func computeUtilizationIsTheShareOfTheBudgetAndThrottlingHasACooldown() {
        #expect(ComputeBudget.utilization(of: .microseconds(210)) == 21)
        #expect(ComputeBudget.utilization(of: .milliseconds(5)) == 100)
        let start = ContinuousClock.now
        var state = ComputeThrottleState<ContinuousClock.Instant>(overRunsToThrottle: 3, cooldown: .seconds(10))
        for second in 0..<2 { state.record(cpuTime: .milliseconds(2), at: start + .seconds(second)) }
        state.record(cpuTime: .microseconds(100), at: start + .seconds(2))  // a run within budget resets the count
        for second in 3..<5 { state.record(cpuTime: .milliseconds(2), at: start + .seconds(second)) }
        let beforeThird = state.admits(at: start + .seconds(5))
        #expect(beforeThird)
        state.record(cpuTime: .milliseconds(2), at: start + .seconds(5))
        let throttled = state.admits(at: start + .seconds(6))
        #expect(!throttled)
        let cooling = state.admits(at: start + .seconds(14))
        #expect(!cooling)
        let cooled = state.admits(at: start + .seconds(15))
        #expect(cooled)
        state.stopped(at: start + .seconds(20))
        let stopped = state.admits(at: start + .seconds(21))
        #expect(!stopped)
    }
}
