import NIOCore
import Topology

/// The edge's end of one worker's pipes, on an event loop: the first frame is the worker's
/// hello, then each invocation is one frame out and one back. An invocation's limits are
/// watched here too — its memory every 20 ms and its timeout, by one timer — so a call is one
/// write and one read on the loop, with no task started per call.
final class WorkerLink: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = [UInt8]
    typealias OutboundOut = ByteBuffer

    /// How often a running invocation's memory is read.
    static let memoryInterval = TimeAmount.milliseconds(20)

    private enum State {
        /// Waiting for the worker's hello.
        case loading
        /// Ready, with no invocation running.
        case idle
        /// An invocation is running.
        case busy(EventLoopPromise<[UInt8]>)
        /// The pipes are closed.
        case closed(reason: String)
    }

    let hello: EventLoopPromise<[UInt8]>
    private var state = State.loading
    /// The running invocation's next memory reading, or its deadline if that comes first.
    private var watchTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// Whether the worker should exit once the running invocation is done.
    private var retiring = false
    private let kill: @Sendable () -> Void
    private let residentMegabytes: @Sendable () -> Int?

    /// Creates the link.
    /// - Parameters:
    ///   - eventLoop: The pipes' loop.
    ///   - kill: Kills the worker's process.
    ///   - residentMegabytes: Reads the process's resident memory.
    init(eventLoop: any EventLoop, kill: @escaping @Sendable () -> Void, residentMegabytes: @escaping @Sendable () -> Int?) {
        hello = eventLoop.makePromise()
        self.kill = kill
        self.residentMegabytes = residentMegabytes
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends one invocation; the future holds the reply frame.
    /// - Parameters:
    ///   - frame: The request frame's JSON.
    ///   - timeout: The function's timeout: past it the process is killed and the call fails
    ///     with ``InvocationFailure/timedOut(_:)``.
    ///   - memoryLimit: The function's memory in megabytes: past it the process is killed and
    ///     the call fails with `Runtime.OutOfMemory`.
    func invoke(_ frame: [UInt8], timeout: Duration, memoryLimit: Int) -> EventLoopFuture<[UInt8]> {
        guard let context else { return hello.futureResult.eventLoop.makeFailedFuture(WorkerFailure.exited("its pipes are not open")) }
        let loop = context.eventLoop
        switch state {
        case .closed(let reason): return loop.makeFailedFuture(WorkerFailure.exited(reason))
        case .loading, .busy: return loop.makeFailedFuture(WorkerFailure.exited("it was not ready for an invocation"))
        case .idle: break
        }
        let promise = loop.makePromise(of: [UInt8].self)
        state = .busy(promise)
        watch(until: .now() + .nanoseconds(timeout.nanoseconds), timeout: timeout, memoryLimit: memoryLimit, on: loop)
        context.writeAndFlush(wrapOutboundOut(Frames.encode(frame, allocator: context.channel.allocator)), promise: nil)
        return promise.futureResult
    }

    /// Closes the worker's stdin, so it exits: now when idle, after its invocation when busy.
    func retire() {
        guard let context else { return }
        if case .busy = state {
            retiring = true
        } else {
            context.close(mode: .output, promise: nil)
        }
    }

    /// Watches the running invocation with one timer: it fires every ``memoryInterval`` to read
    /// the process's memory, and at the deadline. One timer rather than a timeout and a memory
    /// poll: a warm call takes far less than either, so each timer is scheduled and cancelled
    /// unfired, once per call.
    private func watch(until deadline: NIODeadline, timeout: Duration, memoryLimit: Int, on loop: any EventLoop) {
        watchTimer = loop.assumeIsolated().scheduleTask(deadline: min(deadline, .now() + Self.memoryInterval)) { [self] in
            guard case .busy = state else { return }
            if NIODeadline.now() >= deadline {
                fail(InvocationFailure.timedOut(timeout))
            } else if let used = residentMegabytes(), used > memoryLimit {
                let message = "Runtime exited with error: signal: killed (\(used) MB used of \(memoryLimit) MB)"
                fail(InvocationFailure.failed(HandlerError(type: "Runtime.OutOfMemory", message: message)))
            } else {
                watch(until: deadline, timeout: timeout, memoryLimit: memoryLimit, on: loop)
            }
        }
    }

    private func stopWatching() {
        watchTimer?.cancel()
        watchTimer = nil
    }

    /// A running invocation failed on a limit: the process is killed, the call answered.
    private func fail(_ error: any Error) {
        guard case .busy(let promise) = state else { return }
        stopWatching()
        state = .closed(reason: "it was killed: \(error)")
        kill()
        promise.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch state {
        case .loading:
            state = .idle
            hello.succeed(frame)
        case .busy(let promise):
            stopWatching()
            state = .idle
            promise.succeed(frame)
            if retiring { context.close(mode: .output, promise: nil) }
        case .idle, .closed:
            break  // nothing asked for it
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        close(reason: "its pipes closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(reason: "its pipes failed: \(error)")
        context.close(promise: nil)
    }

    private func close(reason: String) {
        switch state {
        case .loading:
            hello.fail(WorkerFailure.exited("it exited while loading the handler"))
        case .busy(let promise):
            stopWatching()
            promise.fail(WorkerFailure.exited("the process exited during the invocation"))
        case .idle, .closed:
            break
        }
        if case .closed = state {} else { state = .closed(reason: reason) }
    }
}
