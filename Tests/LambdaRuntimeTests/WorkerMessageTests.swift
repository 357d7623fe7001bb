import Testing

@testable import LambdaRuntime

/// A worker's reply fields, read from their bytes in one pass.
@Suite struct WorkerMessageTests {
    static func message(_ text: String) -> WorkerMessage { WorkerMessage(Array(text.utf8)) }

    @Test func readsAReplyAndPassesItsResultOnUntouched() {
        let reply = Self.message("{\"id\":1,\"ok\":true,\"durationMs\":0.125,\"maxMemoryUsedMB\":42,\"initDurationMs\":1.5e2}\n{\"uri\":\"/a\"}")
        #expect(reply.bool("ok") == true && reply.double("durationMs") == 0.125 && reply.double("maxMemoryUsedMB") == 42)
        #expect(reply.double("initDurationMs") == 150 && reply.string("ok") == nil && reply.bool("missing") == nil)
        #expect(reply.result.map { String(decoding: $0, as: UTF8.self) } == "{\"uri\":\"/a\"}")
    }

    @Test func readsAnErrorWithEscapesAndSkipsItsTrace() {
        let text =
            #"{"id":1,"ok":false,"errorType":"TypeError","errorMessage":"bad \"x\"\n\u00e9\ud83d\ude42 \\ /","trace":["at f (a.js:1)","[{\"nested\"]"],"info":{"a":[1,{"b":"}"}]},"fatal":true,"durationMs":3}"#
        let reply = Self.message(text)
        #expect(reply.bool("ok") == false && reply.bool("fatal") == true && reply.double("durationMs") == 3)
        #expect(reply.string("errorType") == "TypeError")
        #expect(reply.string("errorMessage") == "bad \"x\"\né🙂 \\ /")
        #expect(reply.result == nil)
    }

    @Test func textThatIsNotAnObjectHasNoFields() {
        for text in ["", "[1]", "{\"a\":1", "{\"a\" 1}", "{\"a\":1} x", "{\"a\":tru}", "\"s\""] {
            let message = Self.message(text)
            #expect(message.double("a") == nil && message.bool("ok") == nil, "\(text)")
        }
        #expect(Self.message("  { }  ").bool("ok") == nil)
    }
}
