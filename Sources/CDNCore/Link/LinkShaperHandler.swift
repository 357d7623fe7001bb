import NIOCore
import Topology

/// Applies a ``LinkShape`` to both directions of one TCP connection, in user space: the
/// kernel's loopback is instant, so every byte waits here for the modelled delay instead.
///
/// It sits first in the pipeline, next to the socket, and holds bytes in two FIFO queues:
/// what the peer sent (delivered to the handlers behind it after one-way delay, the first bytes
/// also after the handshake round trip) and what we send (written to the socket after one-way
/// delay). End-of-stream and close follow the data queued before them, so nothing is reordered.
public final class LinkShaperHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum Inbound {
        case bytes(ByteBuffer)
        case event(Any)
        case inactive
    }

    private enum Outbound {
        case bytes(ByteBuffer, EventLoopPromise<Void>?)
        case close(CloseMode, EventLoopPromise<Void>?)
    }

    private let shape: LinkShape
    /// The link's injected faults, when it has any: a degradation changes the shape of every
    /// chunk that crosses it meanwhile.
    private let faults: LinkFaults?
    private let seed: UInt64
    private var toUs: LinkSchedule?
    private var fromUs: LinkSchedule?
    private var inbound = DelayQueue<Inbound>()
    private var outbound = DelayQueue<Outbound>()
    private var inboundTimer: Scheduled<Void>?
    private var outboundTimer: Scheduled<Void>?
    /// How late the emulation delivered the last bytes the peer sent: the timer fired, and the
    /// loop got to it, after their modelled instant. What the node writes next is answering
    /// them, and in the model it would have started that much earlier, so its own delay is
    /// shortened by as much (never below its arrival): the emulator's lateness is not counted
    /// twice. Spent by the writes up to the next flush.
    private var deliveredLate = TimeAmount.zero

    /// The clock: the loop's own in tests (an `EmbeddedEventLoop`'s), so its timers and the
    /// shaper's instants agree.
    private let now: @Sendable () -> NIODeadline

    /// Creates a shaper for one connection.
    /// - Parameters:
    ///   - shape: The link's behaviour.
    ///   - seed: The seed of its jitter and loss draws.
    ///   - now: The current instant.
    ///   - faults: The link's injected faults, if it can have any.
    public init(shape: LinkShape, seed: UInt64, now: @escaping @Sendable () -> NIODeadline = { .now() }, faults: LinkFaults? = nil) {
        self.shape = shape
        self.seed = seed
        self.now = now
        self.faults = faults
    }

    /// The shape of the link now: its own, or degraded while a fault says so.
    private var currentShape: LinkShape { faults?.shape(shape) ?? shape }

    public func handlerAdded(context: ChannelHandlerContext) {
        let opened = now()
        let shape = currentShape
        toUs = LinkSchedule(shape: shape, openedAt: opened, payHandshake: true, seed: seed)
        fromUs = LinkSchedule(shape: shape, openedAt: opened, payHandshake: false, seed: seed ^ 0x5DEE_CE66)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        // The pipeline is being torn down: nothing queued can be delivered any more, except
        // the news that the channel is gone. NIO tears the pipeline down on the tick after a
        // close, before a close queued behind data is due; the handlers after this one (still
        // in the pipeline: it goes from the head) must hear of it, or they would answer a
        // connection that no longer exists.
        inboundTimer?.cancel()
        outboundTimer?.cancel()
        inboundTimer = nil
        outboundTimer = nil
        let undelivered = inbound.removeAll()
        failPendingWrites()
        if undelivered.contains(where: { if case .inactive = $0 { true } else { false } }) { context.fireChannelInactive() }
    }

    private func failPendingWrites() {
        for item in outbound.removeAll() {
            switch item {
            case .bytes(_, let promise), .close(_, let promise): promise?.fail(ChannelError.ioOnClosedChannel)
            }
        }
    }

    // MARK: What the peer sends

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if faults != nil { toUs!.shape = currentShape }
        let at = toUs!.release(arrival: now(), bytes: buffer.readableBytes)
        inbound.append(.bytes(buffer), at: at)
        scheduleInbound(context: context)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        // Delivered with each released chunk instead.
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        inbound.append(.event(event), at: inbound.lastRelease ?? now())
        scheduleInbound(context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        inbound.append(.inactive, at: inbound.lastRelease ?? now())
        scheduleInbound(context: context)
        outboundTimer?.cancel()
        outboundTimer = nil
        failPendingWrites()
    }

    private func scheduleInbound(context: ChannelHandlerContext) {
        guard inboundTimer == nil, let next = inbound.nextRelease else { return }
        inboundTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [self] in
            inboundTimer = nil
            var delivered = false
            let fired = now()
            let (due, lastDue) = inbound.removeDue(now: fired)
            if let lastDue { deliveredLate = max(.zero, fired - lastDue) }
            for item in due {
                switch item {
                case .bytes(let buffer):
                    context.fireChannelRead(wrapInboundOut(buffer))
                    delivered = true
                case .event(let event):
                    if delivered { context.fireChannelReadComplete() }
                    delivered = false
                    context.fireUserInboundEventTriggered(event)
                case .inactive:
                    if delivered { context.fireChannelReadComplete() }
                    delivered = false
                    context.fireChannelInactive()
                }
            }
            if delivered { context.fireChannelReadComplete() }
            scheduleInbound(context: context)
        }
    }

    // MARK: What we send

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        if faults != nil { fromUs!.shape = currentShape }
        let credit = min(deliveredLate, TimeAmount.nanoseconds(fromUs!.shape.oneWay.nanoseconds))
        let at = fromUs!.release(arrival: now() - credit, bytes: buffer.readableBytes)
        outbound.append(.bytes(buffer, promise), at: at)
        scheduleOutbound(context: context)
    }

    public func flush(context: ChannelHandlerContext) {
        // Each chunk is flushed when it is released. The writes up to here were the answer to
        // what was delivered last: the lateness credit is spent.
        deliveredLate = .zero
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard outbound.nextRelease != nil else { return context.close(mode: mode, promise: promise) }
        outbound.append(.close(mode, promise), at: outbound.lastRelease ?? now())
    }

    private func scheduleOutbound(context: ChannelHandlerContext) {
        guard outboundTimer == nil, let next = outbound.nextRelease else { return }
        outboundTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [self] in
            outboundTimer = nil
            for item in outbound.removeDue(now: now()).items {
                switch item {
                case .bytes(let buffer, let promise): context.write(wrapOutboundOut(buffer), promise: promise)
                case .close(let mode, let promise):
                    context.flush()
                    context.close(mode: mode, promise: promise)
                }
            }
            context.flush()
            scheduleOutbound(context: context)
        }
    }
}

/// A FIFO of items, each with the instant it may leave; instants never decrease.
struct DelayQueue<Item> {
    private var items: [(item: Item, at: NIODeadline)] = []
    private var head = 0

    /// When the first waiting item is due.
    var nextRelease: NIODeadline? { head < items.count ? items[head].at : nil }

    /// The release instant of the last item queued, if any is waiting.
    var lastRelease: NIODeadline? { head < items.count ? items.last?.at : nil }

    mutating func append(_ item: Item, at: NIODeadline) {
        items.append((item, max(at, items.last?.at ?? at)))
    }

    /// Takes every item due by `now`, in order, and the release instant of the last of them.
    mutating func removeDue(now: NIODeadline) -> (items: [Item], lastRelease: NIODeadline?) {
        var due: [Item] = []
        var last: NIODeadline?
        while head < items.count, items[head].at <= now {
            due.append(items[head].item)
            last = items[head].at
            head += 1
        }
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return (due, last)
    }

    /// Takes everything still waiting.
    mutating func removeAll() -> [Item] {
        defer {
            items.removeAll()
            head = 0
        }
        return items[head...].map(\.item)
    }
}
