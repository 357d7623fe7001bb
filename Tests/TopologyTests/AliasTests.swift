import Foundation
import Testing

@testable import Topology

/// A distribution's alternate domain names (CNAMEs): checked where written, unique across
/// distributions, covered by its own certificate, and found by any name they cover.
@Suite struct AliasTests {
    /// The base topology with a second distribution beside the first; `first` and `second` are
    /// the lines each distribution gains.
    static func check(first: String, second: String = "") throws -> TopologyLoader.Report {
        var yaml = Fixtures.base.replacingOccurrences(of: "    origins: [site]\n", with: "    origins: [site]\n" + first)
        yaml += "  E2TEST000002:\n    origins: [site]\n" + second
        return try Fixtures.check(yaml)
    }

    @Test func aliasesAreNamesOfTheirDistribution() throws {
        let report = try Self.check(first: "    aliases: [www.example.test, \"*.shop.example.test\"]\n")
        let topology = try #require(report.topology, "\(report.diagnostics)")
        let first = try #require(topology.distribution("E2TEST000001"))
        #expect(first.aliases == ["www.example.test", "*.shop.example.test"])
        #expect(first.names == [first.domainName, "www.example.test", "*.shop.example.test"])
        #expect(topology.distribution("www.example.test")?.id == "E2TEST000001")
    }

    @Test(arguments: [
        ("    aliases: [WWW.example.test]\n", "", "is not a lower-case DNS name", 19, 15),
        ("    aliases: [\"*.*.example.test\"]\n", "", "is not a lower-case DNS name", 19, 15),
        ("    aliases: [www.example.test, www.example.test]\n", "", "names 'www.example.test' twice", 19, 33),
        ("    aliases: [www.example.test]\n", "    aliases: [www.example.test]\n", "already a name of distribution 'E2TEST000001'", 26, 15),
        ("    aliases: [www.example.test]\n", "    domain: www.example.test\n", "which distribution 'E2TEST000001' already answers to", 26, 13),
    ])
    func aBadAliasIsAnErrorWhereItIsWritten(_ first: String, _ second: String, message: String, line: Int, column: Int) throws {
        let report = try Self.check(first: first, second: second)
        #expect(report.topology == nil)
        let diagnostic = try #require(report.diagnostics.first { $0.message.contains(message) }, "\(report.diagnostics)")
        #expect(diagnostic.location?.line == line && diagnostic.location?.column == column, "\(diagnostic)")
    }

    @Test func moreThanCloudFrontsHundredAliasesIsAnError() throws {
        let names = (1...101).map { "a\($0).example.test" }.joined(separator: ", ")
        let report = try Self.check(first: "    aliases: [\(names)]\n")
        #expect(report.diagnostics.contains { $0.code == .limitExceeded && $0.message.contains("101 aliases") }, "\(report.diagnostics)")
    }

    @Test func anExactNameWinsOverAWildcardWhichCoversOneLabel() {
        let directory = HostDirectory([(["d1.cloudfront.net", "*.example.test"], "wild"), (["www.example.test"], "exact")])
        #expect(directory.value(for: "WWW.example.test") == "exact")
        #expect(directory.value(for: "shop.example.test") == "wild")
        #expect(directory.value(for: "a.shop.example.test") == nil)
        #expect(directory.value(for: "example.test") == nil)
        #expect(directory.value(for: "d1.cloudfront.net") == "wild")
    }
}
