import Foundation
import Testing

@testable import Launcher

/// The edges' shared port, held on real loopback addresses with real sockets.
@Suite struct SharedPortTests {
    let hosts = ["127.0.99.1", "127.0.99.2"]

    @Test func aHeldPortRefusesOtherNetworksButLetsItsEdgesListen() throws {
        let held = try SharedPort.reserve(on: hosts)
        for host in hosts {
            // Another network's check binds without SO_REUSEADDR: refused, so it draws again.
            #expect(Socket.bind(host, port: held.port, reusingAddress: false) == nil)
            // An edge binds with SO_REUSEADDR and listens; a restarted one can again.
            for _ in 0..<2 {
                let edge = try #require(Socket.bind(host, port: held.port, reusingAddress: true))
                #expect(listen(edge, 8) == 0)
                // Once one listens, nobody else may bind the port, with SO_REUSEADDR or not.
                #expect(Socket.bind(host, port: held.port, reusingAddress: true) == nil)
                close(edge)
            }
        }
    }

    @Test func networksStartingTogetherHoldDifferentPortsAndReleaseThem() throws {
        var ports: [Int] = []
        do {
            let held = try (0..<20).map { _ in try SharedPort.reserve(on: hosts) }
            ports = held.map(\.port)
            #expect(Set(ports).count == ports.count)
            #expect(ports.allSatisfy { (20_000...32_767).contains($0) })
        }
        // Released when the network stops: the ports are free again.
        for port in ports { #expect(Socket.bind(hosts[0], port: port, reusingAddress: false).map { close($0) } != nil) }
    }

    @Test func theHTTPSPortIsNeverTheHTTPOneAndNoHostsHoldNothing() throws {
        let http = try SharedPort.reserve(on: hosts)
        #expect(try SharedPort.reserve(on: hosts, except: http.port).port != http.port)
        #expect(try SharedPort.reserve(on: []).port == 0)
    }
}

/// Plain BSD sockets for the checks, as a node or another launcher would make them.
private enum Socket {
    static func bind(_ host: String, port: Int, reusingAddress: Bool) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var on: Int32 = 1
        if reusingAddress { setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
