import EdgesimTestSupport
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import CDNCore

/// The edge's viewer listener on a real loopback socket, with a responder that says what it got.
@Suite struct ViewerServerTests {
    /// Answers with what it was asked: the method, the path, the query and the body's size. It
    /// answers at once, but `/slow` in a task that takes 50 ms, so an answer out of order would
    /// show, and `/hang` not for a minute.
    struct EchoResponder: ViewerResponder {
        func respond(to request: IncomingRequest) -> ViewerAnswer {
            if request.path == "/hang" {
                return .later {
                    try? await Task.sleep(for: .seconds(60))
                    return Self.echo(request)
                }
            }
            guard request.path == "/slow" else { return .now(Self.echo(request)) }
            return .later {
                try? await Task.sleep(for: .milliseconds(50))
                return Self.echo(request)
            }
        }

        static func echo(_ request: IncomingRequest) -> ViewerResponse {
            var fields = HTTPFields()
            fields[.contentType] = "text/plain"
            fields[.contentLength] = "999"  // the listener frames the body itself
            fields[HTTPField.Name("X-Host")!] = request.head.authority ?? "-"
            let text = "\(request.method.rawValue) \(request.path) \(request.query ?? "-") \(request.body.readableBytes)"
            // A status made from its code alone, as an upstream's relayed one is.
            let status = request.path == "/none" ? HTTPResponse.Status.noContent : HTTPResponse.Status(code: 200)
            return ViewerResponse(status: status, fields: fields, body: ByteBuffer(string: text))
        }
    }

    static func withServer(
        idle: Duration = .seconds(60),
        head: Duration = .seconds(20),
        _ body: @Sendable (_ port: Int) async throws -> Void
    ) async throws {
        let bound = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "test")
        let server = ViewerServer(
            .init(host: "127.0.0.1", port: 0, serverName: "CloudFront", idleTimeout: idle, headTimeout: head),
            responder: EchoResponder(),
            shape: { _ in .none },
            logger: logger,
            onRunning: { bound.continuation.yield($0.http) }
        )
        try await withServicesRunning([server], logger: logger) {
            var ports = bound.stream.makeAsyncIterator()
            try await body(try #require(await ports.next()))
        }
    }

    @Test func aKeptConnectionCarriesRequestAfterRequestWithTheListenersFraming() async throws {
        try await Self.withServer { port in
            try await ViewerConnection.open(port: port, from: nil) { connection in
                for index in 0..<3 {
                    let reply = try await connection.send(path: "/a/\(index)?x=1", hostHeader: "d1.cloudfront.net")
                    #expect(reply.status == 200 && String(buffer: reply.body) == "GET /a/\(index) x=1 0")
                    #expect(reply.headers["Content-Length"] == ["\(reply.body.readableBytes)"], "\(reply.headers)")
                    #expect(reply.header("Server") == "CloudFront" && reply.header("Date")?.hasSuffix(" GMT") == true)
                    #expect(reply.header("X-Host") == "d1.cloudfront.net")
                    let closing = connection.isClosing
                    #expect(!closing)
                }
                let posted = try await connection.send(method: .POST, path: "/up", body: ByteBuffer(repeating: 7, count: 100_000))
                #expect(String(buffer: posted.body) == "POST /up - 100000")
            }
        }
    }

    /// The client's response deadline: a response that does not come fails its request, while
    /// a request sent after a pause, or late in the deadline of the one before it, is answered.
    /// (One watchdog per connection keeps the deadline, re-armed for the request in flight.)
    @Test(.timeLimit(.minutes(1))) func aResponseThatDoesNotComeFailsItsRequestAndNoOtherOne() async throws {
        try await Self.withServer { port in
            try await ViewerConnection.open(port: port, from: nil, responseTimeout: .seconds(2)) { connection in
                #expect(try await connection.send(path: "/first").status == 200)
                // The first request's deadline passes while the next one is in flight.
                try await Task.sleep(for: .milliseconds(1_970))
                #expect(try await connection.send(path: "/slow").status == 200)
                // Idle past every deadline, then asked again.
                try await Task.sleep(for: .seconds(3))
                #expect(try await connection.send(path: "/again").status == 200)
                await #expect(throws: (any Error).self) { try await connection.send(path: "/hang") }
            }
        }
    }

    /// Slow clients: a head that trickles in, each line resetting the idle timer, still has to
    /// end within the head time (here 1 s, the idle time 5 s: the 408 can only be the head
    /// clock's); a body that stops coming gets 408 at the idle time. Both are closed, and the
    /// listener goes on answering. The trickle stops before the head time is up, so no byte
    /// reaches a closed socket (which would answer with a reset).
    @Test(.timeLimit(.minutes(1))) func aHeadThatTricklesInOrABodyThatStopsGets408AndAClose() async throws {
        try await Self.withServer(idle: .seconds(5), head: .seconds(1)) { port in
            let slowloris = try await RawConnection.exchange(
                "GET /slow-head HTTP/1.1\r\nHost: x\r\n",
                trickle: (Array(repeating: "X-Slow: 1\r\n", count: 3), .milliseconds(100)),
                port: port
            )
            #expect(slowloris.hasPrefix("HTTP/1.1 408 Request Timeout\r\n") && slowloris.contains("did not arrive within 1 s"), "\(slowloris)")
            let stalled = try await RawConnection.exchange("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhello", port: port)
            #expect(stalled.hasPrefix("HTTP/1.1 408 Request Timeout\r\n") && stalled.contains("stopped arriving"), "\(stalled)")
            let quick = try await RawConnection.exchange("GET /q HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            #expect(quick.hasPrefix("HTTP/1.1 200 OK\r\n") && quick.hasSuffix("GET /q - 0"), "\(quick)")
        }
    }

    @Test func aClientThatExpectsContinueGetsItBeforeTheAnswer() async throws {
        try await Self.withServer { port in
            let raw = try await RawConnection.exchange(
                "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
                port: port
            )
            #expect(raw.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") && raw.hasSuffix("POST /up - 5"), "\(raw)")
        }
    }

    @Test func headGetsTheLengthOfTheBodyItLeavesOut() async throws {
        try await Self.withServer { port in
            let raw = try await RawConnection.exchange("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            // The GET's body would be "HEAD /h - 0": 11 bytes.
            #expect(raw.hasPrefix("HTTP/1.1 200 OK\r\n") && raw.contains("Content-Length: 11\r\n"), "\(raw)")
            #expect(raw.hasSuffix("\r\n\r\n"), "a HEAD answer has no body: \(raw)")
            let empty = try await RawConnection.exchange("GET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            #expect(empty.hasPrefix("HTTP/1.1 204 No Content\r\n") && !empty.contains("Content-Length") && empty.hasSuffix("\r\n\r\n"), "\(empty)")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await Self.withServer { port in
            let requests =
                "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let raw = try await RawConnection.exchange(requests, port: port)
            let bodies = ["GET /slow - 0", "GET /fast - 0", "GET /last - 0"].map { raw.range(of: $0)?.lowerBound }
            #expect(bodies.allSatisfy { $0 != nil } && bodies == bodies.sorted { $0! < $1! }, "\(raw)")
            #expect(raw.components(separatedBy: "HTTP/1.1 200 OK").count == 4 && raw.contains("Connection: close\r\n"))
        }
    }

    /// A pipelined request whose body is still arriving when the one before it is answered:
    /// the connection reads on for the rest of it.
    @Test func aPipelinedRequestWhoseBodyComesLaterIsStillRead() async throws {
        try await Self.withServer { port in
            let raw = try await RawConnection.exchange(
                "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\nhello",
                then: "world",
                port: port
            )
            #expect(raw.contains("GET /slow - 0") && raw.hasSuffix("POST /up - 10"), "\(raw)")
        }
    }

    @Test func connectionsCloseWhenTheViewerAsksOrSpeaksHTTP10() async throws {
        try await Self.withServer { port in
            // Each exchange ends only when the server closes the connection.
            let asked = try await RawConnection.exchange("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            #expect(asked.contains("Connection: close\r\n") && asked.hasSuffix("GET /c - 0"))
            let old = try await RawConnection.exchange("GET /o HTTP/1.0\r\n\r\n", port: port)
            #expect(old.hasPrefix("HTTP/1.1 200 OK") && old.hasSuffix("GET /o - 0") && old.contains("X-Host: -"))
            let absolute = try await RawConnection.exchange("GET http://d1.example/p/q?r=s HTTP/1.0\r\nHost: d1.example\r\n\r\n", port: port)
            #expect(absolute.hasSuffix("GET /p/q r=s 0"), "\(absolute)")
        }
    }

    @Test func oversizedAndMalformedRequestsGetCloudFrontsAnswerAndAClose() async throws {
        try await Self.withServer { port in
            let longURL = try await RawConnection.exchange("GET /\(String(repeating: "u", count: 9_000)) HTTP/1.1\r\nHost: x\r\n\r\n", port: port)
            #expect(longURL.hasPrefix("HTTP/1.1 413 ") && longURL.contains("X-Cache: Error from cloudfront"), "\(longURL.prefix(200))")
            let padded = "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "p", count: 25_000))\r\n\r\n"
            #expect(try await RawConnection.exchange(padded, port: port).hasPrefix("HTTP/1.1 413 "))
            let garbage = try await RawConnection.exchange("NOT HTTP AT ALL\r\n\r\n", port: port)
            #expect(garbage.hasPrefix("HTTP/1.1 400 ") && garbage.contains("Connection: close"), "\(garbage)")
            // The listener still serves.
            let after = try await RawConnection.exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            #expect(after.hasSuffix("GET /ok - 0"))
        }
    }

    @Test func originFormKeepsThePathAndQueryOfAnyTarget() {
        #expect(IncomingRequest(head: HTTPRequest(method: .get, scheme: "http", authority: nil, path: "/a?b=c#d")).path == "/a")
        #expect(IncomingRequest(head: HTTPRequest(method: .get, scheme: "http", authority: nil, path: "/a?b=c#d")).query == "b=c")
        #expect(IncomingRequest(head: HTTPRequest(method: .get, scheme: "http", authority: nil, path: "/a")).query == nil)
        #expect(IncomingRequest(head: HTTPRequest(method: .get, scheme: "http", authority: nil, path: "?q")).path == "/")
    }

    @Test func theDateIsIMFFixdate() {
        #expect(HTTPDateCache.format(1_796_122_766) == "Tue, 01 Dec 2026 10:59:26 GMT")
        #expect(HTTPDateCache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}
