import Foundation
import Testing

@testable import Topology

/// One way to break ``Fixtures/base``, and where the problem must be reported.
struct BrokenFile: CustomTestStringConvertible, Sendable {
    var name: String
    /// Replacements of whole lines (1-based) of the base file.
    var lines: [Int: String] = [:]
    /// Text appended to the base file.
    var appended = ""
    var code: TopologyError.Code
    /// The line the problem must be reported on.
    var line: Int
    /// The text the reported column must point at, on that line.
    var token: String

    var testDescription: String { name }

    var yaml: String {
        var all = Fixtures.base.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (number, text) in lines { all[number - 1] = text }
        return all.joined(separator: "\n") + appended
    }

    /// The 1-based column of `token` on the expected line.
    var column: Int? {
        let text = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[line - 1]
        return text.range(of: token).map { text.distance(from: text.startIndex, to: $0.lowerBound) + 1 }
    }
}

@Suite struct ValidationTests {
    static let cases: [BrokenFile] = [
        BrokenFile(name: "YAML syntax", lines: [18: "    origins: [site"], code: .syntax, line: 19, token: ":"),
        BrokenFile(
            name: "duplicate key",
            lines: [8: "  NRT50: { location: osaka, hub: ap-northeast-1 }"],
            code: .duplicateID,
            line: 7,
            token: "NRT50"
        ),
        BrokenFile(name: "id used in two sections", lines: [13: "  NRT50: { location: osaka }"], code: .duplicateID, line: 13, token: "NRT50"),
        BrokenFile(
            name: "edge names a missing hub",
            lines: [7: "  NRT50: { location: tokyo, hub: ap-northeast-9 }"],
            code: .unknownReference,
            line: 7,
            token: "ap-northeast-9"
        ),
        BrokenFile(name: "unknown location", lines: [12: "  home: { location: tokio }"], code: .unknownReference, line: 12, token: "tokio"),
        BrokenFile(name: "unknown origin", lines: [18: "    origins: [site, cdn]"], code: .unknownReference, line: 18, token: "cdn"),
        BrokenFile(name: "unknown function", lines: [22: "          viewer-request: authz:1"], code: .unknownReference, line: 22, token: "authz:1"),
        BrokenFile(
            name: "latitude out of range",
            lines: [3: "  osaka: { lat: 134.6937, lon: 135.5023 }"],
            code: .outOfRange,
            line: 3,
            token: "134.6937"
        ),
        BrokenFile(name: "longitude out of range", lines: [3: "  osaka: { lat: 34.6937, lon: -181 }"], code: .outOfRange, line: 3, token: "-181"),
        BrokenFile(
            name: "port out of range",
            lines: [7: "  NRT50: { location: tokyo, hub: ap-northeast-1, port: 70000 }"],
            code: .outOfRange,
            line: 7,
            token: "70000"
        ),
        BrokenFile(
            name: "malformed unit",
            lines: [12: "  home: { location: tokyo, access: 8 parsecs }"],
            code: .malformedUnit,
            line: 12,
            token: "8 parsecs"
        ),
        BrokenFile(name: "missing unit", lines: [12: "  home: { location: tokyo, access: 8 }"], code: .malformedUnit, line: 12, token: "8 }"),
        BrokenFile(
            name: "$LATEST",
            lines: [22: "          viewer-request: auth:$LATEST"],
            code: .invalidAssociation,
            line: 22,
            token: "auth:$LATEST"
        ),
        BrokenFile(name: "no version", lines: [22: "          viewer-request: auth"], code: .invalidAssociation, line: 22, token: "auth"),
        BrokenFile(
            name: "alias instead of version",
            lines: [22: "          viewer-request: auth:live"],
            code: .invalidAssociation,
            line: 22,
            token: "auth:live"
        ),
        BrokenFile(
            name: "include_body on a response event",
            lines: [22: "          viewer-response: { function: auth, version: 1, include_body: true }"],
            code: .invalidAssociation,
            line: 22,
            token: "{"
        ),
        BrokenFile(
            name: "unknown event type",
            lines: [22: "          viewer-reqest: auth:1"],
            code: .invalidAssociation,
            line: 22,
            token: "viewer-reqest"
        ),
        BrokenFile(
            name: "viewer function over the 5 s limit",
            lines: [15: "  auth: { runtime: nodejs20.x, handler: index.handler, code: fn, timeout: 10 s }"],
            code: .limitExceeded,
            line: 22,
            token: "auth:1"
        ),
        BrokenFile(
            name: "hub cut from the registry",
            appended: "links:\n  - between: [ap-northeast-1, registry]\n    loss: 100%\n",
            code: .unreachable,
            line: 5,
            token: "ap-northeast-1"
        ),
        BrokenFile(
            name: "viewer cut from every edge",
            appended: "links:\n  - between: [home, NRT50]\n    loss: 100%\n  - between: [KIX50, home]\n    loss: 100%\n",
            code: .unreachable,
            line: 12,
            token: "home"
        ),
        BrokenFile(
            name: "edge that cannot reach the origin",
            appended: "links:\n  - between: [ap-northeast-1, site]\n    loss: 100%\n",
            code: .unreachable,
            line: 7,
            token: "NRT50"
        ),
        BrokenFile(
            name: "override below the fibre floor",
            appended: "links:\n  - between: [office, NRT50]\n    rtt: 1 ms\n",
            code: .belowFibreFloor,
            line: 25,
            token: "1 ms"
        ),
        BrokenFile(
            name: "link that the network does not have",
            appended: "links:\n  - between: [home, ap-northeast-1]\n    rtt: 10 ms\n",
            code: .invalidValue,
            line: 24,
            token: "home"
        ),
        BrokenFile(name: "misspelt field", lines: [10: "  site: { location: tokyo, statik: site }"], code: .unknownField, line: 10, token: "statik"),
        BrokenFile(name: "missing field", lines: [7: "  NRT50: { location: tokyo }"], code: .missingField, line: 7, token: "{"),
        BrokenFile(name: "list where a mapping belongs", lines: [5: "  ap-northeast-1: [tokyo]"], code: .wrongType, line: 5, token: "["),
        BrokenFile(
            name: "text where a number belongs",
            lines: [3: "  osaka: { lat: north, lon: 135.5023 }"],
            code: .wrongType,
            line: 3,
            token: "north"
        ),
        BrokenFile(
            name: "POP id not in CloudFront's style",
            lines: [8: "  kix: { location: osaka, hub: ap-northeast-1 }"],
            code: .invalidValue,
            line: 8,
            token: "kix"
        ),
        BrokenFile(
            name: "unknown runtime",
            lines: [15: "  auth: { runtime: ruby3.3, handler: index.handler, code: fn }"],
            code: .invalidValue,
            line: 15,
            token: "ruby3.3"
        ),
        BrokenFile(
            name: "missing static folder",
            lines: [10: "  site: { location: tokyo, static: nowhere }"],
            code: .invalidValue,
            line: 10,
            token: "nowhere"
        ),
        BrokenFile(
            name: "TTLs out of order",
            lines: [21: "        ttl: { min: 1 d, default: 1 h }", 22: ""],
            code: .outOfRange,
            line: 21,
            token: "{"
        ),
        BrokenFile(
            name: "unknown time zone",
            lines: [2: "  tokyo: { lat: 35.6762, lon: 139.6503, time_zone: Asia/Tokio }"],
            code: .invalidValue,
            line: 2,
            token: "Asia/Tokio"
        ),
        BrokenFile(
            name: "price class with none of the edges",
            lines: [18: "    origins: [site]\n    price_class: PriceClass_100"],
            code: .unreachable,
            line: 19,
            token: "PriceClass_100"
        ),
        BrokenFile(
            name: "price class over an edge with no country",
            lines: [3: "  osaka: { lat: 34.6937, lon: 135.5023 }", 18: "    origins: [site]\n    price_class: PriceClass_200"],
            code: .missingField,
            line: 19,
            token: "PriceClass_200"
        ),
        BrokenFile(
            name: "unknown price class",
            lines: [18: "    origins: [site]\n    price_class: PriceClass_300"],
            code: .invalidValue,
            line: 19,
            token: "PriceClass_300"
        ),
        BrokenFile(
            name: "unknown origin SSL protocol",
            lines: [
                10: "  site: { location: tokyo, static: site }\n  api: { location: tokyo, url: \"https://a.example:8443\", ssl_protocols: [TLSv1.3] }"
            ],
            code: .invalidValue,
            line: 11,
            token: "TLSv1.3"
        ),
        BrokenFile(
            name: "origin SSL protocols on an http-only origin",
            lines: [
                10: "  site: { location: tokyo, static: site }\n  api: { location: tokyo, url: \"http://a.example\", ssl_protocols: [TLSv1.2] }"
            ],
            code: .invalidValue,
            line: 11,
            token: "[TLSv1.2]"
        ),
        BrokenFile(
            name: "origin port CloudFront does not allow",
            lines: [10: "  site: { location: tokyo, static: site }\n  api: { location: tokyo, url: \"https://a.example\", https_port: 444 }"],
            code: .outOfRange,
            line: 11,
            token: "444"
        ),
        BrokenFile(
            name: "unknown security policy",
            lines: [18: "    origins: [site]\n    security_policy: TLSv1.2_2020"],
            code: .invalidValue,
            line: 19,
            token: "TLSv1.2_2020"
        ),
        BrokenFile(
            name: "unknown HTTP versions",
            lines: [18: "    origins: [site]\n    http_versions: http4"],
            code: .invalidValue,
            line: 19,
            token: "http4"
        ),
        BrokenFile(
            name: "unknown viewer protocol policy",
            lines: [20: "      - path: /api/*\n        viewer_protocol_policy: redirect-to-http"],
            code: .invalidValue,
            line: 21,
            token: "redirect-to-http"
        ),
        BrokenFile(
            name: "unknown routing locator",
            lines: [18: "    origins: [site]\n    routing: { locate_by: dns }"],
            code: .invalidValue,
            line: 19,
            token: "dns"
        ),
        BrokenFile(
            name: "malformed anycast share",
            lines: [18: "    origins: [site]\n    routing: { second_nearest: lots }"],
            code: .malformedUnit,
            line: 19,
            token: "lots"
        ),
        BrokenFile(
            name: "resolver at an unknown location",
            lines: [13: "  office: { location: osaka, resolver: tokio }"],
            code: .unknownReference,
            line: 13,
            token: "tokio"
        ),
    ]

    @Test(arguments: cases)
    func reportsTheProblemWhereItIs(broken: BrokenFile) throws {
        let report = try Fixtures.check(broken.yaml)
        #expect(report.topology == nil)
        let column = try #require(broken.column, "test case token not on its line")
        let match = report.diagnostics.first { $0.code == broken.code && $0.location?.line == broken.line && $0.location?.column == column }
        #expect(
            match != nil,
            "expected \(broken.code) at \(broken.line):\(column); got:\n\(report.diagnostics.map(\.description).joined(separator: "\n"))"
        )
        #expect(match?.location?.file == "test.yaml")
        #expect(match?.description.hasPrefix("test.yaml:\(broken.line):\(column): error: ") == true)
    }

    /// `init_durations` takes a duration per runtime, by family or Lambda identifier, up to 10 s.
    @Test func modelledInitDurationsAreReadPerRuntimeAndChecked() throws {
        let topology = try Fixtures.load(Fixtures.base + "init_durations: { nodejs20.x: 180 ms, python: 0.25 s }\n")
        #expect(topology.modelledInitDurations == [.nodejs: .milliseconds(180), .python: .milliseconds(250)])
        #expect(try Fixtures.load(Fixtures.base).modelledInitDurations.isEmpty)

        let line = Fixtures.base.split(separator: "\n", omittingEmptySubsequences: false).count
        for (text, code, token) in [
            ("init_durations: { ruby: 1 s }", TopologyError.Code.unknownField, "ruby"),
            ("init_durations: { nodejs: 11 s }", .outOfRange, "11 s"),
            ("init_durations: { python: soon }", .malformedUnit, "soon"),
        ] {
            let report = try Fixtures.check(Fixtures.base + text + "\n")
            let column = text.distance(from: text.startIndex, to: text.range(of: token)!.lowerBound) + 1
            #expect(report.topology == nil)
            #expect(
                report.diagnostics.contains { $0.code == code && $0.location?.line == line && $0.location?.column == column },
                "\(text): \(report.diagnostics.map(\.description))"
            )
        }
    }

    /// `spare_workers` is a whole number from 0 to 4, 1 when absent.
    @Test func spareWorkersAreAWholeNumberUpToFour() throws {
        #expect(try Fixtures.load(Fixtures.base + "spare_workers: 0\n").spareWorkers == 0)
        #expect(try Fixtures.load(Fixtures.base).spareWorkers == 1)
        let line = Fixtures.base.split(separator: "\n", omittingEmptySubsequences: false).count
        for (value, code) in [("5", TopologyError.Code.outOfRange), ("-1", .outOfRange), ("two", .wrongType)] {
            let report = try Fixtures.check(Fixtures.base + "spare_workers: \(value)\n")
            #expect(report.topology == nil)
            #expect(
                report.diagnostics.contains { $0.code == code && $0.location?.line == line && $0.location?.column == 16 },
                "\(value): \(report.diagnostics.map(\.description))"
            )
        }
    }

    @Test func theBaseFileIsValid() throws {
        let report = try Fixtures.check(Fixtures.base)
        #expect(report.topology != nil)
        #expect(report.diagnostics.allSatisfy { $0.severity == .warning }, "\(report.diagnostics)")
    }

    @Test func everyProblemIsListedNotJustTheFirst() throws {
        let broken = BrokenFile(
            name: "three problems",
            lines: [
                3: "  osaka: { lat: 134.6937, lon: 135.5023 }", 7: "  NRT50: { location: tokyo, hub: nowhere-9 }",
                12: "  home: { location: tokyo, access: 8 }",
            ],
            code: .outOfRange,
            line: 3,
            token: "134"
        )
        let report = try Fixtures.check(broken.yaml)
        #expect(report.diagnostics.map(\.location?.line) == [3, 7, 12])
    }

    @Test func suggestsTheNameAUserMeant() throws {
        let yaml = Fixtures.base.replacingOccurrences(of: "hub: ap-northeast-1 }\n  KIX50", with: "hub: ap-northeast-l }\n  KIX50")
        let report = try Fixtures.check(yaml)
        #expect(report.diagnostics.contains { $0.message.contains("did you mean 'ap-northeast-1'?") })
    }

    @Test func unusedPartsAreWarningsNotErrors() throws {
        let yaml = Fixtures.base.replacingOccurrences(
            of: "    origins: [site]\n    behaviors:",
            with: "    origins: [site]\n    edges: [NRT50]\n    behaviors:"
        )
        let report = try Fixtures.check(yaml)
        #expect(report.topology != nil)
        #expect(report.diagnostics.contains { $0.severity == .warning && $0.message.contains("edge 'KIX50' serves no distribution") })
    }
}
