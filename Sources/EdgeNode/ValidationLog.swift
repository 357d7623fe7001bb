import Foundation
import LambdaRuntime
import Synchronization

/// The log CloudFront writes when a function's result fails validation:
/// `/aws/cloudfront/LambdaEdge/DISTRIBUTION` in the executing region, one stream per edge.
final class ValidationLog: Sendable {
    private let stateDirectory: String
    private let region: String
    private let edge: String
    private let lock = Mutex(())

    init(stateDirectory: String, region: String, edge: String) {
        self.stateDirectory = stateDirectory
        self.region = region
        self.edge = edge
    }

    /// Appends one validation error, with the CloudFront request id and the function's ARN.
    func write(distribution: String, requestID: String, function: FunctionCode, message: String) {
        let path = CloudWatchPaths.validationLog(stateDirectory: stateDirectory, region: region, distribution: distribution, edge: edge)
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:\(function.name):\(function.version)"
        let line =
            "\(Date().formatted(.iso8601))\t\(requestID)\tERROR\tValidation error: The Lambda function returned an invalid request or response to CloudFront. \(message)\tFunction: \(arn)\n"
        lock.withLock { _ in CloudWatchPaths.append(Data(line.utf8), to: path) }
    }
}
