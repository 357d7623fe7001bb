/// The small part of the DNS wire format (RFC 1035, EDNS(0) RFC 6891, Client Subnet RFC 7871)
/// an authoritative GeoDNS server needs: read one question, answer it with A records, NXDOMAIN
/// or no data. Every read is bounds-checked; anything malformed throws, so the server can drop
/// the packet without harm.
public enum DNSMessage {
    /// Record types and classes used here.
    public enum RecordType {
        public static let a: UInt16 = 1
        public static let aaaa: UInt16 = 28
        public static let opt: UInt16 = 41
        public static let any: UInt16 = 255
    }

    /// Response codes used here.
    public enum ResponseCode: UInt8, Sendable {
        case noError = 0
        case formatError = 1
        case serverFailure = 2
        case nameError = 3
        case notImplemented = 4
        case refused = 5
    }

    /// A client's subnet as EDNS Client Subnet carries it.
    public struct ClientSubnet: Sendable, Equatable {
        /// 1 for IPv4, 2 for IPv6.
        public var family: UInt16
        /// The significant bits of the address.
        public var sourcePrefix: UInt8
        /// The address, padded with zero bytes to its family's length.
        public var address: [UInt8]

        /// The IPv4 address as text, if this is IPv4.
        public var ipv4: String? { family == 1 && address.count == 4 ? address.map(String.init).joined(separator: ".") : nil }
    }

    /// One query, as far as an answer needs it.
    public struct Query: Sendable, Equatable {
        public var id: UInt16
        /// Whether the client asked for recursion (echoed back).
        public var recursionDesired: Bool
        /// The name, lowercased, without the final dot.
        public var name: String
        public var type: UInt16
        public var recordClass: UInt16
        /// The question section's bytes, echoed in the answer.
        public var question: [UInt8]
        /// The EDNS payload size, when the query had an OPT record.
        public var ednsPayloadSize: UInt16?
        /// The client subnet, when the query carried one.
        public var clientSubnet: ClientSubnet?
    }

    /// A message that cannot be read.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads a query: exactly one question, not a response, standard opcode.
    /// - Throws: ``Malformed`` for anything else or anything truncated.
    public static func parseQuery(_ bytes: [UInt8]) throws(Malformed) -> Query {
        var reader = Reader(bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        guard flags & 0x8000 == 0 else { throw Malformed("a response, not a query") }
        guard (flags >> 11) & 0xF == 0 else { throw Malformed("opcode \((flags >> 11) & 0xF) is not a standard query") }
        let (questions, answers, authorities, additionals) = (try reader.u16(), try reader.u16(), try reader.u16(), try reader.u16())
        guard questions == 1 else { throw Malformed("\(questions) questions; exactly one is answered") }
        let questionStart = reader.offset
        let name = try reader.name()
        let type = try reader.u16()
        let recordClass = try reader.u16()
        var query = Query(
            id: id,
            recursionDesired: flags & 0x0100 != 0,
            name: name,
            type: type,
            recordClass: recordClass,
            question: Array(bytes[questionStart..<reader.offset])
        )
        for _ in 0..<(Int(answers) + Int(authorities)) { try reader.skipRecord() }
        for _ in 0..<additionals {
            let owner = try reader.name()
            let recordType = try reader.u16()
            let recordClassOrSize = try reader.u16()
            _ = try reader.u32()
            let length = Int(try reader.u16())
            let data = try reader.bytes(length)
            guard recordType == RecordType.opt else { continue }
            guard owner.isEmpty, query.ednsPayloadSize == nil else { throw Malformed("a second or misplaced OPT record") }
            query.ednsPayloadSize = recordClassOrSize
            query.clientSubnet = try clientSubnet(in: data)
        }
        return query
    }

    /// The answer to a query.
    /// - Parameters:
    ///   - query: The query.
    ///   - code: The response code.
    ///   - addresses: IPv4 addresses for A records (only with `noError`).
    ///   - ttl: Their time to live, in seconds.
    public static func response(to query: Query, code: ResponseCode, addresses: [[UInt8]] = [], ttl: UInt32 = 0) -> [UInt8] {
        var out: [UInt8] = []
        put16(&out, query.id)
        let flags: UInt16 = 0x8000 | 0x0400 | (query.recursionDesired ? 0x0100 : 0) | UInt16(code.rawValue)  // QR, AA, RD echoed
        put16(&out, flags)
        put16(&out, 1)
        put16(&out, UInt16(addresses.count))
        put16(&out, 0)
        put16(&out, query.ednsPayloadSize == nil ? 0 : 1)
        out += query.question
        for address in addresses {
            out += [0xC0, 0x0C]  // the question's name
            put16(&out, RecordType.a)
            put16(&out, 1)
            put32(&out, ttl)
            put16(&out, 4)
            out += address
        }
        if query.ednsPayloadSize != nil {
            // OPT: root owner, our payload size, no extended flags; the subnet echoed with the
            // scope the answer holds for (the whole source prefix).
            out.append(0)
            put16(&out, RecordType.opt)
            put16(&out, 1232)
            put32(&out, 0)
            if let subnet = query.clientSubnet {
                let address = Array(subnet.address.prefix((Int(subnet.sourcePrefix) + 7) / 8))
                put16(&out, UInt16(8 + address.count))
                put16(&out, 8)
                put16(&out, UInt16(4 + address.count))
                put16(&out, subnet.family)
                out += [subnet.sourcePrefix, subnet.sourcePrefix]
                out += address
            } else {
                put16(&out, 0)
            }
        }
        return out
    }

    // MARK: Reading

    private static func clientSubnet(in data: [UInt8]) throws(Malformed) -> ClientSubnet? {
        var reader = Reader(data)
        var found: ClientSubnet?
        while reader.remaining > 0 {
            let code = try reader.u16()
            let length = Int(try reader.u16())
            var option = Reader(try reader.bytes(length))
            guard code == 8 else { continue }
            let family = try option.u16()
            let sourcePrefix = try option.u8()
            _ = try option.u8()
            let size = family == 1 ? 4 : family == 2 ? 16 : 0
            guard size > 0, Int(sourcePrefix) <= size * 8 else { throw Malformed("client subnet family \(family) / prefix \(sourcePrefix)") }
            let significant = (Int(sourcePrefix) + 7) / 8
            guard option.remaining == significant else { throw Malformed("client subnet address of \(option.remaining) bytes for /\(sourcePrefix)") }
            let address = try option.bytes(significant) + Array(repeating: 0, count: size - significant)
            found = ClientSubnet(family: family, sourcePrefix: sourcePrefix, address: address)
        }
        return found
    }

    private static func put16(_ out: inout [UInt8], _ value: UInt16) { out += [UInt8(value >> 8), UInt8(value & 0xFF)] }

    private static func put32(_ out: inout [UInt8], _ value: UInt32) {
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// A bounds-checked cursor.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var remaining: Int { bytes.count - offset }

        mutating func u8() throws(Malformed) -> UInt8 {
            guard offset < bytes.count else { throw Malformed("truncated at byte \(offset)") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u16() throws(Malformed) -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }

        mutating func u32() throws(Malformed) -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

        mutating func bytes(_ count: Int) throws(Malformed) -> [UInt8] {
            guard count >= 0, count <= remaining else { throw Malformed("a field of \(count) bytes runs past the end") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        /// A name of labels. Compression pointers are followed only backwards, so a loop cannot
        /// form; the whole name may not pass 255 bytes (RFC 1035).
        mutating func name() throws(Malformed) -> String {
            var labels: [String] = []
            var cursor = offset
            var jumped = false
            var length = 0
            while true {
                guard cursor < bytes.count else { throw Malformed("a name runs past the end") }
                let size = Int(bytes[cursor])
                if size & 0xC0 == 0xC0 {
                    guard cursor + 1 < bytes.count else { throw Malformed("a cut compression pointer") }
                    let target = (size & 0x3F) << 8 | Int(bytes[cursor + 1])
                    guard target < cursor else { throw Malformed("a compression pointer that does not point back") }
                    if !jumped { offset = cursor + 2 }
                    jumped = true
                    cursor = target
                    continue
                }
                guard size & 0xC0 == 0 else { throw Malformed("label type \(size >> 6) is not supported") }
                cursor += 1
                if size == 0 { break }
                guard cursor + size <= bytes.count else { throw Malformed("a label runs past the end") }
                length += size + 1
                guard length <= 255 else { throw Malformed("a name longer than 255 bytes") }
                labels.append(String(decoding: bytes[cursor..<cursor + size], as: UTF8.self).lowercased())
                cursor += size
            }
            if !jumped { offset = cursor }
            return labels.joined(separator: ".")
        }

        mutating func skipRecord() throws(Malformed) {
            _ = try name()
            _ = try bytes(8)
            _ = try bytes(Int(try u16()))
        }
    }
}
