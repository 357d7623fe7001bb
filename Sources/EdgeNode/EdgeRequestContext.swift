import Hummingbird
import NIOCore

/// Per-request data of the edge: who connected (the viewer's source address says where the
/// viewer is) besides Hummingbird's own storage.
public struct EdgeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The viewer's address and port.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The viewer's request bodies can be as large as an origin accepts; the edge buffers up to this.
    public var maxUploadSize: Int { 64 << 20 }
}
