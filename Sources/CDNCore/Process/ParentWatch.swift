import Foundation
import Logging
import ServiceLifecycle

/// Ends a node when the process that started it is gone, so `edgesim up` never leaves orphans
/// even when it is killed with SIGKILL: the kernel re-parents the node, and this notices.
///
/// Put it in the node's `ServiceGroup` with `successTerminationBehavior: .gracefullyShutdownGroup`.
public struct ParentWatch: Service {
    /// How often the parent is checked.
    public static let interval = Duration.milliseconds(200)

    private let parent: pid_t
    private let logger: Logger

    /// Watches the current parent.
    public init(logger: Logger) {
        self.parent = getppid()
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while getppid() == parent { try await Task.sleep(for: Self.interval) }
            }
        } catch is CancellationError {
            return  // the node is shutting down anyway
        }
        logger.warning("the launcher (pid \(parent)) is gone; shutting down")
    }
}
