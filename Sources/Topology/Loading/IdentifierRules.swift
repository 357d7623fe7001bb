/// The shapes ids and names must have, with the words that explain each to a user.
enum IdentifierRules {
    /// A CloudFront POP id: an IATA airport code and a number, optionally a cluster suffix.
    nonisolated(unsafe) static let edge = /[A-Z]{3}[0-9]{1,3}(?:-[CP][0-9]{1,2})?/
    static let edgeExpected = "a POP id in CloudFront's style: an airport code and a number, e.g. NRT50 or FRA56-C1"

    /// An AWS region id.
    nonisolated(unsafe) static let hub = /[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}/
    static let hubExpected = "an AWS-region-like id, e.g. ap-northeast-1"

    /// Names of locations, origins and viewers: letters, digits, '.', '_' and '-'.
    nonisolated(unsafe) static let name = /[A-Za-z0-9][A-Za-z0-9._-]{0,63}/
    static let nameExpected = "up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"

    /// Lambda function names.
    nonisolated(unsafe) static let function = /[A-Za-z0-9_-]{1,64}/
    static let functionExpected = "a Lambda function name: up to 64 letters, digits, '-' or '_'"

    /// CloudFront distribution ids: upper-case letters and digits starting with E.
    nonisolated(unsafe) static let distribution = /E[A-Z0-9]{5,19}/
    static let distributionExpected = "a CloudFront-style id: 'E' and 5 to 19 upper-case letters or digits, e.g. E2QWRUHAPOMQZL"

    /// A DNS name: dot-separated labels of letters, digits and '-'.
    nonisolated(unsafe) static let domain = /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]/
    static let domainExpected = "a lower-case DNS name, e.g. d111111abcdef8.cloudfront.net"

    /// ISO 3166-1 alpha-2 country codes.
    nonisolated(unsafe) static let country = /[A-Z]{2}/
    static let countryExpected = "an ISO 3166-1 alpha-2 code in capitals, e.g. JP"

    /// A Lambda handler: a module path and an exported function, `index.handler`.
    nonisolated(unsafe) static let handler = /[A-Za-z0-9_.\/-]*[A-Za-z0-9_-]\.[A-Za-z_$][A-Za-z0-9_$]*/
    static let handlerExpected = "'file.function', e.g. index.handler"

    /// A header name (RFC 9110 token).
    nonisolated(unsafe) static let header = /[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}/

    /// A host to listen on: an IPv4 or IPv6 literal, or a host name.
    nonisolated(unsafe) static let host = /[A-Za-z0-9.:-]{1,253}/
    static let hostExpected = "an IP address or a host name, e.g. 127.0.0.1"

    /// Whether `text` is an IPv4 literal (four numbers 0–255).
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in part.count <= 3 && UInt8(part) != nil }
    }
}
