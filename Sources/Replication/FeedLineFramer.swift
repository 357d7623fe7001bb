import Foundation
import NIOCore

/// Cuts a replication stream's bytes into its newline-delimited JSON lines, however the chunks
/// fall: a line may arrive in pieces, and one chunk may hold several.
public struct FeedLineFramer {
    private var buffer = ByteBuffer()
    private let decoder = JSONDecoder()

    /// An empty framer.
    public init() {}

    /// Takes a chunk.
    /// - Returns: Every line the chunk completed, in order.
    /// - Throws: `DecodingError` for a line that is not a ``FeedLine``.
    public mutating func append(_ chunk: ByteBuffer) throws -> [FeedLine] {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
        var lines: [FeedLine] = []
        while let newline = buffer.readableBytesView.firstIndex(of: 0x0A) {
            let line = buffer.readSlice(length: newline - buffer.readerIndex)!
            buffer.moveReaderIndex(forwardBy: 1)
            lines.append(try decoder.decode(FeedLine.self, from: Data(line.readableBytesView)))
        }
        buffer.discardReadBytes()
        return lines
    }
}
