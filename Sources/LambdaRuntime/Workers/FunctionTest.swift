import Foundation
import Logging
import ServiceLifecycle
import Topology

/// What CloudFront's TestFunction returns for one test event (cloudfront-functions-spec.md §6),
/// and, for a Lambda@Edge version, the same fields filled from its invocation.
public struct FunctionTestResult: Codable, Sendable {
    /// The function tested, `NAME:N`.
    public var function: String
    /// The stage tested (CloudFront Functions), `DEVELOPMENT` or `LIVE`.
    public var stage: String?
    /// The share of the compute budget the call used, 0–100, as a string (AWS sends `"21"`);
    /// a Lambda@Edge test has none.
    public var computeUtilization: String?
    /// What the function logged.
    public var functionExecutionLogs: [String]
    /// The error, `""` on success.
    public var functionErrorMessage: String
    /// The returned object as a JSON string: a CloudFront Function's wrapped in its role
    /// (`{"request": …}` or `{"response": …}`), a Lambda@Edge handler's as it returned it.
    public var functionOutput: String
    /// How long the call ran, in milliseconds.
    public var durationMilliseconds: Double
    /// The cold start it paid (the first call of a new worker), in milliseconds.
    public var initDurationMilliseconds: Double?

    enum CodingKeys: String, CodingKey {
        case function = "FunctionName"
        case stage = "Stage"
        case computeUtilization = "ComputeUtilization"
        case functionExecutionLogs = "FunctionExecutionLogs"
        case functionErrorMessage = "FunctionErrorMessage"
        case functionOutput = "FunctionOutput"
        case durationMilliseconds = "DurationMs"
        case initDurationMilliseconds = "InitDurationMs"
    }
}

/// Runs one function once on a test event, with no network: a worker of the function's own
/// runtime (njs for CloudFront Functions, Node.js or Python for Lambda@Edge) under a scratch
/// state directory, as an edge would run it, and reports what TestFunction would. As at AWS,
/// a test checks only that the function ran: CloudFront's result rules are not applied, and
/// nothing goes to the function's CloudWatch log (the worker writes to the scratch folder).
public enum FunctionTest {
    /// The largest test event TestFunction takes, in bytes.
    public static let maximumEventBytes = 40_960

    /// Runs the test.
    /// - Parameters:
    ///   - code: The prepared version (``FunctionCode/prepare(_:version:for:stateDirectory:)``).
    ///   - event: The event, JSON.
    ///   - stage: The stage tested, for the report.
    ///   - stateDirectory: A scratch folder for the worker's bootstrap and log.
    /// - Throws: ``FunctionTestError`` for an event that is not a JSON object or is too large.
    public static func run(
        _ code: FunctionCode,
        event: Data,
        stage: String? = nil,
        stateDirectory: String,
        logger: Logger
    ) async throws -> FunctionTestResult {
        guard event.count <= maximumEventBytes || !code.runtime.isCloudFrontFunction else {
            throw FunctionTestError("the test event is \(event.count) bytes; TestFunction takes at most \(maximumEventBytes)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: event)) as? [String: Any] else {
            throw FunctionTestError("the test event is not a JSON object")
        }
        let host = try FunctionHost(
            settings: .init(edge: "TEST", region: "us-east-1", stateDirectory: stateDirectory, spareWorkers: 0),
            logger: logger
        )
        let logPath = host.logPath(of: code)
        let requestID = Self.requestID(in: object)
        let outcome: Result<Invocation, InvocationFailure> = await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await host.run() }
            defer { group.cancelAll() }
            let pool = host.pool(for: code)
            defer { pool.retireAll() }
            do throws(InvocationFailure) {
                let invocation = try await pool.invoke(
                    event: Array(event),
                    requestID: requestID,
                    logStream: "test",
                    keyValueStore: code.keyValueStore
                )
                return .success(invocation)
            } catch {
                return .failure(error)
            }
        }
        var result = FunctionTestResult(
            function: code.ref.description,
            stage: stage,
            computeUtilization: nil,
            functionExecutionLogs: Self.logLines(at: logPath, requestID: requestID, cloudFrontFunction: code.runtime.isCloudFrontFunction),
            functionErrorMessage: "",
            functionOutput: "",
            durationMilliseconds: 0
        )
        switch outcome {
        case .success(let invocation):
            result.durationMilliseconds = (invocation.cpuTime ?? invocation.duration).inMilliseconds
            result.initDurationMilliseconds = invocation.initDuration?.inMilliseconds
            if code.runtime.isCloudFrontFunction, let cpuTime = invocation.cpuTime {
                result.computeUtilization = String(ComputeBudget.utilization(of: cpuTime))
            }
            if let error = invocation.error {
                result.functionErrorMessage = "\(error.type): \(error.message)"
            } else {
                let output = invocation.result ?? Array("null".utf8)
                result.functionOutput =
                    code.runtime.isCloudFrontFunction ? Self.wrapped(output, event: object) : String(decoding: output, as: UTF8.self)
            }
        case .failure(.timedOut):
            result.functionErrorMessage = "The function ran past its time and was stopped (CloudFront throttles it)"
            result.computeUtilization = code.runtime.isCloudFrontFunction ? "100" : nil
        case .failure(let failure):
            result.functionErrorMessage = "\(failure)"
        }
        return result
    }

    /// The event type an event names (CloudFront Functions' `context.eventType`, Lambda@Edge's
    /// `Records[0].cf.config.eventType`); viewer-request when it names none.
    public static func eventType(of data: Data) -> EventType {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let context = object?["context"] as? [String: Any]
        let records = object?["Records"] as? [[String: Any]]
        let config = (records?.first?["cf"] as? [String: Any])?["config"] as? [String: Any]
        let name = (context?["eventType"] as? String) ?? (config?["eventType"] as? String) ?? "viewer-request"
        return EventType(rawValue: name) ?? .viewerRequest
    }

    /// A CloudFront Function's result in its role, as TestFunction's `FunctionOutput` shows it.
    static func wrapped(_ output: [UInt8], event: [String: Any]) -> String {
        let text = String(decoding: output, as: UTF8.self)
        let returned = (try? JSONSerialization.jsonObject(with: Data(output))) as? [String: Any]
        let eventType = (event["context"] as? [String: Any])?["eventType"] as? String
        let isResponse = eventType == "viewer-response" || returned?["statusCode"] != nil
        return "{\"\(isResponse ? "response" : "request")\":\(text)}"
    }

    /// The request id the function sees: the event's own, or a made-up one.
    private static func requestID(in event: [String: Any]) -> String {
        if let id = (event["context"] as? [String: Any])?["requestId"] as? String { return id }
        if let records = event["Records"] as? [[String: Any]], let cf = records.first?["cf"] as? [String: Any],
            let config = cf["config"] as? [String: Any], let id = config["requestId"] as? String
        {
            return id
        }
        return "test-" + UUID().uuidString.lowercased()
    }

    /// What the call logged: a CloudFront Function's `console.log` lines (without the START and
    /// END framing), a Lambda@Edge handler's whole log (START, its lines, END, REPORT).
    private static func logLines(at path: String, requestID: String, cloudFrontFunction: Bool) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard cloudFrontFunction else { return lines.filter { !$0.hasPrefix("edgesim:") } }
        let prefix = requestID + " "
        return lines.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            .filter { !$0.hasPrefix("START DistributionID:") && $0 != "END" }
    }
}

/// A test that cannot run: the event is not one.
public struct FunctionTestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
