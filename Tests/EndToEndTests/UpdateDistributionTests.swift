import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// UpdateDistribution on a running network, as the AWS CLI, boto3 and `edgesim distribution`
/// make it: the config edited and sent back with its ETag reaches every edge, CloudFront's
/// refusals come back with CloudFront's codes, and an association removed through the config
/// or `edgesim associate --remove` stops running.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct UpdateDistributionTests {
    static let distribution = "E2UPDATE00001"

    static func topology() throws -> URL {
        let folder = URL.scratchFolder("update-distribution")
        try folder.write(files: ["site/index.html": "<h1>home</h1>\n", "site/img/a.txt": "image\n"])
        let headers = CLI.packageRoot.appendingPathComponent("examples/cloudfront-functions/security-headers.js").path
        return try folder.writeTokyoTopology(
            name: "update-distribution",
            origins: "site: { location: tokyo, static: site, cache_control: \"max-age=3600\" }",
            """
            functions:
              headers: { runtime: cloudfront-js-2.0, code: \(headers) }
            distributions:
              \(distribution):
                domain: update.example.test
                origins: [site]
                behaviors:
                  - { path: /img/*, origin: site, functions: { viewer-response: headers } }
                  - { path: "*", origin: site, functions: { viewer-response: headers } }
            """
        )
    }

    /// Edits a `get-distribution-config` output in Python, as a user's script would, and
    /// writes the `DistributionConfig` alone for `--distribution-config file://…` (`file`) and
    /// the whole output with its ETag (`whole`).
    static func edit(_ output: String, _ statements: String) async throws -> (etag: String, file: URL, whole: URL) {
        let folder = URL.scratchFolder("update-distribution-edit")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("got.json")
        let file = folder.appendingPathComponent("config.json")
        let whole = folder.appendingPathComponent("whole.json")
        try Data(output.utf8).write(to: input)
        let script = """
            import json, sys
            got = json.load(open(sys.argv[1]))
            c = got["DistributionConfig"]
            \(statements)
            json.dump(c, open(sys.argv[2], "w"))
            json.dump(got, open(sys.argv[3], "w"))
            print(got["ETag"])
            """
        let python = try await CLI.run(external: "/usr/bin/env", ["python3", "-c", script, input.path, file.path, whole.path])
        #expect(python.status == 0, "\(python.stderr)")
        return (python.stdout.trimmingCharacters(in: .whitespacesAndNewlines), file, whole)
    }

    /// Asks until `check` holds for the answer or the network plainly failed to apply it.
    static func eventually(
        _ network: RunningNetwork,
        _ path: String,
        _ check: (ViewerClient.Reply) -> Bool
    ) async throws -> ViewerClient.Reply {
        var reply = try await network.request(path, from: "tokyo-home")
        for _ in 0..<100 where !check(reply) {
            try await Task.sleep(for: .milliseconds(100))
            reply = try await network.request(path, from: "tokyo-home")
        }
        return reply
    }

    @Test func anUpdateThroughTheAWSCLIReachesTheEdgeAndCloudFrontsRefusalsComeBack() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let before = try await network.request("/img/a.txt", from: "tokyo-home")
            #expect(before.header("X-Frame-Options") == "DENY", "the viewer-response function runs before the update")
            #expect(try await network.request("/missing", from: "tokyo-home").status == 404)

            // get-distribution-config, edited: /img/* loses its function and moves to HTTPS;
            // a 404 becomes the home page.
            let got = try await CloudFrontAPITests.aws(network, ["get-distribution-config", "--id", Self.distribution])
            #expect(got.status == 0, "\(got.stderr)")
            let (etag, file, _) = try await Self.edit(
                got.stdout,
                """
                img = c["CacheBehaviors"]["Items"][0]
                img["FunctionAssociations"] = {"Quantity": 0}
                img["ViewerProtocolPolicy"] = "redirect-to-https"
                c["CustomErrorResponses"] = {"Quantity": 1, "Items": [{"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10}]}
                """
            )
            let updated = try await CloudFrontAPITests.aws(
                network,
                ["update-distribution", "--id", Self.distribution, "--if-match", etag, "--distribution-config", "file://\(file.path)"]
            )
            #expect(updated.status == 0, "\(updated.stderr)")
            let answer = try CloudFrontAPITests.json(updated.stdout)
            let newETag = try #require(answer["ETag"] as? String)
            #expect(newETag != etag)
            let config = (answer["Distribution"] as? [String: Any])?["DistributionConfig"] as? [String: Any]
            #expect((config?["CustomErrorResponses"] as? [String: Any])?["Quantity"] as? Int == 1, "\(updated.stdout)")

            // The same edit on the old ETag is refused: someone else's change would be lost.
            let stale = try await CloudFrontAPITests.aws(
                network,
                ["update-distribution", "--id", Self.distribution, "--if-match", etag, "--distribution-config", "file://\(file.path)"]
            )
            #expect(stale.status != 0 && stale.stderr.contains("(PreconditionFailed)"), "\(stale.stderr)")

            // boto3's waiter sees it Deployed; what a running network cannot change, or what
            // names something it does not have, is refused with CloudFront's code.
            let (endpoint, variables) = try CloudFrontAPITests.environment(network)
            let script = """
                import boto3, copy
                cf = boto3.client("cloudfront", endpoint_url="\(endpoint)")
                cf.get_waiter("distribution_deployed").wait(Id="\(Self.distribution)", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
                got = cf.get_distribution_config(Id="\(Self.distribution)")
                print("etag", got["ETag"] == "\(newETag)")
                def attempt(name, change):
                    config = copy.deepcopy(got["DistributionConfig"])
                    change(config)
                    try:
                        cf.update_distribution(Id="\(Self.distribution)", IfMatch=got["ETag"], DistributionConfig=config)
                        print(name, "accepted")
                    except cf.exceptions.ClientError as error:
                        print(name, error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"])
                attempt("alias", lambda c: c.update(Aliases={"Quantity": 1, "Items": ["www.example.test"]}))
                attempt("target", lambda c: c["DefaultCacheBehavior"].update(TargetOriginId="nowhere"))
                def another_origin(c):
                    extra = copy.deepcopy(c["Origins"]["Items"][0]); extra["Id"] = "elsewhere"
                    c["Origins"] = {"Quantity": 2, "Items": c["Origins"]["Items"] + [extra]}
                attempt("origin", another_origin)
                attempt("policy", lambda c: c["DefaultCacheBehavior"].update(CachePolicyId="00000000-0000-0000-0000-000000000000"))
                def at_origin(c):
                    c["DefaultCacheBehavior"]["FunctionAssociations"]["Items"][0]["EventType"] = "origin-request"
                attempt("cff-at-origin", at_origin)
                print("etag after", cf.get_distribution_config(Id="\(Self.distribution)")["ETag"] == "\(newETag)")
                """
            let python = try await CLI.run(external: "/usr/bin/env", variables + ["python3", "-c", script])
            #expect(python.status == 0, "\(python.stderr)")
            #expect(
                python.stdout.split(separator: "\n").map(String.init) == [
                    "etag True", "alias IllegalUpdate 400", "target NoSuchOrigin 404", "origin NoSuchOrigin 404",
                    "policy NoSuchCachePolicy 404", "cff-at-origin InvalidFunctionAssociation 400", "etag after True",
                ],
                "\(python.stdout)\(python.stderr)"
            )

            // The edge serves the new config.
            let image = try await Self.eventually(network, "/img/a.txt") { $0.status == 301 }
            #expect(image.status == 301, "redirect-to-https on /img/*")
            #expect(image.header("Location")?.hasPrefix("https://update.example.test:") == true)
            let missing = try await Self.eventually(network, "/missing") { $0.status == 200 }
            #expect(missing.status == 200 && String(buffer: missing.body) == "<h1>home</h1>\n", "the custom error response")
            #expect(missing.header("X-Frame-Options") == nil, "viewer-response does not run on a custom error page")
            let home = try await network.request("/", from: "tokyo-home")
            #expect(home.header("X-Frame-Options") == "DENY", "the default behavior keeps its function")
        }
    }

    @Test func associationsRemovedByAssociateAndByEdgesimDistributionUpdateStopRunning() async throws {
        try await withNetwork(try Self.topology().path) { network in
            let state = network.stateDirectory.path
            #expect(try await network.request("/img/a.txt", from: "tokyo-home").header("X-Frame-Options") == "DENY")

            // edgesim associate --remove takes the default behavior's function away.
            let removed = try await CLI.run(["associate", Self.distribution, "--event", "viewer-response", "--remove", "--state-dir", state])
            #expect(removed.status == 0, "\(removed.stderr)")
            let home = try await Self.eventually(network, "/") { $0.header("X-Frame-Options") == nil }
            #expect(home.status == 200 && home.header("X-Frame-Options") == nil, "the default behavior no longer runs headers")
            #expect(try await network.request("/img/a.txt", from: "tokyo-home").header("X-Frame-Options") == "DENY")

            // GetDistributionConfig shows it gone; edgesim distribution get|update takes /img/*'s too.
            let folder = URL.scratchFolder("update-distribution-cli")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let saved = folder.appendingPathComponent("config.json")
            let got = try await CLI.run(["distribution", "get", Self.distribution, "--out", saved.path, "--state-dir", state])
            #expect(got.status == 0, "\(got.stderr)")
            let text = try String(contentsOf: saved, encoding: .utf8)
            let (_, _, edited) = try await Self.edit(
                text,
                """
                assert c["DefaultCacheBehavior"]["FunctionAssociations"]["Quantity"] == 0, c["DefaultCacheBehavior"]
                c["CacheBehaviors"]["Items"][0]["FunctionAssociations"] = {"Quantity": 0}
                """
            )
            let update = try await CLI.run(["distribution", "update", Self.distribution, "--config", edited.path, "--wait", "--state-dir", state])
            #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
            #expect(update.stdout.contains("Deployed"), "\(update.stdout)")
            let image = try await network.request("/img/a.txt", from: "tokyo-home")
            #expect(image.status == 200 && image.header("X-Frame-Options") == nil, "deployed means the edge has it")

            // The saved file is stale now: its ETag is refused.
            let stale = try await CLI.run(["distribution", "update", Self.distribution, "--config", saved.path, "--state-dir", state])
            #expect(stale.status != 0 && stale.stderr.contains("PreconditionFailed"), "\(stale.stderr)")
        }
    }
}
