import Synchronization

/// A listener's port, known once it is bound: set by the listener, read by whoever needs it
/// later (an edge's redirects to HTTPS, its ready line).
public final class BoundPort: Sendable {
    private let value = Mutex<Int?>(nil)

    public init() {}

    /// The port, once bound.
    public var port: Int? { value.withLock { $0 } }

    /// Records the bound port.
    public func bound(_ port: Int) { value.withLock { $0 = port } }
}
