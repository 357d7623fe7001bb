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
}
