import Crypto
import Foundation
import SignedURLs
import Testing
import _CryptoExtras

/// Signed URLs and cookies: made by the signer and by openssl as AWS's guide does it, and
/// checked with every refusal CloudFront gives.
@Suite struct SignedURLsTests {
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let now = 1_800_000_000
    static let keys: [String: VerifyingKey] = ["K2JCJMDEHXQW5F": try! VerifyingKey(pem: rsa.publicKey.pemRepresentation)]
    static let signer = URLSigner(keyPairID: "K2JCJMDEHXQW5F", key: try! SigningKey(pem: rsa.pemRepresentation))

    /// The request for a URL, as the edge would make it.
    static func request(_ url: String, cookies: [String: String] = [:], from address: String = "192.0.2.7") -> SignedRequestCheck.Request {
        let components = URLComponents(string: url)!
        return .init(
            scheme: components.scheme!,
            host: components.host!,
            path: components.path,
            query: components.percentEncodedQuery ?? "",
            cookies: cookies,
            clientIP: address
        )
    }

    static func check(
        _ url: String,
        cookies: [String: String] = [:],
        from address: String = "192.0.2.7",
        at now: Int = now
    ) throws(SignedRequestCheck.Denial) -> String {
        try SignedRequestCheck.check(request(url, cookies: cookies, from: address), now: now, keys: keys)
    }

    @Test func aCannedURLOpensItsObjectUntilItExpires() throws {
        let url = "https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large"
        let signed = try Self.signer.signedURL(url, policy: SignedPolicy(resource: nil, notAfter: Self.now + 60))
        #expect(signed.contains("Expires=\(Self.now + 60)&Signature=") && signed.hasSuffix("&Key-Pair-Id=K2JCJMDEHXQW5F"))
        #expect(try Self.check(signed) == "size=large")
        #expect(throws: SignedRequestCheck.Denial.self) { try Self.check(signed, at: Self.now + 60) }
        // A parameter added after signing breaks it.
        let tampered = #expect(throws: SignedRequestCheck.Denial.self) { try Self.check(signed + "&more=1") }
        #expect(tampered?.code == "AccessDenied" && tampered?.body.contains("<Message>Access denied</Message>") == true)
    }

    @Test func aCustomPolicyChecksItsResourceTimesAndAddress() throws {
        let policy = SignedPolicy(
            resource: "https://d111111abcdef8.cloudfront.net/training/*",
            notAfter: Self.now + 60,
            notBefore: Self.now - 60,
            sourceIP: "192.0.2.0/24"
        )
        let signed = try Self.signer.signedURL("https://d111111abcdef8.cloudfront.net/training/a.mp4", policy: policy)
        #expect(signed.contains("Policy="))
        #expect(try Self.check(signed) == "")
        let elsewhere = signed.replacingOccurrences(of: "/training/a.mp4", with: "/private/a.mp4")
        #expect(throws: SignedRequestCheck.Denial.self) { try Self.check(elsewhere) }
        #expect(throws: SignedRequestCheck.Denial.self) { try Self.check(signed, from: "198.51.100.1") }
        #expect(throws: SignedRequestCheck.Denial.self) { try Self.check(signed, at: Self.now - 61) }
    }

    @Test func cookiesAndSHA256AndP256KeysWorkToo() throws {
        let p256 = P256.Signing.PrivateKey()
        let keys: [String: VerifyingKey] = ["KP256EXAMPLE01": try VerifyingKey(pem: p256.publicKey.pemRepresentation)]
        let signer = URLSigner(keyPairID: "KP256EXAMPLE01", key: try SigningKey(pem: p256.pemRepresentation), algorithm: .sha256)
        let url = "https://d1.cloudfront.net/paid/video.txt"
        let cookies = Dictionary(
            uniqueKeysWithValues: try signer.parameters(for: url, policy: SignedPolicy(resource: nil, notAfter: Self.now + 5)).map {
                ("CloudFront-" + $0.name, $0.value)
            }
        )
        #expect(cookies["CloudFront-Hash-Algorithm"] == "SHA256")
        #expect(try SignedRequestCheck.check(Self.request(url, cookies: cookies), now: Self.now, keys: keys) == "")
        // The same cookies with another key id: unknown.
        var other = cookies
        other["CloudFront-Key-Pair-Id"] = "KNOTTRUSTED001"
        let unknown = #expect(throws: SignedRequestCheck.Denial.self) {
            try SignedRequestCheck.check(Self.request(url, cookies: other), now: Self.now, keys: keys)
        }
        #expect(unknown?.code == "InvalidKey" && unknown?.message == "Unknown Key")
        let missing = #expect(throws: SignedRequestCheck.Denial.self) { try SignedRequestCheck.check(Self.request(url), now: Self.now, keys: keys) }
        #expect(missing?.code == "MissingKey")
    }

    /// AWS's guide signs a canned policy with openssl: `openssl sha1 -sign key | base64 | tr '+=/' '-_~'`.
    @Test func aSignatureMadeByOpensslIsAccepted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("key.pem")
        try Data(Self.rsa.pemRepresentation.utf8).write(to: keyFile)
        let url = "https://d111111abcdef8.cloudfront.net/horizon.jpg"
        let policyFile = folder.appendingPathComponent("policy.json")
        try SignedPolicy.canned(resource: url, expires: Self.now + 60).write(to: policyFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["sha1", "-sign", keyFile.path, policyFile.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let signature = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let signed = "\(url)?Expires=\(Self.now + 60)&Signature=\(CloudFrontBase64.encode(signature))&Key-Pair-Id=K2JCJMDEHXQW5F"
        #expect(try Self.check(signed) == "")
    }

    @Test func resourcePatternsMatchSectionBySection() throws {
        func allows(_ resource: String, _ url: String) -> Bool {
            SignedPolicy(resource: resource, notAfter: Self.now + 1).refusal(url: url, at: Self.now, from: nil) == nil
        }
        #expect(allows("*", "https://d1.cloudfront.net/a?b=c"))
        #expect(allows("https://d1.cloudfront.net/training/*", "https://d1.cloudfront.net/training/a/b.mp4?x=1"))
        #expect(!allows("https://d1.cloudfront.net/*.jpg", "https://d1.cloudfront.net/a?x=.jpg"))
        #expect(allows("http*://d1.cloudfront.net/a.jpg", "http://d1.cloudfront.net/a.jpg"))
        #expect(allows("*.cloudfront.net/a.jpg", "https://d1.cloudfront.net/a.jpg"))
        #expect(allows("https://d1.cloudfront.net*", "https://d1.cloudfront.net/any/path?q"))
        #expect(allows("https://d1.cloudfront.net/a.jpg\\?size=*", "https://d1.cloudfront.net/a.jpg?size=large"))
        #expect(!allows("https://d1.cloudfront.net/a.jpg", "https://d1.cloudfront.net/a.jpg?size=large"))
        #expect(CloudFrontBase64.decode(CloudFrontBase64.encode(Data([0xfb, 0xff, 0xfe]))) == Data([0xfb, 0xff, 0xfe]))
        #expect(!CloudFrontBase64.encode(Data([0xfb, 0xff, 0xfe, 0x01])).contains(where: { "+=/".contains($0) }))
    }
}
