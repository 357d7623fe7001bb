import CDNCore
import NIOCore
import Testing

@Suite struct LinkScheduleTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func ms(_ value: Int64) -> TimeAmount { .milliseconds(value) }

    @Test func eachChunkWaitsOneWayFromItsOwnArrivalWithoutAccumulating() {
        var schedule = LinkSchedule(shape: LinkShape(oneWay: .milliseconds(10)), openedAt: Self.start, payHandshake: false, seed: 1)
        #expect(schedule.release(arrival: Self.start, bytes: 100) == Self.start + Self.ms(10))
        #expect(schedule.release(arrival: Self.start + Self.ms(1), bytes: 100) == Self.start + Self.ms(11))
        #expect(schedule.release(arrival: Self.start + Self.ms(50), bytes: 100) == Self.start + Self.ms(60))
    }

    @Test func theFirstBytesOfANewConnectionAlsoPayTheHandshake() {
        var schedule = LinkSchedule(shape: LinkShape(oneWay: .milliseconds(10)), openedAt: Self.start, payHandshake: true, seed: 1)
        // Sent at once: they leave after the 20 ms handshake, then cross in 10 ms.
        #expect(schedule.release(arrival: Self.start + Self.ms(1), bytes: 100) == Self.start + Self.ms(30))
        // Bytes sent after the handshake would have finished pay nothing extra.
        #expect(schedule.release(arrival: Self.start + Self.ms(40), bytes: 100) == Self.start + Self.ms(50))
    }

    @Test func jitterNeverReordersAndStaysWithinItsBound() {
        let shape = LinkShape(oneWay: .milliseconds(5), jitter: .milliseconds(20))
        var schedule = LinkSchedule(shape: shape, openedAt: Self.start, payHandshake: false, seed: 7)
        var last = Self.start
        for step in 0..<1_000 {
            let arrival = Self.start + .microseconds(Int64(step) * 100)
            let release = schedule.release(arrival: arrival, bytes: 10)
            #expect(release >= last)
            #expect(release >= arrival + Self.ms(5))
            #expect(release <= max(last, arrival + Self.ms(25)))
            last = release
        }
    }

    @Test func theSameSeedGivesTheSameRun() {
        let shape = LinkShape(oneWay: .milliseconds(5), jitter: .milliseconds(20), loss: 0.1)
        func run() -> [NIODeadline] {
            var schedule = LinkSchedule(shape: shape, openedAt: Self.start, payHandshake: false, seed: 42)
            return (0..<100).map { schedule.release(arrival: Self.start + Self.ms(Int64($0) * 30), bytes: 10) }
        }
        #expect(run() == run())
    }

    @Test func aLostChunkArrivesOneRetransmissionTimeoutLate() {
        let shape = LinkShape(oneWay: .milliseconds(5), loss: 1)
        var schedule = LinkSchedule(shape: shape, openedAt: Self.start, payHandshake: false, seed: 1)
        #expect(schedule.release(arrival: Self.start, bytes: 10) == Self.start + Self.ms(205))
    }

    @Test func bandwidthSpacesLargeTransfersOut() {
        // 8 Mbit/s: 100,000 bytes take 100 ms to transmit.
        let shape = LinkShape(oneWay: .milliseconds(10), bandwidth: 8_000_000)
        var schedule = LinkSchedule(shape: shape, openedAt: Self.start, payHandshake: false, seed: 1)
        #expect(schedule.release(arrival: Self.start, bytes: 100_000) == Self.start + Self.ms(110))
        #expect(schedule.release(arrival: Self.start, bytes: 100_000) == Self.start + Self.ms(210))
    }
}
