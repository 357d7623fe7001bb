import Foundation

/// One TCP port held on several loopback addresses, for edges that share a port on addresses
/// of their own, from before the edges start until the network stops.
///
/// Checking that a port is free and closing the check before the edges bind leaves a window
/// of seconds (the origins and hubs start in it) in which another network starting on the
/// same addresses — a parallel test — may draw the same port and bind it first. So the port
/// stays held: on each address a socket is bound with `SO_REUSEADDR` and never listens.
/// Linux lets another `SO_REUSEADDR` socket bind beside it and listen while none listens
/// yet, which is what an edge (and a restarted edge) does; a check like ours, which binds
/// without `SO_REUSEADDR`, is refused, so another network draws another port.
final class SharedPort: Sendable {
    /// The port held.
    let port: Int
    private let descriptors: [Int32]

    private init(port: Int, descriptors: [Int32]) {
        self.port = port
        self.descriptors = descriptors
    }

    deinit { for descriptor in descriptors { close(descriptor) } }

    /// Holds a port that no socket has on any of `hosts`, drawn at random below Linux's
    /// ephemeral range (32768–60999), so that the kernel never hands it to another socket's
    /// port 0 either; with no hosts, port 0 and nothing held.
    /// - Throws: ``LaunchError`` when no such port turns up in a hundred draws.
    static func reserve(on hosts: [String], except taken: Int = 0) throws -> SharedPort {
        guard let first = hosts.first else { return SharedPort(port: 0, descriptors: []) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let port = Int.random(in: 20_000...32_767, using: &generator)
            guard port != taken, hosts.allSatisfy({ isFree($0, port: port) }) else { continue }
            let held = hosts.compactMap { hold($0, port: port) }
            if held.count == hosts.count { return SharedPort(port: port, descriptors: held) }
            for descriptor in held { close(descriptor) }
        }
        throw LaunchError(node: "up", problem: "no TCP port is free on all of \(hosts.count) edge addresses (\(first) …)")
    }

    /// Whether a socket without `SO_REUSEADDR` can bind the port: nothing else has it, not
    /// even a connection in TIME_WAIT or another network's hold.
    private static func isFree(_ host: String, port: Int) -> Bool {
        guard let descriptor = bound(host, port: port, reusingAddress: false) else { return false }
        close(descriptor)
        return true
    }

    /// The bound, never listening socket that holds the port on one address.
    private static func hold(_ host: String, port: Int) -> Int32? { bound(host, port: port, reusingAddress: true) }

    private static func bound(_ host: String, port: Int, reusingAddress: Bool) -> Int32? {
        // Close-on-exec: the nodes the launcher starts must not inherit a hold.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var on: Int32 = 1
        if reusingAddress { setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result =
            inet_pton(AF_INET, host, &address.sin_addr) == 1
            ? withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } : -1
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
