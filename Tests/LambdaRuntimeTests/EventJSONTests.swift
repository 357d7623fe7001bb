import Foundation
import HTTPTypes
import LambdaRuntime
import Testing
import Topology

@Suite struct EventJSONTests {
    @Test func theEventHasCloudFrontsShape() throws {
        var headers = HTTPFields()
        headers.append(HTTPField(name: .cookie, value: "a=1; b=2"))
        headers.append(HTTPField(name: .cookie, value: "c=3"))
        headers.append(HTTPField(name: .userAgent, value: "curl/8"))
        headers.append(HTTPField(name: HTTPField.Name("X-Forwarded-Proto")!, value: "https"))
        let event = CloudFrontEvent(
            config: EventConfig(distributionDomainName: "d1.cloudfront.net", distributionId: "E1", eventType: .originResponse, requestId: "r=="),
            request: EventRequest(
                clientIp: "127.0.1.1",
                method: "POST",
                uri: "/f",
                querystring: "",
                headers: headers,
                origin: .s3(S3Origin(domainName: "b.s3.amazonaws.com"))
            ),
            response: EventResponse(status: 200, statusDescription: "OK", headers: [.contentType: "text/html"])
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any])
        let records = try #require(object["Records"] as? [[String: Any]])
        #expect(records.count == 1)
        let cf = try #require(records[0]["cf"] as? [String: Any])
        let config = try #require(cf["config"] as? [String: String])
        #expect(
            config == ["distributionDomainName": "d1.cloudfront.net", "distributionId": "E1", "eventType": "origin-response", "requestId": "r=="]
        )
        let request = try #require(cf["request"] as? [String: Any])
        let requestHeaders = try #require(request["headers"] as? [String: [[String: String]]])
        #expect(requestHeaders["cookie"] == [["key": "Cookie", "value": "a=1; b=2"], ["key": "Cookie", "value": "c=3"]])
        #expect(requestHeaders["x-forwarded-proto"] == nil)  // disallowed: never shown to a function
        #expect(request["querystring"] as? String == "")
        #expect((request["origin"] as? [String: Any])?["s3"] != nil)
        let response = try #require(cf["response"] as? [String: Any])
        #expect(response["status"] as? String == "200")
    }

    @Test func aZipPackageIsExtractedAndItsSizeChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = folder.appendingPathComponent("fn.zip").path
        let script = "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('index.js','exports.handler=async e=>e;'); z.close()"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, zip]
        try process.run()
        process.waitUntilExit()
        let spec = FunctionSpec(name: "zipped", runtime: .nodejs, handler: "index.handler", code: zip, memoryMegabytes: 512, timeout: .seconds(10))
        let code = try FunctionCode.prepare(spec, version: 1, for: [.viewerRequest], stateDirectory: folder.path)
        #expect(FileManager.default.fileExists(atPath: (code.directory as NSString).appendingPathComponent("index.js")))
        #expect(code.memoryMegabytes == 128)  // viewer events run with 128 MB
        #expect(code.timeout == .seconds(5))  // and at most 5 s
        try Data(count: 2 << 20).write(to: folder.appendingPathComponent("big.bin"))
        let big = FunctionSpec(name: "big", runtime: .nodejs, handler: "index.handler", code: folder.path)
        #expect(throws: PackageError.self) { _ = try FunctionCode.prepare(big, version: 1, for: [.viewerRequest], stateDirectory: folder.path) }
    }
}
