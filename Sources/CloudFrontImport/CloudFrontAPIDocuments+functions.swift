import Foundation

/// The XML of CloudFront's function calls (cloudfront-functions-spec.md §6): a function's
/// summary at one stage, the list of them, and TestFunction's result.
extension CloudFrontAPIDocuments {
    /// CloudFront's `FunctionSummary`: one stage of one CloudFront Function.
    public struct FunctionSummary: Sendable, Equatable {
        public var name: String
        /// `UNPUBLISHED`, `UNASSOCIATED` or `DEPLOYED`.
        public var status: String
        public var comment: String
        /// `cloudfront-js-1.0` or `cloudfront-js-2.0`.
        public var runtime: String
        public var keyValueStoreARNs: [String]
        /// `DEVELOPMENT` or `LIVE`.
        public var stage: String
        public var created: Date
        public var lastModified: Date

        public init(
            name: String,
            status: String,
            comment: String,
            runtime: String,
            keyValueStoreARNs: [String],
            stage: String,
            created: Date,
            lastModified: Date
        ) {
            self.name = name
            self.status = status
            self.comment = comment
            self.runtime = runtime
            self.keyValueStoreARNs = keyValueStoreARNs
            self.stage = stage
            self.created = created
            self.lastModified = lastModified
        }

        /// `arn:aws:cloudfront::ACCOUNT:function/NAME`, as distributions' FunctionAssociations name it.
        public var arn: String { CloudFrontAPIDocuments.functionARN(name) }

        var json: OrderedJSON {
            let stores = keyValueStoreARNs.map { OrderedJSON.object([("KeyValueStoreARN", .string($0))]) }
            return .object([
                ("Name", .string(name)),
                ("Status", .string(status)),
                (
                    "FunctionConfig",
                    .object([
                        ("Comment", .string(comment)), ("Runtime", .string(runtime)),
                        (
                            "KeyValueStoreAssociations",
                            .object([("Quantity", .integer(stores.count))] + (stores.isEmpty ? [] : [("Items", .list(stores))]))
                        ),
                    ])
                ),
                (
                    "FunctionMetadata",
                    .object([
                        ("FunctionARN", .string(arn)), ("Stage", .string(stage)), ("CreatedTime", .string(timestamp(created))),
                        ("LastModifiedTime", .string(timestamp(lastModified))),
                    ])
                ),
            ])
        }

        /// The document CreateFunction, DescribeFunction, UpdateFunction and PublishFunction return.
        public var xml: String { CloudFrontXML.document("FunctionSummary", json) }
    }

    /// A CloudFront Function's ARN.
    public static func functionARN(_ name: String) -> String { "arn:aws:cloudfront::\(CloudFrontExporter.account):function/\(name)" }

    /// The ETag of one stage of a function: it changes whenever the stage's code or config does
    /// (a new DEVELOPMENT version, or a publish to LIVE), as the If-Match of the next call needs.
    public static func functionETag(name: String, version: Int, stage: String) -> String {
        CloudFrontExporter.etag("\(name)\u{0}\(version)\u{0}\(stage)")
    }

    /// ListFunctions' `<FunctionList>`, every function on one page.
    public static func functionList(_ summaries: [FunctionSummary]) -> String {
        CloudFrontXML.document(
            "FunctionList",
            .object(
                [("MaxItems", .integer(100)), ("Quantity", .integer(summaries.count))]
                    + (summaries.isEmpty ? [] : [("Items", .list(summaries.map(\.json)))])
            )
        )
    }

    /// TestFunction's `<TestResult>`.
    public static func testResult(
        _ summary: FunctionSummary,
        computeUtilization: String?,
        logs: [String],
        error: String,
        output: String
    ) -> String {
        var members: [(String, OrderedJSON)] = [("FunctionSummary", summary.json)]
        if let computeUtilization { members.append(("ComputeUtilization", .string(computeUtilization))) }
        members += [
            ("FunctionExecutionLogs", .list(logs.map(OrderedJSON.string))),
            ("FunctionErrorMessage", .string(error)),
            ("FunctionOutput", .string(output)),
        ]
        return CloudFrontXML.document("TestResult", .object(members))
    }
}
