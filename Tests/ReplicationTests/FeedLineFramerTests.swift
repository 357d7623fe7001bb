import Foundation
import NIOCore
import Testing

@testable import Replication

/// The replication stream's lines, however its chunks fall.
@Suite struct FeedLineFramerTests {
    @Test func linesSplitAcrossChunksAndSeveralInOneChunkAllArrive() throws {
        let text = "{\"heartbeat\":3}\n{\"heartbeat\":4}\n{\"heart" + "beat\":5}\n"
        let bytes = Array(text.utf8)
        for cut in 1..<bytes.count {
            var framer = FeedLineFramer()
            let first = try framer.append(ByteBuffer(bytes: bytes[..<cut]))
            let second = try framer.append(ByteBuffer(bytes: bytes[cut...]))
            #expect((first + second).map(\.heartbeat) == [3, 4, 5], "cut at \(cut)")
        }
    }

    @Test func aHalfLineWaitsForItsEnd() throws {
        var framer = FeedLineFramer()
        #expect(try framer.append(ByteBuffer(string: "{\"heartbeat\":")).isEmpty)
        #expect(try framer.append(ByteBuffer(string: "7}")).isEmpty)
        #expect(try framer.append(ByteBuffer(string: "\n")).map(\.heartbeat) == [7])
    }

    @Test func aLineThatIsNotAFeedLineIsAnError() {
        #expect(throws: DecodingError.self) {
            var framer = FeedLineFramer()
            _ = try framer.append(ByteBuffer(string: "not json\n"))
        }
    }

    /// A bundle sent inline crosses the line as base64 and comes out byte for byte.
    @Test func anInlineBundleArrivesByteForByte() throws {
        let zip = Data((0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let line = FeedLine(bundles: [FeedLine.Bundle(name: "chaos", version: 7, data: zip)], heartbeat: 9)
        var bytes = try JSONEncoder().encode(line)
        bytes.append(0x0A)
        var framer = FeedLineFramer()
        let read = try framer.append(ByteBuffer(bytes: bytes))
        #expect(read.count == 1 && read[0].heartbeat == 9)
        #expect(read[0].bundles?.map(\.name) == ["chaos"] && read[0].bundles?.first?.version == 7 && read[0].bundles?.first?.data == zip)
        // A line from a sender that sends none still reads.
        #expect(try framer.append(ByteBuffer(string: "{\"heartbeat\":10}\n")).first?.bundles == nil)
    }
}
