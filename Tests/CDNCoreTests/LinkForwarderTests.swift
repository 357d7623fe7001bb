import CDNCore
import Logging
import NIOCore
import NIOPosix
import Testing

/// The forwarder over real sockets: every byte arrives, in order, through jitter and loss.
@Suite struct LinkForwarderTests {
    @Test func bytesCrossAJitteryLossyLinkIntactAndInOrder() async throws {
        let echo = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(EchoHandler()) }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let shape = LinkShape(oneWay: .milliseconds(1), jitter: .milliseconds(3), loss: 0.01)
        let link = try await LinkForwarder.bind(to: echo.localAddress!, shape: shape, seed: 9, logger: Logger(label: "test"))
        var generator = SeededRandom(seed: 3)
        let payload = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }

        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: link.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let received = try await client.executeThenClose { inbound, outbound in
            for chunk in stride(from: 0, to: payload.count, by: 7_000) {
                try await outbound.write(ByteBuffer(bytes: payload[chunk..<min(chunk + 7_000, payload.count)]))
            }
            var received: [UInt8] = []
            for try await buffer in inbound {
                received += buffer.readableBytesView
                if received.count >= payload.count { break }
            }
            return received
        }
        #expect(received == payload)
        try await link.close()
        try await echo.close()
    }
}

final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.writeAndFlush(data, promise: nil) }
}
