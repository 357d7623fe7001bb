import CDNCore
import EdgesimTestSupport
import Foundation
import Testing

/// A CloudFront distribution's JSON, imported with `edgesim import cloudfront` onto a one-edge
/// network and run with `edgesim up`: the edge serves it as the config says.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CloudFrontImportEndToEndTests {
    @Test func anImportedDistributionRunsAsItsConfigSays() async throws {
        let folder = URL.scratchFolder("import")
        defer { try? FileManager.default.removeItem(at: folder) }
        try folder.write(files: [
            "bucket/index.html": "<h1>imported</h1>\n",
            "bucket/404.html": "<h1>app shell</h1>\n",
            "functions/stamp/index.js": """
            exports.handler = async (event) => {
                const response = event.Records[0].cf.response;
                response.headers['x-imported'] = [{ key: 'X-Imported', value: 'yes' }];
                return response;
            };
            """,
            "get-distribution.json": """
            {"ETag": "E3EXAMPLE", "Distribution": {"Id": "E2IMPORTRUN01", "DomainName": "d2importrun01.cloudfront.net",
              "DistributionConfig": {"CallerReference": "run", "Comment": "", "Enabled": true,
                "Aliases": {"Quantity": 1, "Items": ["www.imported.test"]}, "DefaultRootObject": "index.html",
                "Origins": {"Quantity": 1, "Items": [{"Id": "site-bucket", "DomainName": "site-bucket.s3.ap-northeast-1.amazonaws.com",
                  "OriginPath": "", "CustomHeaders": {"Quantity": 0}, "S3OriginConfig": {"OriginAccessIdentity": ""},
                  "ConnectionAttempts": 3, "ConnectionTimeout": 10, "OriginShield": {"Enabled": false}}]},
                "DefaultCacheBehavior": {"TargetOriginId": "site-bucket", "ViewerProtocolPolicy": "allow-all",
                  "AllowedMethods": {"Quantity": 7, "Items": ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"],
                    "CachedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]}},
                  "Compress": false, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                  "LambdaFunctionAssociations": {"Quantity": 1, "Items": [{"EventType": "origin-response",
                    "LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:stamp:1", "IncludeBody": false}]},
                  "FunctionAssociations": {"Quantity": 0}},
                "CustomErrorResponses": {"Quantity": 1, "Items": [{"ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10}]},
                "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
                "PriceClass": "PriceClass_All", "HttpVersion": "http2", "IsIPV6Enabled": true,
                "ViewerCertificate": {"CloudFrontDefaultCertificate": true, "MinimumProtocolVersion": "TLSv1"},
                "Logging": {"Enabled": false, "IncludeCookies": false, "Bucket": "", "Prefix": ""}}}}
            """,
        ])
        let base = try folder.writeTokyoTopology(
            name: "tokyo",
            origins: "placeholder: { location: tokyo, static: bucket }",
            "distributions:\n  E2PLACEHOLDER:\n    origins: [placeholder]"
        )
        let output = folder.appendingPathComponent("imported.yaml")
        let imported = try await CLI.run([
            "import", "cloudfront", folder.appendingPathComponent("get-distribution.json").path, "--onto", base.path,
            "--origin", "site-bucket=\(folder.appendingPathComponent("bucket").path)",
            "--functions", folder.appendingPathComponent("functions").path, "--out", output.path,
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("wrote \(output.path)"), "\(imported.stderr)")
        // Only the guessed runtime is worth a warning here: everything else maps.
        #expect(imported.stderr.components(separatedBy: "warning:").count - 1 == 1, "\(imported.stderr)")

        try await withNetwork(output.path) { network in
            let root = try await network.request("/", from: "tokyo-home", headers: [("Host", "www.imported.test")])
            #expect(root.status == 200 && String(buffer: root.body) == "<h1>imported</h1>\n", "\(root.status)")
            #expect(root.header("X-Imported") == "yes", "the origin-response function ran")
            let missing = try await network.request("/app/route", from: "tokyo-home", headers: [("Host", "www.imported.test")])
            #expect(missing.status == 200 && String(buffer: missing.body) == "<h1>app shell</h1>\n", "the 404 page with 200")
        }
    }
}
