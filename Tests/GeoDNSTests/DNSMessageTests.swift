import GeoDNS
import Logging
import NIOCore
import NIOPosix
import Testing

/// The DNS wire format: queries as dig sends them (with EDNS Client Subnet), answers as
/// resolvers read them, and hostile packets that must throw rather than crash.
@Suite struct DNSMessageTests {
    /// A query as `dig +subnet=… NAME` sends it: RD and AD set, one question, an OPT record.
    static func query(_ name: String, type: UInt16 = 1, id: UInt16 = 0xBEEF, subnet: [UInt8]? = nil, prefix: UInt8 = 24) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x20, 0, 1, 0, 0, 0, 0, 0, 1]
        for label in name.split(separator: ".") { bytes += [UInt8(label.utf8.count)] + Array(label.utf8) }
        bytes += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        var options: [UInt8] = []
        if let subnet {
            let significant = Array(subnet.prefix((Int(prefix) + 7) / 8))
            options = [0, 8, 0, UInt8(4 + significant.count), 0, 1, prefix, 0] + significant
        }
        bytes += [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, UInt8(options.count >> 8), UInt8(options.count & 0xFF)] + options
        return bytes
    }

    @Test func aQueryWithClientSubnetIsReadAndAnswered() throws {
        let query = try DNSMessage.parseQuery(Self.query("D123.Example.TEST", subnet: [127, 0, 1, 9], prefix: 32))
        #expect(query.id == 0xBEEF && query.recursionDesired && query.name == "d123.example.test" && query.type == 1)
        #expect(query.ednsPayloadSize == 1232 && query.clientSubnet?.ipv4 == "127.0.1.9" && query.clientSubnet?.sourcePrefix == 32)

        let reply = DNSMessage.response(to: query, code: .noError, addresses: [[127, 0, 2, 7]], ttl: 5)
        #expect(reply[0] == 0xBE && reply[1] == 0xEF)
        #expect(reply[2] & 0x80 != 0 && reply[2] & 0x04 != 0 && reply[3] & 0x0F == 0)  // response, authoritative, NOERROR
        #expect(reply[6] == 0 && reply[7] == 1)  // one answer
        let answer = Array(reply[(12 + query.question.count)...].prefix(16))
        #expect(answer == [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 127, 0, 2, 7])
        // The OPT record echoes the subnet with its scope.
        #expect(Array(reply.suffix(8)) == [0, 1, 32, 32, 127, 0, 1, 9])
    }

    @Test func aShortSubnetIsPaddedAndNameErrorsCarryNoAnswer() throws {
        let query = try DNSMessage.parseQuery(Self.query("x.test", subnet: [10, 1, 2], prefix: 24))
        #expect(query.clientSubnet?.address == [10, 1, 2, 0])
        let reply = DNSMessage.response(to: query, code: .nameError)
        #expect(reply[3] & 0x0F == 3 && reply[7] == 0)
    }

    @Test func hostilePacketsThrowInsteadOfCrashing() {
        let good = Self.query("d1.example.test", subnet: [127, 0, 1, 1])
        var cases: [[UInt8]] = [[], [0], Array(good.prefix(11)), Array(good.prefix(20)), Array(good.dropLast(3))]
        var loop = Array(good.prefix(12))
        loop += [0xC0, 12, 0, 1, 0, 1]  // a pointer to itself
        cases.append(loop)
        var response = good
        response[2] |= 0x80
        cases.append(response)
        var twoQuestions = good
        twoQuestions[5] = 2
        cases.append(twoQuestions)
        var longLabel = Array(good.prefix(12))
        longLabel += [63] + Array(repeating: 0x61, count: 70)
        cases.append(longLabel)
        var badSubnet = Self.query("d1.example.test", subnet: [1, 2, 3, 4], prefix: 32)
        badSubnet[badSubnet.count - 6] = 40  // /40 for IPv4
        cases.append(badSubnet)
        for bytes in cases {
            #expect(throws: DNSMessage.Malformed.self) { _ = try DNSMessage.parseQuery(bytes) }
        }
        // Random bytes: whatever they are, parsing returns or throws.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let size = Int.random(in: 0..<80, using: &generator)
            var bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count > 5, Bool.random(using: &generator) {
                bytes[2] &= 0x07
                bytes[4] = 0
                bytes[5] = 1
            }
            _ = try? DNSMessage.parseQuery(bytes)
        }
    }

    @Test func theServerAnswersOverUDPAndTCPAndDropsGarbage() async throws {
        let logger = Logger(label: "test")
        let server = try await DNSServer.bind(
            host: "127.0.0.1",
            port: 0,
            lookup: { query, source in
                query.name == "d1.example.test" ? .addresses([[127, 0, 2, source == "127.0.0.1" ? 1 : 2]], ttl: 5) : .nameError
            },
            logger: logger
        )
        let group = MultiThreadedEventLoopGroup.singleton

        // UDP: garbage first (no answer), then a real query.
        let udp = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
            }
        }
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: server.port)
        let udpAnswer = try await udp.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: [1, 2, 3])))
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: Self.query("d1.example.test"))))
            var iterator = inbound.makeAsyncIterator()
            return Array(try await iterator.next()?.data.readableBytesView ?? [])
        }
        #expect(udpAnswer.count > 12 && udpAnswer[3] & 0x0F == 0 && Array(udpAnswer.suffix(15).prefix(4)) == [127, 0, 2, 1], "\(udpAnswer)")

        // TCP: two length-prefixed queries on one connection.
        let tcp = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: server.port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let codes = try await tcp.executeThenClose { inbound, outbound in
            var codes: [UInt8] = []
            var buffer = ByteBuffer()
            var iterator = inbound.makeAsyncIterator()
            for name in ["d1.example.test", "other.test"] {
                let message = Self.query(name)
                try await outbound.write(ByteBuffer(bytes: [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message))
                while buffer.readableBytes < 2 || buffer.readableBytes < 2 + Int(buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) ?? 0) {
                    guard var chunk = try await iterator.next() else { break }
                    buffer.writeBuffer(&chunk)
                }
                let length = Int(buffer.readInteger(as: UInt16.self) ?? 0)
                let reply = buffer.readBytes(length: length) ?? []
                codes.append(reply.count > 3 ? reply[3] & 0x0F : 0xFF)
            }
            return codes
        }
        #expect(codes == [0, 3])
        try await server.close()
    }
}
