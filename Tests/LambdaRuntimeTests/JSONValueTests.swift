import CDNCore
import Foundation
import Testing

@testable import LambdaRuntime

/// The result parser, held against Foundation's `JSONSerialization` (the parser it replaced) as
/// an oracle: the same values from valid text, a refusal wherever Foundation refuses.
@Suite struct JSONValueTests {
    /// Foundation's reading of a text, as a ``JSONValue``; `nil` where Foundation refuses it.
    static func oracle(_ text: String) -> JSONValue? {
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        return value(of: any)
    }

    static func value(of any: Any) -> JSONValue {
        switch any {
        case is NSNull: return .null
        case let text as String: return .string(text)
        // Foundation's booleans are NSNumbers of their own class (and 1 casts to Bool).
        case let number as NSNumber where "\(type(of: number))" == "__NSCFBoolean": return .bool(number.boolValue)
        case let number as NSNumber: return .number(number.doubleValue)
        case let list as [Any]: return .array(list.map(value(of:)))
        case let map as [String: Any]: return .object(map.mapValues(value(of:)))
        default:
            Issue.record("unexpected \(type(of: any))")
            return .null
        }
    }

    @Test func readsWhatFoundationReads() {
        let texts = [
            #"{"uri":"/a","headers":{"host":[{"key":"Host","value":"x"}]},"n":-12.5e3,"t":true,"f":false,"z":null}"#,
            #"  [1, 2.25, -0, 0.5E-2, 1e2, "", [], {}]  "#,
            #""escapes: \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude42 \u0000""#,
            #"{"a":1,"a":2}"#,
            "\"straight UTF-8: é 🙂 日本\"",
            "123456789012", "-7", "0", "true", "null",
        ]
        for text in texts {
            let parsed = JSONValue(parsing: Array(text.utf8))
            #expect(parsed != nil, "\(text)")
            #expect(parsed == Self.oracle(text), "\(text)")
        }
    }

    @Test func refusesWhatIsNotJSON() {
        let texts = [
            "", " ", "{", "}", "01", "1.", ".5", "-", "1e", "+1", "0x10", "tru", "nul", "[1 2]", #"{"a" 1}"#,
            #"{a:1}"#, #""\x""#, #""\u12""#, "\"a\u{01}b\"", "\"unterminated", "NaN", "Infinity", "1 2", "{} {}", "'a'",
        ]
        for text in texts {
            #expect(JSONValue(parsing: Array(text.utf8)) == nil, "\(text)")
            #expect(Self.oracle(text) == nil, "Foundation accepts \(text)")
        }
        // Foundation allows a trailing comma; JSON (and `JSON.parse`) does not.
        for text in ["[1,]", #"{"a":1,}"#] { #expect(JSONValue(parsing: Array(text.utf8)) == nil, "\(text)") }
    }

    @Test func refusesNestingPastItsDepthWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONValue(parsing: Array(deep.utf8)) == nil)
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(JSONValue(parsing: Array(fine.utf8)) != nil)
    }

    @Test func aLoneSurrogateBecomesTheReplacementCharacter() {
        #expect(JSONValue(parsing: Array(#""\ud83d x""#.utf8)) == .string("\u{FFFD} x"))
        #expect(JSONValue(parsing: Array(#""\ude42""#.utf8)) == .string("\u{FFFD}"))
        #expect(JSONValue(parsing: Array(#""\ud83d\u0041""#.utf8)) == .string("\u{FFFD}A"))
    }

    /// Seeded random values, written by Foundation and read back by both.
    @Test func readsGeneratedValuesAsFoundationDoes() throws {
        var random = SeededRandom(seed: 14)
        for _ in 0..<2_000 {
            let any = Self.generate(depth: 0, &random)
            let data = try JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])
            let text = String(decoding: data, as: UTF8.self)
            #expect(JSONValue(parsing: Array(data)) == Self.oracle(text), "\(text)")
        }
    }

    /// Short decimals (read without `strtod`) and their neighbours past 15 digits or with an
    /// exponent (read with it) come out as `strtod` reads them, to the bit.
    @Test func readsDecimalsAsStrtodDoes() {
        var random = SeededRandom(seed: 15)
        for _ in 0..<5_000 {
            let digits = 1 + Int(random.next() % 17)
            var text = String(random.next() % 9 + 1) + (1..<digits).map { _ in String(random.next() % 10) }.joined()
            let point = Int(random.next() % UInt64(digits + 1))
            if point > 0, point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            if point == digits, random.next() % 4 == 0 { text = "0." + text }
            if random.next() % 2 == 0 { text = "-" + text }
            if random.next() % 8 == 0 { text += "e\(Int(random.next() % 40) - 20)" }
            let parsed = JSONValue(parsing: Array(text.utf8))?.number
            #expect(parsed?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    static func generate(depth: Int, _ random: inout SeededRandom) -> Any {
        let pieces = ["a", "é", "🙂", "\"", "\\", "/", "\n", "\t", "\u{01}", " ", "key", "日本", "\u{7F}"]
        func text() -> String { (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined() }
        switch random.next() % (depth > 3 ? 5 : 7) {
        case 0: return NSNull()
        case 1: return random.next() % 2 == 0
        case 2: return Int(Int64(bitPattern: random.next()) >> Int(random.next() % 63))
        case 3: return Double(Int64(bitPattern: random.next()) % 1_000_000) / 64
        case 4: return text()
        case 5: return (0..<Int(random.next() % 4)).map { _ in generate(depth: depth + 1, &random) }
        default: return Dictionary((0..<Int(random.next() % 4)).map { _ in (text(), generate(depth: depth + 1, &random)) }, uniquingKeysWith: { $1 })
        }
    }
}
