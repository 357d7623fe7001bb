import ArgumentParser
import Foundation
import SignedURLs
import Topology

extension EdgeSim {
    /// `edgesim sign URL --key-pair-id K --private-key FILE --expires T`: a signed URL or signed
    /// cookies, as `aws cloudfront sign` makes them.
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a URL (or make signed cookies) for a behavior with trusted key groups, as `aws cloudfront sign` does.",
            discussion: """
                Times are seconds since 1970, an ISO 8601 date or instant (2026-12-31, 2026-12-31T12:00:00Z), or from now (+1h, +30 min). \
                Only --expires makes a canned policy; --starts, --ip-address or --resource make a custom one.
                """
        )

        @Argument(help: "The URL to sign, with its own query if any (https://d111111abcdef8.cloudfront.net/paid/video.mp4).")
        var url: String
        @Option(help: "The public key's id in the key group (the Key-Pair-Id).") var keyPairId: String
        @Option(help: "The private key: a PEM file (RSA 2048 or ECDSA P-256), as a path or file://path.") var privateKey: String
        @Option(name: [.long, .customLong("date-less-than")], help: "When the signature expires.") var expires: String
        @Option(name: [.long, .customLong("date-greater-than")], help: "When it starts to be valid (a custom policy).") var starts: String?
        @Option(help: "The viewer's IPv4 address or CIDR block (a custom policy).") var ipAddress: String?
        @Option(help: "The URL pattern the policy opens, with * and ? (a custom policy; default: the URL).") var resource: String?
        @Option(help: "SHA1 (the default) or SHA256.") var hashAlgorithm: String = "SHA1"
        @Flag(help: "Print signed cookies (Set-Cookie lines and a curl -b value) instead of a URL.") var cookies = false

        func run() throws {
            let path = privateKey.hasPrefix("file://") ? String(privateKey.dropFirst(7)) : privateKey
            guard let pem = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw ValidationError("no private key at '\(path)'")
            }
            guard let algorithm = HashAlgorithm(rawValue: hashAlgorithm.uppercased()) else {
                throw ValidationError("--hash-algorithm is '\(hashAlgorithm)': expected SHA1 or SHA256")
            }
            let key: SigningKey
            do { key = try SigningKey(pem: pem) } catch { throw ValidationError("'\(path)' is \(error)") }
            let now = Date()
            let policy = SignedPolicy(
                resource: resource,
                notAfter: try Self.epoch(expires, option: "--expires", now: now),
                notBefore: try starts.map { try Self.epoch($0, option: "--starts", now: now) },
                sourceIP: ipAddress
            )
            if let ipAddress, (try? SignedPolicy.parse(policy.json)) == nil {
                throw ValidationError("--ip-address '\(ipAddress)' is not an IPv4 address or CIDR block (CloudFront's policies take no IPv6)")
            }
            let signer = URLSigner(keyPairID: keyPairId, key: key, algorithm: algorithm)
            guard cookies else {
                print(try signer.signedURL(url, policy: policy))
                return
            }
            let pairs = try signer.parameters(for: url, policy: policy).map { ("CloudFront-" + $0.name, $0.value) }
            for (name, value) in pairs { print("Set-Cookie: \(name)=\(value); Secure; HttpOnly") }
            print("curl -b '\(pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "; "))' \(url)")
        }

        /// Seconds since 1970 for a time as the options take it.
        static func epoch(_ text: String, option: String, now: Date) throws -> Int {
            if let seconds = Int(text) { return seconds }
            if text.hasPrefix("+"), case .success(let duration) = Quantity.duration(String(text.dropFirst())) {
                return Int(now.timeIntervalSince1970) + Int(duration.components.seconds)
            }
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
            formatter.formatOptions = [.withFullDate]
            if let date = formatter.date(from: text) { return Int(date.timeIntervalSince1970) }
            throw ValidationError("\(option) is '\(text)': expected seconds since 1970, an ISO 8601 date or instant, or +DURATION (+1h)")
        }
    }
}
