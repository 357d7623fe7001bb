import CDNCore
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// The shaper on an embedded loop with a clock the test sets: when it delivers a request late,
/// the answer's delay is shortened by as much, and never below the model.
///
/// The loop runs a timer when the test moves its time past the timer's deadline; the shaper
/// reads the test's clock, which says how late that is.
@Suite struct LinkShaperHandlerTests {
    final class Clock: Sendable {
        private let instant = Mutex(NIODeadline.uptimeNanoseconds(0))
        var now: NIODeadline { instant.withLock { $0 } }

        /// Sets the clock, then lets the loop run what is due by then.
        func move(to milliseconds: Int64, _ loop: EmbeddedEventLoop) {
            let deadline = NIODeadline.uptimeNanoseconds(UInt64(milliseconds * 1_000_000))
            instant.withLock { $0 = deadline }
            loop.advanceTime(to: deadline)
        }
    }

    /// A connection through a 10 ms one-way link, opened at time zero.
    static func shaped() -> (EmbeddedChannel, EmbeddedEventLoop, Clock) {
        let loop = EmbeddedEventLoop()
        let clock = Clock()
        let shaper = LinkShaperHandler(shape: LinkShape(oneWay: .milliseconds(10)), seed: 1, now: { clock.now })
        return (EmbeddedChannel(handler: shaper, loop: loop), loop, clock)
    }

    static func text(_ buffer: ByteBuffer?) -> String? { buffer.map { String(buffer: $0) } }

    /// Writes an answer and flushes it, and checks it reaches the wire at `milliseconds`, not
    /// a millisecond before.
    static func answer(
        _ text: String,
        arrivesAt milliseconds: Int64,
        _ channel: EmbeddedChannel,
        _ loop: EmbeddedEventLoop,
        _ clock: Clock,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        channel.write(ByteBuffer(string: text), promise: nil)
        channel.flush()
        clock.move(to: milliseconds - 1, loop)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, sourceLocation: sourceLocation)
        clock.move(to: milliseconds, loop)
        #expect(Self.text(try channel.readOutbound(as: ByteBuffer.self)) == text, sourceLocation: sourceLocation)
    }

    @Test func anAnswerToALateDeliveryWaitsThatMuchLessButNoLessThanTheModel() throws {
        let (channel, loop, clock) = Self.shaped()
        defer { _ = try? channel.finish() }
        // The request arrives at 0 and is due at 30 ms: the handshake's round trip, then one way.
        try channel.writeInbound(ByteBuffer(string: "GET"))
        clock.move(to: 29, loop)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        // The loop gets to it 3 ms late.
        clock.move(to: 33, loop)
        #expect(Self.text(try channel.readInbound(as: ByteBuffer.self)) == "GET")
        // Answered at once: in the model it left at 30 ms, so it arrives at 40, not 43.
        try Self.answer("200", arrivesAt: 40, channel, loop, clock)

        // The next request is delivered on time: its answer waits the whole one way.
        try channel.writeInbound(ByteBuffer(string: "GET2"))
        clock.move(to: 50, loop)
        #expect(Self.text(try channel.readInbound(as: ByteBuffer.self)) == "GET2")
        try Self.answer("201", arrivesAt: 60, channel, loop, clock)
    }

    @Test func theCreditIsNeverMoreThanOneWayAndIsSpentByOneFlush() throws {
        let (channel, loop, clock) = Self.shaped()
        defer { _ = try? channel.finish() }
        try channel.writeInbound(ByteBuffer(string: "GET"))
        clock.move(to: 55, loop)  // 25 ms late: more than the one way
        #expect(try channel.readInbound(as: ByteBuffer.self) != nil)
        // Both writes before the flush use the credit, held to 10 ms: they leave when written,
        // never before.
        channel.write(ByteBuffer(string: "head"), promise: nil)
        channel.write(ByteBuffer(string: "body"), promise: nil)
        channel.flush()
        loop.run()
        #expect(Self.text(try channel.readOutbound(as: ByteBuffer.self)) == "head")
        #expect(Self.text(try channel.readOutbound(as: ByteBuffer.self)) == "body")
        // A write after the flush has no credit left.
        try Self.answer("later", arrivesAt: 65, channel, loop, clock)
    }

    /// Counts what reaches the handler after the shaper.
    final class InactiveCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let count = Mutex(0)
        var inactive: Int { count.withLock { $0 } }
        func channelInactive(context: ChannelHandlerContext) {
            count.withLock { $0 += 1 }
            context.fireChannelInactive()
        }
    }

    /// A close that comes while bytes still cross the link is delayed behind them; when the
    /// pipeline is torn down first, the handlers after the shaper still hear of it, once.
    @Test func aCloseQueuedBehindDataStillReachesTheNextHandlerWhenThePipelineGoes() throws {
        let (channel, loop, clock) = Self.shaped()
        let counter = InactiveCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET"))  // due at 30 ms
        _ = try? channel.close().wait()
        loop.run()
        #expect(counter.inactive == 1)
        clock.move(to: 60, loop)
        #expect(counter.inactive == 1)
    }

    @Test func aDegradedLinkDelaysEveryChunkByItsFactorOnConnectionsAlreadyOpen() throws {
        let loop = EmbeddedEventLoop()
        let clock = Clock()
        let faults = LinkFaults()
        let shaper = LinkShaperHandler(shape: LinkShape(oneWay: .milliseconds(10)), seed: 1, now: { clock.now }, faults: faults)
        let channel = EmbeddedChannel(handler: shaper, loop: loop)
        defer { _ = try? channel.finish() }
        // Healthy: the request is due after the handshake's 20 ms and one way, at 30 ms.
        try channel.writeInbound(ByteBuffer(string: "GET"))
        clock.move(to: 30, loop)
        #expect(Self.text(try channel.readInbound(as: ByteBuffer.self)) == "GET")
        // Degraded ×10 (no loss, so the instants are exact): the answer takes 100 ms one way.
        faults.degrade(LinkDegradation(latencyFactor: 10, loss: 0), for: .seconds(3600))
        try Self.answer("200", arrivesAt: 130, channel, loop, clock)
        try channel.writeInbound(ByteBuffer(string: "GET again"))
        clock.move(to: 229, loop)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        clock.move(to: 230, loop)
        #expect(Self.text(try channel.readInbound(as: ByteBuffer.self)) == "GET again")
    }

    @Test func aDegradationMultipliesDelayAndJitterAndKeepsTheHigherLoss() {
        let base = LinkShape(oneWay: .milliseconds(7), jitter: .milliseconds(2), loss: 0.1, bandwidth: 1e9)
        let worse = LinkDegradation(latencyFactor: 10, loss: 0.05).applied(to: base)
        #expect(worse == LinkShape(oneWay: .milliseconds(70), jitter: .milliseconds(20), loss: 0.1, bandwidth: 1e9))
        #expect(LinkDegradation(latencyFactor: 1, loss: 0.5).applied(to: base).loss == 0.5)
        // A degradation whose time is up leaves the link as it was.
        let faults = LinkFaults()
        faults.degrade(LinkDegradation(latencyFactor: 10, loss: 0.05), for: .zero)
        #expect(faults.shape(base) == base)
    }
}
