import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// An authoritative DNS server on UDP and TCP (same port), answering each query through a
/// lookup: the GeoDNS decision lives there, the wire format here. A malformed packet is dropped
/// (and counted), never answered with a crash.
public final class DNSServer: Service {
    /// What the lookup decided.
    public enum Answer: Sendable {
        /// A records, with a time to live in seconds.
        case addresses([[UInt8]], ttl: UInt32)
        /// The name is not ours (NXDOMAIN).
        case nameError
        /// The name is ours, but not this type (NOERROR, no answers).
        case noData
        /// Not answered here (REFUSED).
        case refused

        /// Whether the name was not ours.
        public var isNameError: Bool {
            if case .nameError = self { true } else { false }
        }
    }

    /// The decision for one query from one source address.
    public typealias Lookup = @Sendable (_ query: DNSMessage.Query, _ source: String) -> Answer

    /// The port both listeners are bound to.
    public let port: Int
    private let udp: any Channel
    private let tcp: any Channel
    private let logger: Logger

    private init(port: Int, udp: any Channel, tcp: any Channel, logger: Logger) {
        self.port = port
        self.udp = udp
        self.tcp = tcp
        self.logger = logger
    }

    /// Binds UDP, then TCP on the same port.
    /// - Parameters:
    ///   - host: The address to listen on.
    ///   - port: The port, 0 for an ephemeral one.
    ///   - lookup: The decision per query.
    ///   - logger: Where dropped packets are logged (at debug).
    /// - Throws: When either cannot bind.
    public static func bind(host: String, port: Int, lookup: @escaping Lookup, logger: Logger) async throws -> DNSServer {
        // With port 0 the kernel picks UDP's port without regard to TCP, so that port may be
        // taken for TCP: try again with another.
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try await bindOnce(host: host, port: port, lookup: lookup, logger: logger)
            } catch let error as IOError where port == 0 && attempts < 20 {
                logger.debug("the port UDP got is taken for TCP (\(error)); trying another")
            }
        }
    }

    private static func bindOnce(host: String, port: Int, lookup: @escaping Lookup, logger: Logger) async throws -> DNSServer {
        let group = MultiThreadedEventLoopGroup.singleton
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPHandler(lookup: lookup, logger: logger)) }
            }
            .bind(host: host, port: port)
            .get()
        let bound = udp.localAddress?.port ?? port
        do {
            let tcp = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(TCPHandler(lookup: lookup, logger: logger))
                    }
                }
                .bind(host: host, port: bound)
                .get()
            return DNSServer(port: bound, udp: udp, tcp: tcp, logger: logger)
        } catch {
            try? await udp.close()
            throw error
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }

    /// Stops both listeners.
    public func close() async throws {
        try? await udp.close()
        try? await tcp.close()
    }

    /// The response bytes for a query's bytes, or `nil` to drop it.
    static func respond(to bytes: [UInt8], source: String, lookup: Lookup, logger: Logger) -> [UInt8]? {
        let query: DNSMessage.Query
        do {
            query = try DNSMessage.parseQuery(bytes)
        } catch {
            logger.debug("dropped a packet from \(source): \(error)")
            return nil
        }
        guard query.recordClass == 1 else { return DNSMessage.response(to: query, code: .refused) }
        switch lookup(query, source) {
        case .addresses(let addresses, let ttl):
            let wanted = query.type == DNSMessage.RecordType.a || query.type == DNSMessage.RecordType.any
            return DNSMessage.response(to: query, code: .noError, addresses: wanted ? addresses : [], ttl: ttl)
        case .nameError: return DNSMessage.response(to: query, code: .nameError)
        case .noData: return DNSMessage.response(to: query, code: .noError)
        case .refused: return DNSMessage.response(to: query, code: .refused)
        }
    }

    /// One datagram in, at most one out.
    private final class UDPHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let lookup: Lookup
        let logger: Logger

        init(lookup: @escaping Lookup, logger: Logger) {
            self.lookup = lookup
            self.logger = logger
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let source = envelope.remoteAddress.ipAddress ?? ""
            guard let reply = DNSServer.respond(to: Array(envelope.data.readableBytesView), source: source, lookup: lookup, logger: logger) else {
                return
            }
            // A UDP answer must fit the client's payload size (512 without EDNS); the rest is cut
            // to the header with TC set, so the client retries over TCP.
            let limit = Int((try? DNSMessage.parseQuery(Array(envelope.data.readableBytesView)).ednsPayloadSize).flatMap { $0 } ?? 512)
            var bytes = reply
            if bytes.count > max(512, limit) {
                bytes = Array(bytes.prefix(12))
                bytes[2] |= 0x02
                bytes[6...11] = [0, 0, 0, 0, 0, 0]
            }
            context.writeAndFlush(
                wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: bytes))),
                promise: nil
            )
        }
    }

    /// Length-prefixed messages on a stream (RFC 1035 §4.2.2); a malformed one closes it.
    private final class TCPHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let lookup: Lookup
        let logger: Logger
        private var pending = ByteBuffer()

        init(lookup: @escaping Lookup, logger: Logger) {
            self.lookup = lookup
            self.logger = logger
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            pending.writeBuffer(&incoming)
            while let length = pending.getInteger(at: pending.readerIndex, as: UInt16.self), pending.readableBytes >= 2 + Int(length) {
                pending.moveReaderIndex(forwardBy: 2)
                let message = pending.readBytes(length: Int(length)) ?? []
                let source = context.remoteAddress?.ipAddress ?? ""
                guard let reply = DNSServer.respond(to: message, source: source, lookup: lookup, logger: logger) else {
                    context.close(promise: nil)
                    return
                }
                var out = context.channel.allocator.buffer(capacity: reply.count + 2)
                out.writeInteger(UInt16(reply.count))
                out.writeBytes(reply)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
            pending.discardReadBytes()
            if pending.readableBytes > 65_537 { context.close(promise: nil) }
        }
    }
}
