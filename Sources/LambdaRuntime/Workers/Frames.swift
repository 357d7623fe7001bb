import NIOCore

/// The framing between an edge and its workers: a 4-byte big-endian length, then that many
/// bytes of UTF-8 JSON.
enum Frames {
    /// Frames one message.
    static func encode(_ json: [UInt8], allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: json.count + 4)
        buffer.writeInteger(UInt32(json.count))
        buffer.writeBytes(json)
        return buffer
    }
}

/// Reads whole frames from a worker's stdout pipe.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self), buffer.readableBytes >= 4 + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readBytes(length: Int(length)) ?? []))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
