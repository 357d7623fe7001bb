import HTTPTypes
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOSSL

/// One viewer connection's HTTP/1.1 exchanges (or one HTTP/2 stream's), on its event loop: it
/// gathers each request whole, checks CloudFront's size limits, runs the responder in a task that
/// prefers this loop, and writes the response: over HTTP/1.1 as one head buffer and the body, in
/// one flush; over HTTP/2 as head, body and end parts for the stream's codec.
///
/// Requests on one connection are answered in order: parts that arrive while one is being
/// answered (pipelined requests) wait in order behind it, and while any wait the connection
/// reads no more (the handler holds the channel's `read`).
final class ViewerConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ViewerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The most body the edge buffers for one request; past it, 413.
    static let maximumBody = 64 << 20
    static let bodyTooLarge = "413 Request Entity Too Large: the body is larger than \(maximumBody) bytes"

    /// How responses leave.
    enum Framing {
        /// Encoded here, as bytes for the socket (or TLS).
        case http1
        /// As `HTTPServerResponsePart`s, for an HTTP/2 stream's codec.
        case http2
    }

    private enum Phase {
        /// Waiting for a request head.
        case idle
        /// Gathering a request (``gathered``).
        case receiving
        /// A request is with the responder.
        case responding
        /// A final answer was sent (a 413, a 400): the rest of the input is ignored.
        case finishing
        /// The channel is gone.
        case closed
    }

    private let responder: any ViewerResponder
    private let executor: EventLoopTaskExecutor?
    private let serverName: String
    private let framing: Framing
    private let logger: Logger
    private var phase = Phase.idle
    /// The request being gathered, while ``phase`` is `.receiving`. It is kept apart from the
    /// phase so that neither is copied, nor its payload destroyed, at each change of phase.
    private var gathered: (head: ViewerRequestHead, body: ByteBuffer)?
    /// Parts parsed while a request was with the responder, in order.
    private var waiting = CircularBuffer<ViewerRequestPart>()
    /// Whether the channel asked to read while a request was being answered.
    private var readHeld = false
    /// Whether the server is shutting down: close once the current response is out.
    private var quiescing = false
    private var dates = HTTPDateCache()
    /// The peer, and its address as text, read once for the connection's requests.
    private var peer: (address: SocketAddress?, ip: String?)?
    /// The bytes of the request being answered (head and body), for its access log record.
    private var requestBytes = 0
    /// The connection's TLS version as the access log names it (`TLSv1.3`), read once when a
    /// record first asks; `.some(nil)` for plain HTTP.
    private var tlsProtocol: String??

    init(
        responder: any ViewerResponder,
        executor: EventLoopTaskExecutor?,
        serverName: String,
        framing: Framing = .http1,
        logger: Logger
    ) {
        self.responder = responder
        self.executor = executor
        self.serverName = serverName
        self.framing = framing
        self.logger = logger
    }

    // MARK: Input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch phase {
        case .responding:
            waiting.append(part)
        case .finishing, .closed:
            break
        case .idle, .receiving:
            if waiting.isEmpty { take(part, context: context) } else { waiting.append(part) }
        }
    }

    private func take(_ part: ViewerRequestPart, context: ChannelHandlerContext) {
        switch (phase, part) {
        case (.idle, .head(let head)):
            if let reason = RequestSizeGuard.violation(head.request) {
                return refuse(.contentTooLarge, "413 Request Entity Too Large: \(reason)", context: context)
            }
            // A body declared larger than the edge holds is refused before any of it is read.
            if let declared = head.request.headerFields[.contentLength].flatMap({ Int($0) }), declared > Self.maximumBody {
                return refuse(.contentTooLarge, Self.bodyTooLarge, context: context)
            }
            phase = .receiving
            gathered = (head, ByteBuffer())
            // A client that waits for permission to send its body (curl does past 1 KB) gets it
            // at once, as RFC 9110 asks; otherwise it would wait its own timeout (curl: 1 s).
            if head.expectsContinue {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
            }
        case (.receiving, .body(var chunk)):
            let size = gathered?.body.readableBytes ?? 0
            guard size + chunk.readableBytes <= Self.maximumBody else {
                return refuse(.contentTooLarge, Self.bodyTooLarge, context: context)
            }
            if size == 0 { gathered?.body = chunk } else { gathered?.body.writeBuffer(&chunk) }
        case (.receiving, .end):
            guard let (head, body) = gathered else { return }
            gathered = nil
            dispatch(head: head, body: body, context: context)
        default:
            refuse(.badRequest, "Bad request: the request was not well framed.", context: context)
        }
    }

    /// Hands a whole request to the responder. An answer it has at once is written now, on
    /// this loop; one that needs waiting for is made in a task that prefers this loop.
    private func dispatch(head: ViewerRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        phase = .responding
        requestBytes = head.byteCount + body.readableBytes
        let peer = self.peer ?? (context.channel.remoteAddress, context.channel.remoteAddress?.ipAddress)
        self.peer = peer
        let incoming = IncomingRequest(head: head.request, body: body, remoteAddress: peer.address, remoteIP: peer.ip, version: head.version)
        let connection: ResponseHead.Connection = head.keepAlive ? (head.version == .http1_0 ? .keepAlive : .keepAliveByDefault) : .close
        let isHead = head.isHead
        let work: @Sendable () async -> ViewerResponse
        switch responder.respond(to: incoming) {
        case .now(let response):
            return complete(response, isHead: isHead, connection: connection, context: context)
        case .later(let later):
            work = later
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let operation: @Sendable () async -> Void = {
            let response = await work()
            let deliver: @Sendable () -> Void = {
                bound.value.handler.send(response, isHead: isHead, connection: connection, context: bound.value.context)
            }
            // On the loop already when the task ran on its executor; hopped to it otherwise.
            if loop.inEventLoop { deliver() } else { loop.execute(deliver) }
        }
        if let executor { Task(executorPreference: executor, operation: operation) } else { Task(operation: operation) }
    }

    // MARK: Output

    /// Writes a response a task made, then takes the requests that arrived meanwhile.
    private func send(_ response: ViewerResponse, isHead: Bool, connection: ResponseHead.Connection, context: ChannelHandlerContext) {
        guard case .responding = phase else { return }  // closed meanwhile
        complete(response, isHead: isHead, connection: connection, context: context)
        takeWaiting(context: context)
    }

    /// Writes the response to the request being answered, and is ready for the next one (or
    /// finishing, when the connection closes after it).
    private func complete(_ response: ViewerResponse, isHead: Bool, connection: ResponseHead.Connection, context: ChannelHandlerContext) {
        let closing = connection == .close || quiescing
        write(response, isHead: isHead, connection: closing ? .close : connection, context: context)
        phase = closing ? .finishing : .idle
    }

    /// Takes the parts that waited behind a response, in order, until one needs a task again;
    /// then reads on if a read was held.
    private func takeWaiting(context: ChannelHandlerContext) {
        while !waiting.isEmpty {
            switch phase {
            case .idle, .receiving: take(waiting.removeFirst(), context: context)
            case .responding, .finishing, .closed: return
            }
        }
        // Idle, or partway through a pipelined request whose rest is still to come: read on.
        if case .responding = phase { return }
        if case .finishing = phase { return }
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    private func write(_ response: ViewerResponse, isHead: Bool, connection: ResponseHead.Connection, context: ChannelHandlerContext) {
        if case .http2 = framing {
            let sent = writeParts(response, isHead: isHead, context: context)
            return log(response.accessLog, sent: sent, context: context)
        }
        let hasBody = ResponseHead.hasBody(response.status)
        let head = ResponseHead.encode(
            response,
            contentLength: hasBody ? response.body.readableBytes : nil,
            connection: connection,
            date: dates.now(),
            server: serverName,
            allocator: context.channel.allocator
        )
        let sendsBody = hasBody && !isHead && response.body.readableBytes > 0
        log(response.accessLog, sent: head.readableBytes + (sendsBody ? response.body.readableBytes : 0), context: context)
        if sendsBody { context.write(wrapOutboundOut(head), promise: nil) }
        let last = sendsBody ? response.body : head
        guard connection == .close else { return context.writeAndFlush(wrapOutboundOut(last), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(last)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Completes a response's access log record with what crossed the connection, and logs it.
    private func log(_ ticket: AccessLogTicket?, sent: Int, context: ChannelHandlerContext) {
        guard var ticket else { return }
        if tlsProtocol == nil {
            // An HTTP/2 stream's TLS is its parent connection's (an accepted connection's parent
            // is the listening socket, on another loop).
            let channel = framing == .http2 ? context.channel.parent ?? context.channel : context.channel
            let pipeline = channel.pipeline
            tlsProtocol = .some((try? pipeline.syncOperations.handler(type: NIOSSLHandler.self))?.tlsVersion.map(Self.logName))
        }
        ticket.record.complete(sent: sent, received: requestBytes, tlsProtocol: tlsProtocol ?? nil)
        ticket.sink.log(ticket.record)
    }

    /// A TLS version as CloudFront's logs write it.
    static func logName(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }

    /// Writes a response on an HTTP/2 stream: its codec makes the frames; the stream ends with it.
    /// - Returns: Its size as HTTP/1.1 would send it (HPACK's is the codec's), for the access log.
    @discardableResult
    private func writeParts(_ response: ViewerResponse, isHead: Bool, context: ChannelHandlerContext) -> Int {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.fields.count + 12)
        for field in response.headers where !ResponseHead.isOwn(field.name) { headers.add(name: field.name.canonicalName, value: field.value) }
        let hasBody = ResponseHead.hasBody(response.status)
        if hasBody { headers.add(name: "content-length", value: String(response.body.readableBytes)) }
        headers.add(name: "date", value: dates.now())
        headers.add(name: "server", value: serverName)
        let head = HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: response.status.code), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if hasBody, !isHead, response.body.readableBytes > 0 {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(response.body))), promise: nil)
        }
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        guard response.accessLog != nil else { return 0 }
        let body = hasBody && !isHead ? response.body.readableBytes : 0
        return headers.reduce(17) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + body
    }

    /// Answers a request that cannot be served with CloudFront's error page, and closes.
    private func refuse(_ status: HTTPResponse.Status, _ reason: String, context: ChannelHandlerContext) {
        phase = .finishing
        gathered = nil
        waiting.removeAll()
        var page = ErrorPage.response(status: status, reason: reason, requestID: CloudFrontIDs.requestID())
        page.headers[.xCache] = ResultType.error.xCache
        write(ViewerResponse(page), isHead: false, connection: .close, context: context)
    }

    // MARK: The channel

    /// Reading goes on while a request is answered — a viewer waiting for its response sends
    /// nothing, and stopping and restarting the socket's read interest costs two `epoll_ctl`
    /// calls per request — unless pipelined requests are already waiting.
    func read(context: ChannelHandlerContext) {
        if case .responding = phase, !waiting.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        gathered = nil
        waiting.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch phase {
        case .idle, .receiving:
            if error is HTTP1ParseError {
                refuse(.badRequest, "Bad request: the request could not be parsed (\(error)).", context: context)
            } else {
                context.close(promise: nil)
            }
        case .responding:
            // A broken connection: the response has nowhere to go.
            context.close(promise: nil)
        case .finishing, .closed:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if case .idle = phase, waiting.isEmpty { context.close(promise: nil) }
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            switch phase {
            case .idle where waiting.isEmpty:
                context.close(promise: nil)
            case .receiving where waiting.isEmpty:
                // A body that stopped coming: the viewer is told, and the connection closes.
                refuse(.requestTimeout, "408 Request Timeout: the request body stopped arriving", context: context)
            default:
                break
            }
            return
        }
        if let timedOut = event as? RequestHeadTimedOut {
            let seconds = timedOut.limit.nanoseconds / 1_000_000_000
            switch phase {
            case .idle, .receiving:
                refuse(.requestTimeout, "408 Request Timeout: the request head did not arrive within \(seconds) s", context: context)
            case .responding:
                // The request being answered finishes first; the connection closes after it.
                quiescing = true
            case .finishing, .closed:
                break
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
