import Testing
import Topology

@testable import CDNCore

/// The byte-level Server-Timing reader, held against the plain string reading it replaced
/// (kept here as the oracle) on hand-picked and generated values.
@Suite struct ServerTimingParsingTests {
    /// The reading as it was written first, on Strings: split, trim, compare.
    static func oracle(_ value: String) -> [(String, Duration?, String?)] {
        var entries: [(String, Duration?, String?)] = []
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimming(" \t") }
            guard let name = parts.first, !name.isEmpty else { continue }
            var entry: (String, Duration?, String?) = (name, nil, nil)
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimming(" \t") }
                guard pair.count == 2 else { continue }
                switch pair[0] {
                // A number no duration holds (infinite, or past Int64's nanoseconds) is left out.
                case "dur": entry.1 = Double(pair[1]).flatMap { Int64(exactly: ($0 * 1e6).rounded(.towardZero)) }.map { .nanoseconds($0) }
                case "desc": entry.2 = pair[1].trimming("\"")
                default: break
                }
            }
            entries.append(entry)
        }
        return entries
    }

    static func same(_ value: String) -> Bool {
        let parsed = ServerTiming(parsing: value).entries.map { ($0.name, $0.duration, $0.detail) }
        let expected = oracle(value)
        return parsed.count == expected.count
            && zip(parsed, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 }
    }

    @Test func readsWhatNodesWrite() {
        let timing = ServerTiming(parsing: "cdn-pop;desc=\"NRT50\", cdn-cache-miss, cdn-hit-layer;desc=\"Origin\", edge;dur=0.41, hub;dur=2.05")
        #expect(timing.detail("cdn-pop") == "NRT50" && timing.contains("cdn-cache-miss") && timing.detail("cdn-hit-layer") == "Origin")
        #expect(timing.duration("edge") == .nanoseconds(410_000) && timing.duration("hub") == .nanoseconds(Int64(2.05 * 1e6)))
    }

    @Test func agreesWithTheStringReadingOnEdgeCases() {
        let cases = [
            "", ",", ",,", " , ", ";", "a", "a;", ";a", " a ;dur=1", "a;dur=", "a;=1", "a;dur==2", "a;dur = 3 ;desc = \" x \"",
            "a;desc=\"\"", "a;desc=\"q", "a;desc= \"quoted\" ", "a;dur=x", "a;dur=1e3", "a;bogus=1;dur=2", "\ta\t;\tdur=4\t",
            "a;dur=1,b;dur=2,,c", "a;;dur=5", "é;desc=\"Zürich\"", "a;desc=\"x,y\"", "a ; desc",
        ]
        for value in cases { #expect(Self.same(value), "\(value)") }
    }

    @Test func agreesWithTheStringReadingOnGeneratedValues() {
        let alphabet = Array("ab ,;=\"\t.1d-urescé")
        var random = SeededRandom(seed: 7)
        for _ in 0..<3000 {
            let length = Int(random.next() % 24)
            let value = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            #expect(Self.same(value), "\(value.debugDescription)")
        }
    }

    /// A `dur` argument in the usual form is read from its digits, not through `Double("…")`:
    /// held against `Double("…")` on the forms nodes write, the ones they do not, and generated
    /// numbers of up to 18 digits with the point anywhere.
    @Test func readsDurationsAsDoubleDoes() {
        var forms = [
            "0", "12.34", "0.41", "2.05", "007", "1.", ".5", ".", "1e3", "1E-2", "-1", "+2", "123456789012345", "1234567890123456",
            "1234567890123456789", "1.2.3", "99.99", "0.001", "0.1", "0.3", "9007199254740993", "inf", "nan", "0x10", "1_0",
        ]
        var random = SeededRandom(seed: 11)
        for _ in 0..<5_000 {
            let digits = (0..<Int(1 + random.next() % 18)).map { _ in Character(String(random.next() % 10)) }
            let point = Int(random.next() % UInt64(digits.count + 2))
            var text = String(digits)
            if point <= digits.count { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            forms.append(text)
        }
        for form in forms { #expect(Self.same("a;dur=\(form)"), "\(form)") }
    }

    /// Durations are written from integer hundredths as `Double` prints the rounded value: held
    /// against that printing over a spread of durations.
    @Test func writesMillisecondsAsTheDoublePrintingDid() {
        var random = SeededRandom(seed: 7)
        var durations: [Duration] = [.zero, .nanoseconds(4_999), .nanoseconds(5_000), .milliseconds(2), .microseconds(80), .seconds(3_600)]
        for _ in 0..<5_000 { durations.append(.nanoseconds(Int64(random.next() % 10_000_000_000))) }
        for duration in durations {
            let oracle = String(((Double(duration.nanoseconds) / 1e6) * 100).rounded() / 100)
            #expect(ServerTiming.milliseconds(duration) == oracle, "\(duration)")
        }
    }
}
