import NIOCore
import NIOPosix

/// A task executor that runs its jobs on one NIO event loop. A request's task prefers the
/// executor of its connection's loop, so the responder, the default actors it calls (SE-0417)
/// and the write of its response all run on that thread, with no hop between the loop and
/// Swift's global pool on a cache hit.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop it runs jobs on.
    public let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// One ``EventLoopTaskExecutor`` per loop of a group, made once.
public struct EventLoopTaskExecutors: Sendable {
    /// The executors of NIO's shared event loops, which every client and server here uses.
    public static let singleton = EventLoopTaskExecutors(group: MultiThreadedEventLoopGroup.singleton)

    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]
    /// The same, in the group's order.
    private let ordered: [EventLoopTaskExecutor]
    private let group: any EventLoopGroup

    init(group: any EventLoopGroup) {
        self.group = group
        ordered = group.makeIterator().map { EventLoopTaskExecutor($0) }
        executors = Dictionary(uniqueKeysWithValues: ordered.map { (ObjectIdentifier($0.eventLoop), $0) })
    }

    /// The executor of a loop, or `nil` for a loop outside the group.
    public func executor(for loop: any EventLoop) -> EventLoopTaskExecutor? { executors[ObjectIdentifier(loop)] }

    /// The loop numbered `index` (modulo their count) with its executor. Work that numbers its
    /// parts spreads them evenly: ``next()``'s round robin is shared with every other caller, so
    /// parts made between others' calls can land on one loop.
    public func executor(at index: Int) -> (loop: any EventLoop, executor: EventLoopTaskExecutor) {
        let executor = ordered[index % ordered.count]
        return (executor.eventLoop, executor)
    }

    /// The group's next loop (round robin) with its executor: a task that prefers the executor
    /// and a channel on the loop share one thread.
    public func next() -> (loop: any EventLoop, executor: EventLoopTaskExecutor) {
        let loop = group.next()
        return (loop, executors[ObjectIdentifier(loop)]!)
    }
}
