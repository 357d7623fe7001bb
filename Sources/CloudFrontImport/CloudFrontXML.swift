/// CloudFront's REST XML (API version 2020-05-31): the same shapes as its JSON, with each list
/// wrapper's `Items` holding elements named for their kind (`<Items><CNAME>…</CNAME></Items>`),
/// as botocore's service model names them.
public enum CloudFrontXML {
    public static let namespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

    /// The element name of an item in each list wrapper.
    static let itemNames: [String: String] = [
        "Aliases": "CNAME", "AllowedMethods": "Method", "CachedMethods": "Method", "CacheBehaviors": "CacheBehavior",
        "CustomErrorResponses": "CustomErrorResponse", "CustomHeaders": "OriginCustomHeader", "FunctionAssociations": "FunctionAssociation",
        "GeoRestriction": "Location", "Headers": "Name", "LambdaFunctionAssociations": "LambdaFunctionAssociation",
        "Members": "OriginGroupMember", "OriginGroups": "OriginGroup", "OriginSslProtocols": "SslProtocol", "Origins": "Origin",
        "Paths": "Path", "QueryStringCacheKeys": "Name", "StatusCodes": "StatusCode", "TrustedKeyGroups": "KeyGroup",
        "TrustedSigners": "AwsAccountNumber", "WhitelistedNames": "Name", "DistributionList": "DistributionSummary",
        "InvalidationList": "InvalidationSummary", "ActiveTrustedKeyGroups": "KeyGroup", "ActiveTrustedSigners": "Signer",
        "KeyValueStoreAssociations": "KeyValueStoreAssociation", "FunctionList": "FunctionSummary",
    ]

    /// A whole document: the root element in CloudFront's namespace.
    static func document(_ name: String, _ value: OrderedJSON) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(name, value, parent: nil, namespace: true)
    }

    static func element(_ name: String, _ value: OrderedJSON, parent: String?, namespace: Bool = false) -> String {
        let open = namespace ? "<\(name) xmlns=\"\(Self.namespace)\">" : "<\(name)>"
        switch value {
        case .string(let text): return open + escaped(text) + "</\(name)>"
        case .number, .bool: return open + value.text() + "</\(name)>"
        case .object(let members):
            return open + members.map { element($0.0, $0.1, parent: name) }.joined() + "</\(name)>"
        case .list(let items):
            // Only a wrapper's Items is a list: its elements are named for the wrapper.
            let item = itemNames[parent ?? ""] ?? "member"
            return open + items.map { element(item, $0, parent: item) }.joined() + "</\(name)>"
        }
    }

    /// CloudFront's error document (`NoSuchDistribution`, `PreconditionFailed`, …).
    public static func error(code: String, message: String, requestID: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"\(namespace)\"><Error><Type>Sender</Type><Code>\(escaped(code))</Code>"
            + "<Message>\(escaped(message))</Message></Error><RequestId>\(escaped(requestID))</RequestId></ErrorResponse>"
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
