import CDNCore
import HTTPTypes
import NIOCore
import Testing

@Suite struct AddedFieldsTests {
    @Test func fieldsAreWrittenAsHeaderLinesAndReadBackInOrder() {
        var added = AddedFields()
        added.append(HTTPField(name: .via, value: "1.1 abc.cloudfront.net (CloudFront)"))
        added.append(.age, 12)
        var timing = ServerTiming()
        timing.add("cdn-pop", detail: "NRT50")
        timing.add("edge", duration: .microseconds(410))
        added.append(.serverTiming, timing)
        added.append(.edgesimConfigEpoch, -3)
        #expect(
            added.encoded
                == "Via: 1.1 abc.cloudfront.net (CloudFront)\r\nAge: 12\r\nServer-Timing: cdn-pop;desc=\"NRT50\", edge;dur=0.41\r\nEdgesim-Config-Epoch: -3\r\n"
        )
        #expect(added.fields.map(\.name) == [.via, .age, .serverTiming, .edgesimConfigEpoch])
        #expect(added.fields[.serverTiming] == "cdn-pop;desc=\"NRT50\", edge;dur=0.41")
    }

    /// A value is made by the node, but a line break in one must still not start a field of its own.
    @Test func aByteNoValueMayHoldBecomesASpace() {
        var added = AddedFields()
        added.append(.edgesimFunctions, "a\r\nSet-Cookie: x=1\u{7F}")
        #expect(added.encoded == "Edgesim-Functions: a  Set-Cookie: x=1 \r\n")
        #expect(added.fields.count == 1)
    }
}
