import Logging
import ServiceLifecycle

/// Runs services in one group for the length of a body, in this process, and always shuts the
/// group down, whether the body returns or throws. The in-process suites run real nodes this way.
/// - Parameters:
///   - services: The services, in start order.
///   - logger: The group's logger.
///   - body: The test, run while the services do.
/// - Returns: What the body returned.
public func withServicesRunning<Value: Sendable>(
    _ services: [any Service],
    logger: Logger,
    _ body: @Sendable () async throws -> Value
) async throws -> Value {
    let group = ServiceGroup(services: services, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let value: Value
        do {
            value = try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return value
    }
}
