import Foundation
import Testing

@testable import Topology

/// CloudFront Functions in a topology: their code, their runtimes' language, and CloudFront's
/// association rules, each problem reported where it is (the .js file's line and column for
/// the code's own).
@Suite struct CloudFrontFunctionTopologyTests {
    static let document = """
        locations:
          tokyo: { lat: 35.6762, lon: 139.6503, country: JP, city: Tokyo }
        hubs:
          ap-northeast-1: { location: tokyo }
        edges:
          NRT50: { location: tokyo, hub: ap-northeast-1 }
        origins:
          site: { location: tokyo, static: site }
        functions:
          rewrite: { runtime: cloudfront-js-1.0, code: fn/rewrite.js }
          modern: { runtime: cloudfront-js-2.0, code: fn/modern.js }
          auth: { runtime: nodejs20.x, handler: index.handler, code: fn }
        distributions:
          E2TEST000001:
            origins: [site]
            behaviors:
              - path: "*"
                functions:
                  BEHAVIOR

        """

    static let rewrite = "function handler(event) {\n    var request = event.request;\n    return request;\n}\n"
    static let modern = "import cf from 'cloudfront';\nasync function handler(event) {\n    const request = event.request;\n    return request;\n}\n"

    /// Checks the document with `functions` as the behavior's associations and the two .js
    /// files as given.
    static func check(_ functions: String, rewrite: String = rewrite, modern: String = modern) throws -> TopologyLoader.Report {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(rewrite.utf8).write(to: folder.appendingPathComponent("fn/rewrite.js"))
        try Data(modern.utf8).write(to: folder.appendingPathComponent("fn/modern.js"))
        let yaml = document.replacingOccurrences(of: "BEHAVIOR", with: functions)
        return TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
    }

    @Test func bothRuntimesLoadWithUnversionedAssociations() throws {
        let report = try Self.check("viewer-request: rewrite\n          viewer-response: modern")
        let topology = try #require(report.topology, "\(report.diagnostics)")
        let rewrite = try #require(topology.functions.first { $0.name == "rewrite" })
        #expect(rewrite.runtime == .cloudFrontJS1)
        #expect(rewrite.handler == "rewrite.js")
        let behavior = try #require(topology.distributions.first?.behaviors.first)
        #expect(behavior.functions[.viewerRequest]?.description == "rewrite:1")
        #expect(behavior.functions[.viewerResponse]?.description == "modern:1")
    }

    @Test func aCloudFrontFunctionBesideLambdaEdgeAtOriginEventsIsAllowed() throws {
        let report = try Self.check("viewer-request: rewrite\n          origin-request: auth:1")
        #expect(report.topology != nil, "\(report.diagnostics)")
    }

    @Test(arguments: [
        ("viewer-request: rewrite:1", "no numbered versions"),
        ("origin-request: rewrite", "only at viewer-request or viewer-response"),
        ("viewer-request: { function: rewrite, include_body: true }", "never see the request body"),
        ("viewer-request: rewrite\n          viewer-response: auth:1", "does not mix the two at viewer events"),
        ("viewer-response: modern\n          viewer-request: auth:1", "does not mix the two at viewer events"),
    ])
    func associationsBreakingCloudFrontsRulesAreRefused(associations: String, problem: String) throws {
        let report = try Self.check(associations)
        #expect(report.topology == nil)
        let found = report.diagnostics.first { $0.code == .invalidAssociation }
        #expect(found?.message.contains(problem) == true, "\(report.diagnostics)")
        #expect(found?.location?.file == "test.yaml")
    }

    @Test func runtime10sMissingKeywordsAreReportedAtTheirPlaceInTheJSFile() throws {
        let code = """
            function handler(event) {
                // const in a comment is fine, and so is 'let' in a string
                const request = event.request;
                return request;
            }

            """
        let report = try Self.check("viewer-request: rewrite", rewrite: code)
        #expect(report.topology == nil)
        let problems = report.diagnostics.filter { $0.location?.file == "fn/rewrite.js" }
        #expect(problems.count == 1, "\(report.diagnostics)")
        #expect(problems.first?.location?.line == 3)
        #expect(problems.first?.location?.column == 5)
        #expect(problems.first?.message.contains("'const' is not supported by cloudfront-js-1.0") == true)
    }

    @Test func aFunctionOver10KBIsRefusedAtItsCode() throws {
        let big = "function handler(event) { return event.request; }\n" + String(repeating: "// padding\n", count: 1_000)
        let report = try Self.check("viewer-request: rewrite", rewrite: big)
        #expect(report.topology == nil)
        let problem = report.diagnostics.first { $0.code == .limitExceeded }
        #expect(problem?.message.contains("FunctionSizeLimitExceeded") == true, "\(report.diagnostics)")
        #expect(problem?.location?.line == 10)
    }

    @Test func aCloudFrontFunctionHasNoHandlerMemoryOrTimeout() throws {
        let folder = try Fixtures.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.rewrite.utf8).write(to: folder.appendingPathComponent("fn/rewrite.js"))
        try Data(Self.modern.utf8).write(to: folder.appendingPathComponent("fn/modern.js"))
        let yaml = Self.document.replacingOccurrences(of: "BEHAVIOR", with: "viewer-request: rewrite")
            .replacingOccurrences(of: "code: fn/rewrite.js }", with: "code: fn/rewrite.js, timeout: 1 s }")
        let report = TopologyLoader.check(yaml: yaml, file: "test.yaml", baseDirectory: folder.path)
        #expect(report.diagnostics.contains { $0.code == .unknownField && $0.message.contains("has no 'timeout'") }, "\(report.diagnostics)")
    }
}

/// The scan behind the 1.0 check: words inside comments, strings, templates and regular
/// expressions are not code.
@Suite struct FunctionSourceCheckTests {
    @Test func wordsInsideLiteralsAndCommentsAreNotKeywords() {
        let source = """
            var a = 'let'; var b = "const"; /* async */ // await
            var c = `text ${ x + 1 } let`; var d = /let|const/g; var e = x.let; var f = 4 / 2;
            """
        #expect(FunctionSourceCheck.problems(in: source, runtime: .cloudFrontJS1).isEmpty)
    }

    @Test func codeInsideATemplatesSubstitutionIsCode() {
        let problems = FunctionSourceCheck.problems(in: "var t = `a ${ (function () { let x = 1; return x; })() } b`;", runtime: .cloudFrontJS1)
        #expect(problems.map(\.message).first?.contains("'let'") == true)
        #expect(problems.first?.column == 30)
    }

    @Test func runtime20AllowsWhat10Lacks() {
        #expect(FunctionSourceCheck.problems(in: "import cf from 'cloudfront';\nconst a = async () => await 1;", runtime: .cloudFrontJS2).isEmpty)
        let problems = FunctionSourceCheck.problems(in: "import cf from 'cloudfront';", runtime: .cloudFrontJS1)
        #expect(problems.first?.message.contains("'import' is not supported") == true)
    }
}
