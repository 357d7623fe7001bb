import NIOCore
import NIOPosix

/// Asks a DNS server for a name's A records from a given source address, as a viewer's stub
/// resolver would: one UDP query, bound to the viewer's address so the server routes by it.
public enum DNSClient {
    /// The A records for a name.
    /// - Parameters:
    ///   - name: The name.
    ///   - server: The DNS server's address.
    ///   - port: Its port.
    ///   - source: The address to ask from (the viewer's), or `nil`.
    ///   - timeout: How long to wait for the answer.
    /// - Returns: The addresses, in the answer's order; empty for NXDOMAIN or no data.
    /// - Throws: When no answer comes in time.
    public static func resolve(
        _ name: String,
        server: String,
        port: Int,
        from source: String?,
        timeout: Duration = .seconds(1)
    ) async throws -> [String] {
        let query = DNSMessage.query(name)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: source ?? "0.0.0.0", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let target = try SocketAddress(ipAddress: server, port: port)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: query)))
            return try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    var iterator = inbound.makeAsyncIterator()
                    guard let reply = try await iterator.next() else { throw DNSMessage.Malformed("no answer") }
                    return try DNSMessage.addresses(in: Array(reply.data.readableBytesView))
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw DNSMessage.Malformed("no answer from \(server):\(port) within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? []
            }
        }
    }
}

extension DNSMessage {
    /// A query for a name's A records, with recursion desired.
    public static func query(_ name: String, id: UInt16 = .random(in: 0...UInt16.max)) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") { bytes += [UInt8(min(63, label.utf8.count))] + Array(label.utf8.prefix(63)) }
        bytes += [0, 0, 1, 0, 1]
        return bytes
    }

    /// The IPv4 addresses of a response's A records.
    /// - Throws: ``Malformed`` when the response cannot be read.
    public static func addresses(in response: [UInt8]) throws(Malformed) -> [String] {
        var reader = Reader(response)
        _ = try reader.u16()
        let flags = try reader.u16()
        guard flags & 0x8000 != 0 else { throw Malformed("not a response") }
        let (questions, answers) = (try reader.u16(), try reader.u16())
        _ = try reader.bytes(4)
        for _ in 0..<questions {
            _ = try reader.name()
            _ = try reader.bytes(4)
        }
        var found: [String] = []
        for _ in 0..<answers {
            _ = try reader.name()
            let type = try reader.u16()
            _ = try reader.bytes(6)
            let data = try reader.bytes(Int(try reader.u16()))
            if type == RecordType.a, data.count == 4 { found.append(data.map(String.init).joined(separator: ".")) }
        }
        return found
    }
}
