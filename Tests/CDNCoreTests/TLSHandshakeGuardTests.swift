import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import CDNCore

/// The guard in front of a TLS connection, on an embedded loop whose time the test moves: a
/// handshake that stalls is closed at its deadline and counted; one that finishes is left alone.
@Suite struct TLSHandshakeGuardTests {
    static func guarded() throws -> (EmbeddedChannel, EmbeddedEventLoop, TLSHandshakeGuard, Failures) {
        let failures = Failures()
        let loop = EmbeddedEventLoop()
        let guardian = TLSHandshakeGuard(timeout: .seconds(10), logger: Logger(label: "test")) { failures.count() }
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        try channel.pipeline.syncOperations.addHandler(guardian)
        return (channel, loop, guardian, failures)
    }

    @Test func aStalledHandshakeIsClosedAtItsDeadlineAndCounted() throws {
        let (channel, loop, _, failures) = try Self.guarded()
        loop.advanceTime(by: .seconds(9))
        #expect(channel.isActive, "not a moment before its deadline")
        loop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(failures.total == 1)
    }

    @Test func aFinishedHandshakeIsLeftAloneAndNotCounted() throws {
        let (channel, loop, guardian, failures) = try Self.guarded()
        guardian.handshakeDone()
        try channel.pipeline.syncOperations.removeHandler(guardian).wait()
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
        #expect(failures.total == 0)
    }

    @Test func aConnectionThatEndsBeforeItsHandshakeIsCountedOnce() throws {
        let (channel, _, _, failures) = try Self.guarded()
        _ = try channel.finish()
        #expect(failures.total == 1, "closed, then torn down: one failure")
    }
}

/// How many failures the guard reported.
final class Failures: Sendable {
    private let value = Mutex(0)
    func count() { value.withLock { $0 += 1 } }
    var total: Int { value.withLock { $0 } }
}
