import NIOCore
import Topology

/// The edge's end of one worker's pipes, on an event loop: the first frame is the worker's
/// hello, then each invocation is one frame out and one back. An invocation's limits are
/// watched here too — its memory every 20 ms and its timeout — by one watchdog timer per link,
/// so a call is one write and one read on the loop, with no task, timer or future made per call.
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
        /// An invocation is running: who waits for its reply, its deadline, its memory limit.
        case busy(Call)
        /// The pipes are closed.
        case closed(reason: String)
    }

    /// A running invocation.
    struct Call {
        var reply: CheckedContinuation<[UInt8], any Error>
        var started: NIODeadline
        var deadline: NIODeadline
        var timeout: Duration
        var memoryLimit: Int
    }

    let hello: EventLoopPromise<[UInt8]>
    private var state = State.loading
    /// Whether the watchdog is scheduled.
    private var watching = false
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

    /// Sends one invocation; `reply` is resumed with the reply frame, or with the failure.
    /// - Parameters:
    ///   - frame: The request frame's JSON.
    ///   - timeout: The function's timeout: past it the process is killed and the call fails
    ///     with ``InvocationFailure/timedOut(_:)``.
    ///   - memoryLimit: The function's memory in megabytes: past it the process is killed and
    ///     the call fails with `Runtime.OutOfMemory`.
    ///   - reply: Resumed once. A continuation rather than a future: NIO's futures are generic
    ///     from another module, and each one looked up its type's metadata when it was made and
    ///     when it went (a sixth of a warm invocation's instructions, with the timer's promise).
    func invoke(_ frame: [UInt8], timeout: Duration, memoryLimit: Int, reply: CheckedContinuation<[UInt8], any Error>) {
        guard let context else { return reply.resume(throwing: WorkerFailure.exited("its pipes are not open")) }
        switch state {
        case .closed(let reason): return reply.resume(throwing: WorkerFailure.exited(reason))
        case .loading, .busy: return reply.resume(throwing: WorkerFailure.exited("it was not ready for an invocation"))
        case .idle: break
        }
        let started = NIODeadline.now()
        let deadline = started + .nanoseconds(timeout.nanoseconds)
        state = .busy(Call(reply: reply, started: started, deadline: deadline, timeout: timeout, memoryLimit: memoryLimit))
        if !watching { watch(until: min(deadline, started + Self.memoryInterval), on: context.eventLoop) }
        context.writeAndFlush(wrapOutboundOut(Frames.encode(frame, allocator: context.channel.allocator)), promise: nil)
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

    /// The watchdog: at each firing it fails the running invocation past its deadline, reads its
    /// memory once it has run ``memoryInterval`` (a warm call never reaches that, so it costs no
    /// read of `/proc`), and comes back at the invocation's next reading or its deadline; with none
    /// running it stops until the next call. A stream of warm calls arms it once per 20 ms, not
    /// once per call.
    private func watch(until when: NIODeadline, on loop: any EventLoop) {
        watching = true
        loop.assumeIsolated().scheduleTask(deadline: when) { [self] in
            watching = false
            guard case .busy(let call) = state else { return }
            let now = NIODeadline.now()
            let hasRunAnInterval = now - call.started >= Self.memoryInterval
            if now >= call.deadline {
                fail(InvocationFailure.timedOut(call.timeout))
            } else if hasRunAnInterval, let used = residentMegabytes(), used > call.memoryLimit {
                let message = "Runtime exited with error: signal: killed (\(used) MB used of \(call.memoryLimit) MB)"
                fail(InvocationFailure.failed(HandlerError(type: "Runtime.OutOfMemory", message: message)))
            } else {
                watch(until: min(call.deadline, (hasRunAnInterval ? now : call.started) + Self.memoryInterval), on: loop)
            }
        }
    }

    /// A running invocation failed on a limit: the process is killed, the call answered.
    private func fail(_ error: any Error) {
        guard case .busy(let call) = state else { return }
        state = .closed(reason: "it was killed: \(error)")
        kill()
        call.reply.resume(throwing: error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch state {
        case .loading:
            state = .idle
            hello.succeed(frame)
        case .busy(let call):
            state = .idle
            call.reply.resume(returning: frame)
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
        case .busy(let call):
            call.reply.resume(throwing: WorkerFailure.exited("the process exited during the invocation"))
        case .idle, .closed:
            break
        }
        if case .closed = state {} else { state = .closed(reason: reason) }
    }
}
