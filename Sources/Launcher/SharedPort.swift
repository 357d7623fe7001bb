import Foundation

/// Finds one TCP port free on several loopback addresses, for edges that share a port on
/// addresses of their own.
enum SharedPort {
    /// A port that each address can bind now, drawn at random below Linux's ephemeral range
    /// (32768–60999): the kernel never hands it to another socket's port 0 while the edges
    /// start, and two networks starting at the same moment (parallel tests) do not draw alike.
    /// - Throws: ``LaunchError`` when no such port turns up in a few tries.
    static func find(on hosts: [String], except taken: Int = 0) throws -> Int {
        guard let first = hosts.first else { return 0 }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let port = Int.random(in: 20_000...32_767, using: &generator)
            if port != taken, hosts.allSatisfy({ bind($0, port: port) != nil }) { return port }
        }
        throw LaunchError(node: "up", problem: "no TCP port is free on all of \(hosts.count) edge addresses (\(first) …)")
    }

    /// Binds and closes a socket; returns the port it got.
    private static func bind(_ host: String, port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: actual.sin_port))
    }
}
