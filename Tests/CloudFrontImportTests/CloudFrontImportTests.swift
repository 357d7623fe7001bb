import Foundation
import Testing
import Topology

@testable import CloudFrontImport

/// `edgesim import cloudfront` on CloudFront's own JSON: what it maps, what it warns about by
/// JSON path, and the bad input it refuses with the path of what is wrong.
@Suite struct CloudFrontImportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = root.appendingPathComponent("examples/cloudfront-import/get-distribution-config.json").path
    static let functions = root.appendingPathComponent("examples/cloudfront-import/functions").path
    static let global = root.appendingPathComponent("topologies/global.yaml").path

    /// A scratch folder for the output and its made folders.
    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Imports, then loads the result as `up` would.
    static func importAndLoad(_ files: [String], origins: [String: String] = [:], in folder: URL) throws -> (Topology, CloudFrontImporter.Result) {
        let output = folder.appendingPathComponent("imported.yaml").path
        let result = try CloudFrontImporter.run(
            files: files,
            options: .init(onto: global, origins: origins, functions: functions, output: output)
        )
        try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
        let report = TopologyLoader.check(path: output)
        let topology = try #require(report.topology, "\(report.diagnostics)\n\(result.yaml)")
        return (topology, result)
    }

    /// A JSON document written to the scratch folder.
    static func write(_ json: String, as name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theSpecsExampleIsMappedFieldByField() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = folder.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let (topology, result) = try Self.importAndLoad([Self.example], origins: ["s3-site": site.path, "api": "http://127.0.0.1:9999"], in: folder)
        let distribution = try #require(topology.distributions.first)
        #expect(distribution.aliases == ["www.example.com"])
        #expect(distribution.origins == ["s3-site", "api"])
        #expect(distribution.defaultRootObject == "index.html")
        #expect(distribution.securityPolicy == .tlsv1_2_2021)
        #expect(distribution.httpVersions == .http2and3)
        #expect(distribution.geoRestriction == GeoRestriction(kind: .blacklist, countries: ["KP"]))
        #expect(distribution.logging == StandardLogging(bucket: "logs-bucket.s3.amazonaws.com", prefix: "cf/"))
        #expect(
            distribution.errorResponses[404]
                == CustomErrorResponse(errorCode: 404, page: .init(path: "/errors/404.html", responseCode: 404), cachingMinimumTTL: .seconds(10))
        )
        #expect(distribution.originGroups.map(\.id) == ["site-group"])
        #expect(distribution.originGroups.first?.members == ["s3-site", "api"])
        #expect(distribution.edges.count == topology.edges.count, "PriceClass_All serves from every edge")

        let api = distribution.behaviors[0]
        #expect(api.pathPattern == "/api/*" && api.origin == "api" && api.viewerProtocolPolicy == .httpsOnly)
        #expect(api.cachePolicy == "CachingDisabled" || api.cachePolicy == "Managed-CachingDisabled", "\(api.cachePolicy ?? "-")")
        #expect(api.originRequestPolicy?.id == "b689b0a8-53d0-40ab-baf2-68738e2966ac")
        let fallback = distribution.behaviors[1]
        #expect(fallback.pathPattern == "*" && fallback.origin == "site-group" && fallback.compress)
        #expect(fallback.viewerProtocolPolicy == .redirectToHTTPS)
        #expect(fallback.responseHeadersPolicy?.id == "67f7725c-6f97-4210-82d7-5512b31e9d03")
        #expect(fallback.functions[.originRequest]?.function == "rewrite" && fallback.functions[.originRequest]?.version == 1)
        #expect(topology.functions.first?.runtime == .nodejs && topology.functions.first?.handler == "index.handler")

        // Origins: the S3 bucket at its region's hub, the API at its Origin Shield's, by their stand-ins.
        let s3 = try #require(topology.origin("s3-site"))
        let apiOrigin = try #require(topology.origin("api"))
        #expect(s3.location.coordinate == topology.hub("us-east-1")?.location.coordinate)
        #expect(apiOrigin.location.coordinate == topology.hub("us-east-2")?.location.coordinate)
        #expect(apiOrigin.originShield == "us-east-2")

        // What could not be carried over is named by its path.
        let paths = result.warnings.map(\.path)
        #expect(paths.contains("$.DistributionConfig.Origins.Items[1].OriginPath"))
        #expect(paths.contains("$.DistributionConfig.Origins.Items[1].CustomHeaders"))
        #expect(paths.contains("$.DistributionConfig.CacheBehaviors.Items[0].TrustedKeyGroups"))
        #expect(paths.contains("$.DistributionConfig.ViewerCertificate.ACMCertificateArn"))
        #expect(paths.contains("$.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].LambdaFunctionARN"))
        #expect(result.warnings.allSatisfy { $0.file == Self.example && $0.path.hasPrefix("$.") })
        // The API's https-only is kept as http-only: its stand-in speaks plain HTTP.
        #expect(
            result.warnings.contains { $0.path.hasSuffix("Items[1].CustomOriginConfig.OriginProtocolPolicy") && $0.message.contains("http-only") }
        )
    }

    /// A distribution naming custom cache, origin request and response headers policies and a
    /// CloudFront Function, with the outputs that describe them, and the function's code in
    /// `functions/`.
    static func customInputs(in folder: URL) throws -> [String] {
        let functions = folder.appendingPathComponent("functions")
        try FileManager.default.createDirectory(at: functions, withIntermediateDirectories: true)
        try "function handler(event) { return event.request; }\n".write(
            to: functions.appendingPathComponent("index-rewrite.js"),
            atomically: true,
            encoding: .utf8
        )
        let config = try Self.write(
            """
            {"Distribution": {"Id": "E2IMPORTED001", "DomainName": "d2imported.cloudfront.net", "DistributionConfig": {
              "CallerReference": "x", "Comment": "", "Enabled": true,
              "Origins": {"Quantity": 1, "Items": [{"Id": "S3 bucket (site)", "DomainName": "site.s3.eu-west-1.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
              "DefaultCacheBehavior": {"TargetOriginId": "S3 bucket (site)", "ViewerProtocolPolicy": "allow-all",
                "CachePolicyId": "aaaa-1111", "OriginRequestPolicyId": "bbbb-2222", "ResponseHeadersPolicyId": "cccc-3333",
                "FunctionAssociations": {"Quantity": 1, "Items": [{"EventType": "viewer-request", "FunctionARN": "arn:aws:cloudfront::123456789012:function/index-rewrite"}]}},
              "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/legacy/*", "TargetOriginId": "S3 bucket (site)", "ViewerProtocolPolicy": "allow-all",
                "ForwardedValues": {"QueryString": true, "Cookies": {"Forward": "whitelist", "WhitelistedNames": {"Quantity": 1, "Items": ["session"]}},
                  "Headers": {"Quantity": 1, "Items": ["Accept-Language"]}, "QueryStringCacheKeys": {"Quantity": 1, "Items": ["page"]}},
                "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 600}]}
            }}}
            """,
            as: "distribution.json",
            in: folder
        )
        let cache = try Self.write(
            """
            {"ETag": "E1", "CachePolicy": {"Id": "aaaa-1111", "CachePolicyConfig": {"Name": "site-cache", "MinTTL": 1, "DefaultTTL": 300, "MaxTTL": 3600,
              "ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": false,
                "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Device"]}},
                "CookiesConfig": {"CookieBehavior": "none"},
                "QueryStringsConfig": {"QueryStringBehavior": "allExcept", "QueryStrings": {"Quantity": 1, "Items": ["utm_source"]}}}}}}
            """,
            as: "cache-policy.json",
            in: folder
        )
        let originRequest = try Self.write(
            """
            {"OriginRequestPolicy": {"Id": "bbbb-2222", "OriginRequestPolicyConfig": {"Name": "site-forward",
              "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 2, "Items": ["X-Api-Version", "CloudFront-Viewer-Country"]}},
              "CookiesConfig": {"CookieBehavior": "all"}, "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}
            """,
            as: "origin-request-policy.json",
            in: folder
        )
        let headers = try Self.write(
            """
            {"ResponseHeadersPolicy": {"Id": "cccc-3333", "ResponseHeadersPolicyConfig": {"Name": "site-headers",
              "CorsConfig": {"AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://www.example.test"]},
                "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["ALL"]}, "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "POST"]},
                "AccessControlAllowCredentials": false, "AccessControlMaxAgeSec": 600, "OriginOverride": true},
              "SecurityHeadersConfig": {"FrameOptions": {"Override": true, "FrameOption": "DENY"},
                "StrictTransportSecurity": {"Override": false, "AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": true}},
              "CustomHeadersConfig": {"Quantity": 1, "Items": [{"Header": "X-Served-By", "Value": "edgesim", "Override": true}]},
              "RemoveHeadersConfig": {"Quantity": 1, "Items": [{"Header": "X-Powered-By"}]}}}}
            """,
            as: "response-headers-policy.json",
            in: folder
        )
        let function = try Self.write(
            #"{"FunctionSummary": {"Name": "index-rewrite", "Status": "UNASSOCIATED", "FunctionConfig": {"Comment": "", "Runtime": "cloudfront-js-1.0"}}}"#,
            as: "describe-function.json",
            in: folder
        )
        return [config, cache, originRequest, headers, function]
    }

    @Test func customPoliciesAndCloudFrontFunctionsComeFromTheirOwnOutputs() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.customInputs(in: folder)
        let functions = folder.appendingPathComponent("functions")
        let output = folder.appendingPathComponent("imported.yaml").path
        let result = try CloudFrontImporter.run(
            files: files,
            options: .init(onto: Self.global, functions: functions.path, output: output)
        )
        try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
        let report = TopologyLoader.check(path: output)
        let topology = try #require(report.topology, "\(report.diagnostics)\n\(result.yaml)")
        let distribution = try #require(topology.distribution("E2IMPORTED001"))
        #expect(distribution.domainName == "d2imported.cloudfront.net")
        // The origin's id is made one the topology takes, and said so.
        #expect(distribution.origins == ["S3-bucket-site"])
        #expect(result.warnings.contains { $0.path == "$.Distribution.DistributionConfig.Origins.Items[0].Id" })
        #expect(topology.origin("S3-bucket-site")?.location.coordinate == topology.hub("eu-west-1")?.location.coordinate)
        // The S3 origin with no stand-in serves an empty folder beside the output.
        #expect(result.madeFolders == [folder.appendingPathComponent("imported-origins/S3-bucket-site").standardizedFileURL.path])

        let main = distribution.behaviors[1]
        #expect(main.cachePolicy == "site-cache")
        #expect(main.minimumTTL == .seconds(1) && main.defaultTTL == .seconds(300) && main.maximumTTL == .seconds(3600))
        #expect(main.cacheKey.headers == ["x-device"] && main.cacheKey.queryStrings == .allExcept(["utm_source"]))
        #expect(main.cacheKey.acceptEncodings == [.gzip])
        #expect(main.originRequestPolicy?.name == "site-forward")
        #expect(main.originRequestPolicy?.cookies == .all)
        let policy = try #require(main.responseHeadersPolicy)
        #expect(policy.name == "site-headers")
        #expect(policy.cors?.allowOrigins == ["https://www.example.test"] && policy.cors?.maxAge == 600)
        #expect(policy.headers.contains { $0.name == "X-Frame-Options" && $0.value == "DENY" && $0.override })
        #expect(policy.headers.contains { $0.name == "Strict-Transport-Security" && $0.value == "max-age=31536000; includeSubDomains" })
        #expect(policy.headers.contains { $0.name == "X-Served-By" && $0.value == "edgesim" })
        #expect(policy.removedHeaders.map { $0.lowercased() } == ["x-powered-by"])
        #expect(topology.functions.first { $0.name == "index-rewrite" }?.runtime == .cloudFrontJS1)
        #expect(main.functions[.viewerRequest]?.function == "index-rewrite")

        // The legacy settings: TTLs and the forwarded values as the key.
        let legacy = distribution.behaviors[0]
        #expect(legacy.cachePolicy == nil)
        #expect(legacy.defaultTTL == .seconds(60) && legacy.maximumTTL == .seconds(600))
        #expect(legacy.cacheKey.queryStrings == .only(["page"]) && legacy.cacheKey.cookies == .only(["session"]))
        #expect(legacy.cacheKey.headers == ["accept-language"])
    }

    @Test func badInputIsRefusedWithThePathOfWhatIsWrong() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        func refusal(_ json: String) throws -> ImportError? {
            let file = try Self.write(json, as: "bad.json", in: folder)
            do {
                _ = try CloudFrontImporter.run(
                    files: [file],
                    options: .init(onto: Self.global, functions: Self.functions, output: folder.appendingPathComponent("out.yaml").path)
                )
                return nil
            } catch let error as ImportError {
                return error
            }
        }
        let origin =
            #"{"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.com", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]}"#
        func config(_ behavior: String, origins: String = origin) -> String {
            #"{"DistributionConfig": {"CallerReference": "r", "Enabled": true, "Origins": \#(origins), "DefaultCacheBehavior": \#(behavior)}}"#
        }
        let cases: [(json: String, path: String, message: String)] = [
            ("[1, 2]", "$", "must be an object"),
            ("{not json", "$", "is not JSON"),
            (#"{"Distributions": {}}"#, "$", "is not an output of aws cloudfront get-distribution-config"),
            (config(#"{"ViewerProtocolPolicy": "allow-all"}"#), "$.DistributionConfig.DefaultCacheBehavior", "needs 'TargetOriginId'"),
            (
                config(#"{"TargetOriginId": "nope", "ViewerProtocolPolicy": "allow-all"}"#),
                "$.DistributionConfig.DefaultCacheBehavior.TargetOriginId", "NoSuchOrigin"
            ),
            (
                config(#"{"TargetOriginId": "o", "ViewerProtocolPolicy": "https-maybe"}"#),
                "$.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy", "expected allow-all"
            ),
            (
                config(#"{"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all"}"#, origins: #"{"Quantity": 2, "Items": []}"#),
                "$.DistributionConfig.Origins", "InconsistentQuantities"
            ),
            (
                config(#"{"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "CachePolicyId": "0000-unknown"}"#),
                "$.DistributionConfig.DefaultCacheBehavior.CachePolicyId", "get-cache-policy --id 0000-unknown"
            ),
            (
                config(
                    #"{"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "LambdaFunctionAssociations": {"Quantity": 1, "Items": [{"EventType": "origin-request", "LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:missing:2"}]}}"#
                ),
                "$.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].LambdaFunctionARN", "has no missing or missing.zip"
            ),
            (
                config(
                    #"{"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "LambdaFunctionAssociations": {"Quantity": 1, "Items": [{"EventType": "origin-request", "LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:rewrite"}]}}"#
                ),
                "$.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations.Items[0].LambdaFunctionARN",
                "expected a numbered Lambda version ARN"
            ),
            (
                config(#"{"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "Compress": "yes"}"#),
                "$.DistributionConfig.DefaultCacheBehavior.Compress", "must be true or false"
            ),
        ]
        for item in cases {
            let error = try #require(try refusal(item.json), "no error for \(item.json)")
            #expect(error.path == item.path, "\(item.json): \(error)")
            #expect(error.message.contains(item.message), "\(item.json): \(error)")
        }
    }
}
