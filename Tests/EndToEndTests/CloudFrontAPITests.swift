import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// CloudFront's own API on the registry, driven by the AWS CLI and boto3 unchanged with
/// `--endpoint-url`: the distributions, their configs and ETags, invalidations that reach every
/// edge and hub, and CloudFront's errors.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CloudFrontAPITests {
    static let distribution = "E2APITEST0001"

    static func topology() throws -> URL {
        let folder = URL.scratchFolder("cloudfront-api")
        try folder.write(files: ["site/index.html": "<h1>api</h1>\n"])
        return try folder.writeTokyoTopology(
            name: "cloudfront-api",
            origins: "site: { location: tokyo, static: site, cache_control: \"max-age=3600\" }",
            "distributions:\n  \(distribution):\n    domain: api.example.test\n    origins: [site]"
        )
    }

    /// What the SDKs need: the endpoint, the network's CA, and its token as the access key.
    static func environment(_ network: RunningNetwork, key: String? = nil) throws -> (endpoint: String, variables: [String]) {
        let registry = try network.node("registry")
        let token = try String(contentsOf: network.stateDirectory.appendingPathComponent("registry/token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let ca = try #require(network.state.certificateAuthority)
        return (
            "https://127.0.0.1:\(registry.port)",
            [
                "AWS_ACCESS_KEY_ID=\(key ?? token)", "AWS_SECRET_ACCESS_KEY=unused", "AWS_DEFAULT_REGION=us-east-1", "AWS_CA_BUNDLE=\(ca)",
                "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
            ]
        )
    }

    static func aws(_ network: RunningNetwork, _ arguments: [String], key: String? = nil) async throws -> CLI.Result {
        let (endpoint, variables) = try environment(network, key: key)
        return try await CLI.run(
            external: "/usr/bin/env",
            variables + ["aws", "cloudfront"] + arguments + ["--endpoint-url", endpoint, "--output", "json"]
        )
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func theAWSCLIAndBoto3DriveTheNetworkAsTheyDriveCloudFront() async throws {
        try await withNetwork(try Self.topology().path) { network in
            // ListDistributions, GetDistribution and GetDistributionConfig.
            let list = try Self.json(try await Self.aws(network, ["list-distributions"]).stdout)
            let items = ((list["DistributionList"] as? [String: Any])?["Items"] as? [[String: Any]]) ?? []
            #expect(items.map { $0["Id"] as? String } == [Self.distribution], "\(list)")
            #expect(items.first?["DomainName"] as? String == "api.example.test")
            let got = try await Self.aws(network, ["get-distribution", "--id", Self.distribution])
            #expect(got.status == 0, "\(got.stderr)")
            let distribution = try Self.json(got.stdout)
            let etag = try #require(distribution["ETag"] as? String)
            let body = try #require(distribution["Distribution"] as? [String: Any])
            #expect(body["Status"] as? String == "Deployed")
            let config = try #require(body["DistributionConfig"] as? [String: Any])
            let origins = ((config["Origins"] as? [String: Any])?["Items"] as? [[String: Any]]) ?? []
            #expect(origins.map { $0["Id"] as? String } == ["site"])
            #expect((config["DefaultCacheBehavior"] as? [String: Any])?["TargetOriginId"] as? String == "site")
            let configOnly = try Self.json(try await Self.aws(network, ["get-distribution-config", "--id", Self.distribution]).stdout)
            #expect(configOnly["ETag"] as? String == etag)

            // CloudFront's errors, as the CLI reports them.
            let missing = try await Self.aws(network, ["get-distribution", "--id", "E2NOSUCHDIST1"])
            #expect(missing.status != 0 && missing.stderr.contains("(NoSuchDistribution)"), "\(missing.stderr)")
            let stranger = try await Self.aws(
                network,
                ["create-invalidation", "--distribution-id", Self.distribution, "--paths", "/x"],
                key: "AKIAEXAMPLE"
            )
            #expect(stranger.status != 0 && stranger.stderr.contains("(InvalidClientTokenId)"), "\(stranger.stderr)")

            // An invalidation through the CLI empties the edge's cache, then reads Completed.
            let warm = try await network.request("/index.html", from: "tokyo-home")
            #expect(warm.status == 200)
            #expect(try await network.request("/index.html", from: "tokyo-home").header("X-Cache") == "Hit from cloudfront")
            let created = try await Self.aws(network, ["create-invalidation", "--distribution-id", Self.distribution, "--paths", "/index.html"])
            #expect(created.status == 0, "\(created.stderr)")
            let invalidation = try #require((try Self.json(created.stdout)["Invalidation"] as? [String: Any])?["Id"] as? String)

            // boto3, with its own waiter, sees it complete; the same caller reference gives it back.
            let (endpoint, variables) = try Self.environment(network)
            let script = """
                import boto3, botocore
                cf = boto3.client("cloudfront", endpoint_url="\(endpoint)")
                cf.get_waiter("invalidation_completed").wait(DistributionId="\(Self.distribution)", Id="\(invalidation)", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
                print("status", cf.get_invalidation(DistributionId="\(Self.distribution)", Id="\(invalidation)")["Invalidation"]["Status"])
                batch = {"Paths": {"Quantity": 1, "Items": ["/a"]}, "CallerReference": "ref-1"}
                first = cf.create_invalidation(DistributionId="\(Self.distribution)", InvalidationBatch=batch)["Invalidation"]["Id"]
                again = cf.create_invalidation(DistributionId="\(Self.distribution)", InvalidationBatch=batch)["Invalidation"]["Id"]
                print("same", first == again)
                try:
                    cf.create_invalidation(DistributionId="\(Self.distribution)", InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/b"]}, "CallerReference": "ref-1"})
                except botocore.exceptions.ClientError as error:
                    print("conflict", error.response["Error"]["Code"])
                print("listed", len(cf.list_invalidations(DistributionId="\(Self.distribution)")["InvalidationList"]["Items"]))
                try:
                    cf.get_invalidation(DistributionId="\(Self.distribution)", Id="INOSUCH")
                except cf.exceptions.NoSuchInvalidation:
                    print("no such invalidation")
                """
            let python = try await CLI.run(external: "/usr/bin/env", variables + ["python3", "-c", script])
            #expect(python.status == 0, "\(python.stderr)")
            let lines = python.stdout.split(separator: "\n").map(String.init)
            #expect(
                lines == ["status Completed", "same True", "conflict InvalidationBatchAlreadyExists", "listed 2", "no such invalidation"],
                "\(python.stdout)\(python.stderr)"
            )
            #expect(
                try await network.request("/index.html", from: "tokyo-home").header("X-Cache") == "Miss from cloudfront",
                "the invalidation reached the edge"
            )

            // What is not served yet says so, in CloudFront's error XML.
            let update = try await Self.aws(network, ["delete-distribution", "--id", Self.distribution, "--if-match", etag])
            #expect(update.status != 0 && update.stderr.contains("(NotImplemented)"), "\(update.stderr)")
        }
    }
}
