import NIOCore
import NIOPosix

/// Sends raw bytes to a server and reads everything it answers until it closes the connection:
/// for requests no HTTP client would send.
public enum RawConnection {
    /// - Parameters:
    ///   - bytes: What to send first.
    ///   - later: What to send a moment later, if anything (the rest of a request that arrives late).
    ///   - trickle: Pieces sent one at a time, a pause before each (a client that sends a byte
    ///     at a time); a piece the server no longer reads is dropped.
    public static func exchange(
        _ bytes: String,
        then later: String? = nil,
        trickle: (pieces: [String], every: Duration)? = nil,
        host: String = "127.0.0.1",
        port: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: bytes))
                    if let later {
                        try await Task.sleep(for: .milliseconds(100))
                        try await outbound.write(ByteBuffer(string: later))
                    }
                    return try await withThrowingTaskGroup(of: String?.self) { sending in
                        if let trickle {
                            sending.addTask {
                                for piece in trickle.pieces {
                                    try await Task.sleep(for: trickle.every)
                                    do { try await outbound.write(ByteBuffer(string: piece)) } catch { break }
                                }
                                return nil
                            }
                        }
                        var answer = ""
                        for try await buffer in inbound { answer += String(buffer: buffer) }
                        sending.cancelAll()
                        return answer
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RawConnectionError(description: "the server did not close the connection within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// A raw exchange that did not end.
public struct RawConnectionError: Error, CustomStringConvertible {
    public var description: String
}
