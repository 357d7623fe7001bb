import NIOCore
import NIOEmbedded
import NIOHTTP1

/// A message as the parser tests compare it: whatever its head gives, and its body's bytes.
protocol ReadMessage {
    var body: [UInt8] { get set }
}

/// What NIO's decoder, the parser tests' oracle, read from an embedded channel.
enum OracleMessages {
    /// Each whole message the decoder passed on: made from its head by `read`, its body appended.
    static func read<Head, Message: ReadMessage>(
        from channel: EmbeddedChannel,
        as _: HTTPPart<Head, ByteBuffer>.Type,
        _ read: (Head) throws -> Message
    ) rethrows -> [Message] {
        var messages: [Message] = []
        var current: Message?
        while let part = try? channel.readInbound(as: HTTPPart<Head, ByteBuffer>.self) {
            switch part {
            case .head(let head): current = try read(head)
            case .body(let bytes): current?.body += Array(bytes.readableBytesView)
            case .end:
                if let done = current { messages.append(done) }
                current = nil
            }
        }
        return messages
    }
}
