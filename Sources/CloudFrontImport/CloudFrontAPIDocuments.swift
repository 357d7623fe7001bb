import Foundation
import Topology

/// The XML bodies of the CloudFront API calls the registry serves, from the topology's
/// distributions (the same config ``CloudFrontExporter`` writes as JSON).
public enum CloudFrontAPIDocuments {
    /// A distribution's config and its ETag, the same for the same config.
    public static func config(
        _ distribution: DistributionSpec,
        in topology: Topology,
        runtimes: [String: Runtime] = [:]
    ) -> (xml: String, etag: String) {
        let config = CloudFrontExporter.configJSON(for: distribution, in: topology, runtimes: runtimes)
        return (CloudFrontXML.document("DistributionConfig", config), CloudFrontExporter.etag(config.text()))
    }

    /// GetDistributionConfig's XML as the AWS CLI prints it: `{"ETag": …, "DistributionConfig": …}`.
    public static func configJSON(fromXML data: Data, etag: String?) throws(ImportError) -> String {
        let (name, value) = try CloudFrontXMLReader.ordered(data, file: "GetDistributionConfig")
        guard name == "DistributionConfig" else {
            throw ImportError(file: "GetDistributionConfig", path: "$", message: "is a \(name), not a DistributionConfig", reason: .malformed)
        }
        return OrderedJSON.object([("ETag", .string(etag ?? "")), ("DistributionConfig", value)]).text() + "\n"
    }

    /// The text of the first element of a name in an API document (a distribution's `Status`,
    /// an error's `Code` or `Message`), read with the same XML reader as UpdateDistribution's body.
    public static func text(of name: String, in data: Data) -> String? {
        guard let (root, value) = try? CloudFrontXMLReader.ordered(data, file: "answer") else { return nil }
        func find(_ element: String, _ value: OrderedJSON) -> String? {
            if element == name, case .string(let text) = value { return text }
            if element == name, case .number = value { return value.text() }
            if element == name, case .bool = value { return value.text() }
            switch value {
            case .object(let members): return members.lazy.compactMap { find($0.0, $0.1) }.first
            case .list(let items): return items.lazy.compactMap { find("", $0) }.first
            default: return nil
            }
        }
        return find(root, value)
    }

    /// The body of an UpdateDistribution from a JSON file: what `get-distribution-config`
    /// prints (whose ETag it also returns) or a bare DistributionConfig.
    /// - Throws: ``ImportError`` for a file that is neither, naming its path.
    public static func configXML(fromJSON file: String) throws(ImportError) -> (xml: String, etag: String?) {
        let root = try JSONField.read(file: file)
        let etag = try root.string("ETag")
        let config: JSONField
        if let wrapped = root["DistributionConfig"] {
            config = wrapped
        } else if root["Origins"] != nil, root["DefaultCacheBehavior"] != nil {
            config = root
        } else {
            throw root.error("is neither get-distribution-config's output nor a DistributionConfig")
        }
        _ = try config.object()
        return (CloudFrontXML.document("DistributionConfig", OrderedJSON(config.value)), etag)
    }

    /// GetDistribution's `<Distribution>`.
    public static func distribution(
        _ distribution: DistributionSpec,
        in topology: Topology,
        runtimes: [String: Runtime] = [:],
        status: String,
        lastModified: Date,
        invalidationsInProgress: Int
    ) -> (xml: String, etag: String) {
        let config = CloudFrontExporter.configJSON(for: distribution, in: topology, runtimes: runtimes)
        let members: [(String, OrderedJSON)] = [
            ("Id", .string(distribution.id)),
            ("ARN", .string(arn(distribution))),
            ("Status", .string(status)),
            ("LastModifiedTime", .string(timestamp(lastModified))),
            ("InProgressInvalidationBatches", .integer(invalidationsInProgress)),
            ("DomainName", .string(distribution.domainName)),
            ("ActiveTrustedSigners", .wrapped([], extra: [("Enabled", .bool(false))])),
            ("ActiveTrustedKeyGroups", .wrapped([], extra: [("Enabled", .bool(!distribution.behaviors.allSatisfy(\.trustedKeyGroups.isEmpty)))])),
            ("DistributionConfig", config),
        ]
        return (CloudFrontXML.document("Distribution", .object(members)), CloudFrontExporter.etag(config.text()))
    }

    /// ListDistributions' `<DistributionList>`, every distribution on one page.
    public static func list(
        _ distributions: [DistributionSpec],
        in topology: Topology,
        runtimes: [String: Runtime] = [:],
        status: (DistributionSpec) -> String,
        lastModified: (DistributionSpec) -> Date
    ) -> String {
        let summaries = distributions.map { distribution -> OrderedJSON in
            guard case .object(let config) = CloudFrontExporter.configJSON(for: distribution, in: topology, runtimes: runtimes) else {
                return .object([])
            }
            let kept: Set<String> = [
                "Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior", "CacheBehaviors", "CustomErrorResponses", "Comment", "PriceClass",
                "Enabled", "ViewerCertificate", "Restrictions", "WebACLId", "HttpVersion", "IsIPV6Enabled",
            ]
            let head: [(String, OrderedJSON)] = [
                ("Id", .string(distribution.id)), ("ARN", .string(arn(distribution))), ("Status", .string(status(distribution))),
                ("LastModifiedTime", .string(timestamp(lastModified(distribution)))), ("DomainName", .string(distribution.domainName)),
            ]
            return .object(head + config.filter { kept.contains($0.0) } + [("Staging", .bool(false))])
        }
        let list = OrderedJSON.object(
            [("Marker", .string("")), ("MaxItems", .integer(100)), ("IsTruncated", .bool(false)), ("Quantity", .integer(summaries.count))]
                + (summaries.isEmpty ? [] : [("Items", .list(summaries))])
        )
        return CloudFrontXML.document("DistributionList", list)
    }

    /// An invalidation as CreateInvalidation and GetInvalidation answer it.
    public struct Invalidation: Sendable, Codable, Equatable {
        public var id: String
        public var distribution: String
        public var callerReference: String
        public var paths: [String]
        public var created: Date
        public var completed: Bool

        public init(id: String, distribution: String, callerReference: String, paths: [String], created: Date, completed: Bool = false) {
            self.id = id
            self.distribution = distribution
            self.callerReference = callerReference
            self.paths = paths
            self.created = created
            self.completed = completed
        }

        public var status: String { completed ? "Completed" : "InProgress" }

        public var xml: String {
            CloudFrontXML.document(
                "Invalidation",
                .object([
                    ("Id", .string(id)), ("Status", .string(status)), ("CreateTime", .string(timestamp(created))),
                    ("InvalidationBatch", .object([("Paths", .strings(paths)), ("CallerReference", .string(callerReference))])),
                ])
            )
        }
    }

    /// ListInvalidations' `<InvalidationList>`, newest first.
    public static func invalidations(_ invalidations: [Invalidation]) -> String {
        let items = invalidations.sorted { $0.created > $1.created }.map { invalidation -> OrderedJSON in
            .object([
                ("Id", .string(invalidation.id)), ("CreateTime", .string(timestamp(invalidation.created))), ("Status", .string(invalidation.status)),
            ])
        }
        return CloudFrontXML.document(
            "InvalidationList",
            .object(
                [("Marker", .string("")), ("MaxItems", .integer(100)), ("IsTruncated", .bool(false)), ("Quantity", .integer(items.count))]
                    + (items.isEmpty ? [] : [("Items", .list(items))])
            )
        )
    }

    static func arn(_ distribution: DistributionSpec) -> String {
        "arn:aws:cloudfront::\(CloudFrontExporter.account):distribution/\(distribution.id)"
    }

    /// ISO 8601 with milliseconds, UTC, as CloudFront writes times.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
