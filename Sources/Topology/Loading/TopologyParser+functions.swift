import Foundation
import Yams

extension TopologyParser {
    /// One entry of `functions:` — code the topology publishes as version 1 at `up`: a
    /// Lambda@Edge function (runtime, handler, code folder or .zip, memory, timeout) or a
    /// CloudFront Function (a `cloudfront-js-…` runtime and one .js file).
    func parseFunction(name: String, keyNode: Node, value: Node) throws -> FunctionSpec? {
        let validName = try checkID(name, at: keyNode, role: "function", rule: IdentifierRules.function, expected: IdentifierRules.functionExpected)
        let allowed = ["runtime", "handler", "code", "memory", "timeout", "key_value_store"]
        guard let fields = try reader.fields(value, what: "function '\(name)'", allowed: allowed) else { return nil }
        var runtime: Runtime?
        if let identifier = try fields.string("runtime", required: true) {
            runtime = Runtime(identifier: identifier)
            if runtime == nil {
                let known = Runtime.identifiers.keys.sorted()
                try report(
                    .invalidValue,
                    "'runtime' of function '\(name)' is '\(identifier)'\(Suggestion.phrase(for: identifier, among: known))",
                    field: "runtime",
                    of: fields
                )
            }
        }
        if let runtime, runtime.isCloudFrontFunction {
            return try parseCloudFrontFunction(name: name, runtime: runtime, keyNode: keyNode, fields: fields)
        }
        if fields["key_value_store"] != nil {
            try report(
                .unknownField,
                "function '\(name)' is a Lambda@Edge function: only a CloudFront Function (cloudfront-js-2.0) reads a key value store",
                field: "key_value_store",
                of: fields
            )
        }
        let handler = try fields.string("handler", required: true, matching: IdentifierRules.handler, expected: IdentifierRules.handlerExpected)
        let code = try fields.string("code", required: true).flatMap { try codePath($0, fields: fields) }
        let memory = try fields.quantity("memory", Quantity.size)
        let megabytes = memory.map { $0 / 1_048_576 }
        if let megabytes, !(128...10_240).contains(megabytes) {
            try report(
                .outOfRange,
                "'memory' of function '\(name)' is \(megabytes) MB; Lambda allows 128 MB to 10240 MB",
                field: "memory",
                of: fields
            )
        }
        let timeout = try fields.quantity("timeout", Quantity.duration)
        if let timeout, timeout < .milliseconds(1) || timeout > .seconds(30) {
            try report(
                .outOfRange,
                "'timeout' of function '\(name)' must lie between 1 ms and 30 s, the longest Lambda@Edge allows",
                field: "timeout",
                of: fields
            )
        }
        guard let runtime, let handler, let code, validName else { return nil }
        return FunctionSpec(
            name: name,
            runtime: runtime,
            handler: handler,
            code: code,
            memoryMegabytes: megabytes ?? FunctionSpec.Default.memoryMegabytes,
            timeout: timeout ?? FunctionSpec.Default.timeout,
            source: reader.location(keyNode)
        )
    }

    /// A CloudFront Function: its code is one .js file of at most 10 KB, checked here for what
    /// runtime 1.0 lacks (each problem at its line and column in the .js file); it has no
    /// handler, memory or timeout to set — it runs `function handler(event)` with CloudFront's
    /// fixed 2 MB and compute budget.
    private func parseCloudFrontFunction(name: String, runtime: Runtime, keyNode: Node, fields: Fields) throws -> FunctionSpec? {
        for key in ["handler", "memory", "timeout"] where fields[key] != nil {
            try report(
                .unknownField,
                "function '\(name)' is a CloudFront Function, which has no '\(key)': it runs `function handler(event)` within CloudFront's fixed limits",
                field: key,
                of: fields
            )
        }
        guard let path = try fields.string("code", required: true) else { return nil }
        let absolute = absolutePath(path)
        guard absolute.hasSuffix(".js"), let data = FileManager.default.contents(atPath: absolute) else {
            try report(
                .invalidValue,
                "'code' of CloudFront Function '\(name)': no .js file at '\(path)' (resolved to \(absolute))",
                field: "code",
                of: fields
            )
            return nil
        }
        if data.count > FunctionSourceCheck.maximumBytes {
            try report(
                .limitExceeded,
                "CloudFront Function '\(name)' is \(data.count) bytes; CloudFront allows at most \(FunctionSourceCheck.maximumBytes) (FunctionSizeLimitExceeded)",
                field: "code",
                of: fields
            )
        }
        for problem in FunctionSourceCheck.problems(in: String(decoding: data, as: UTF8.self), runtime: runtime) {
            let location = SourceLocation(file: path, line: problem.line, column: problem.column)
            try reader.report(Diagnostic(.error, .invalidValue, problem.message, at: location))
        }
        return FunctionSpec(
            name: name,
            runtime: runtime,
            handler: (absolute as NSString).lastPathComponent,
            code: absolute,
            memoryMegabytes: 2,
            timeout: .milliseconds(1),
            keyValueStore: try keyValueStore(of: fields, function: name, runtime: runtime),
            source: reader.location(keyNode)
        )
    }

    /// `init_durations:` — a modelled Lambda cold start per runtime (`nodejs: 180 ms`), named by
    /// its family or any Lambda identifier of it; Lambda's init phase lasts at most 10 s.
    func parseInitDurations(_ node: Node) throws {
        let names = Runtime.identifiers.filter { !$0.value.isCloudFrontFunction }.keys.sorted()
        guard let fields = try reader.fields(node, what: "'init_durations'", allowed: names) else { return }
        for name in names {
            guard let duration = try fields.quantity(name, Quantity.duration), let runtime = Runtime(identifier: name) else { continue }
            guard duration <= .seconds(10) else {
                try report(.outOfRange, "'\(name)' of 'init_durations' is longer than 10 s, Lambda's longest init phase", field: name, of: fields)
                continue
            }
            initDurations[runtime] = duration
        }
    }

    /// A function's code: a folder, or a .zip as Lambda takes a deployment package.
    private func codePath(_ path: String, fields: Fields) throws -> String? {
        let absolute = absolutePath(path)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
        guard exists, isDirectory.boolValue || absolute.lowercased().hasSuffix(".zip") else {
            try report(.invalidValue, "'code' of \(fields.what): no folder or .zip at '\(path)' (resolved to \(absolute))", field: "code", of: fields)
            return nil
        }
        return absolute
    }

    /// A behavior's `functions:` — at most one association per event type.
    func parseAssociations(_ node: Node, in what: String) throws -> [EventType: FunctionAssociation] {
        guard let entries = try reader.entries(node, what: "'functions' of \(what)") else { return [:] }
        var associations: [EventType: FunctionAssociation] = [:]
        for entry in entries {
            guard let event = EventType(rawValue: entry.key) else {
                let events = EventType.allCases.map(\.rawValue)
                try reader.report(
                    .invalidAssociation,
                    "'\(entry.key)' is not an event type\(Suggestion.phrase(for: entry.key, among: events))",
                    at: entry.keyNode
                )
                continue
            }
            if let association = try parseAssociation(entry.value, event: event, in: what) { associations[event] = association }
        }
        try checkMixing(associations, in: what)
        return associations
    }

    /// One association: `name:N`, or `{function: name, version: N, include_body: true}`.
    private func parseAssociation(_ node: Node, event: EventType, in what: String) throws -> FunctionAssociation? {
        let context = "the \(event.rawValue) association of \(what)"
        var name: String?
        var version: String?
        var versionNode = node
        var includeBody = false
        if case .mapping = node {
            guard let fields = try reader.fields(node, what: context, allowed: ["function", "version", "include_body"]) else { return nil }
            name = try fields.string("function", required: true)
            version = try fields.string("version")
            versionNode = fields["version"] ?? node
            includeBody = try fields.bool("include_body") ?? false
        } else if let text = try reader.text(node, what: context) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            name = String(parts[0])
            version = parts.count > 1 ? String(parts[1]) : nil
        }
        guard let name else { return nil }
        if let function = functions.first(where: { $0.name == name }), function.runtime.isCloudFrontFunction {
            return try cloudFrontFunctionAssociation(function, event: event, version: version, includeBody: includeBody, context: context, at: node)
        }
        guard let version, !version.isEmpty else {
            try reader.report(
                .invalidAssociation,
                "\(context) names '\(name)' with no version: CloudFront runs only a numbered version, e.g. '\(name):1'",
                at: versionNode
            )
            return nil
        }
        guard version != "$LATEST" else {
            try reader.report(
                .invalidAssociation,
                "\(context) names '\(name):$LATEST': CloudFront refuses $LATEST; publish a version and name its number, e.g. '\(name):1'",
                at: versionNode
            )
            return nil
        }
        guard let number = Int(version), number >= 1 else {
            try reader.report(
                .invalidAssociation,
                "\(context) names version '\(version)' of '\(name)': only numbered versions (1, 2, 3 …) can be associated, not aliases",
                at: versionNode
            )
            return nil
        }
        guard declaredFunctions[name] != nil else {
            try reader.report(
                .unknownReference,
                "\(context) names unknown function '\(name)'\(Suggestion.phrase(for: name, among: declaredFunctions.keys.sorted()))",
                at: node
            )
            return nil
        }
        guard number == 1 else {
            try reader.report(
                .invalidAssociation,
                "\(context) names '\(name):\(number)', but a topology publishes each of its functions as version 1",
                at: versionNode
            )
            return nil
        }
        if includeBody, !event.isRequestEvent {
            try reader.report(.invalidAssociation, "\(context) sets include_body, which CloudFront allows only on request events", at: node)
        }
        if let function = functions.first(where: { $0.name == name }) {
            try checkLimits(of: function, for: event, context: context, at: node)
        }
        return FunctionAssociation(event: event, function: name, version: number, includeBody: includeBody, source: reader.location(node))
    }

    /// A CloudFront Function's association: unversioned (it runs the function's LIVE stage,
    /// which the topology publishes as its first), at a viewer event only, with no body.
    private func cloudFrontFunctionAssociation(
        _ function: FunctionSpec,
        event: EventType,
        version: String?,
        includeBody: Bool,
        context: String,
        at node: Node
    ) throws -> FunctionAssociation? {
        var valid = true
        if let version {
            try reader.report(
                .invalidAssociation,
                "\(context) names '\(function.name):\(version)', but CloudFront Functions have no numbered versions: name '\(function.name)', which runs its LIVE stage",
                at: node
            )
            valid = false
        }
        if !event.isViewerFacing {
            try reader.report(
                .invalidAssociation,
                "\(context) names CloudFront Function '\(function.name)', which can run only at viewer-request or viewer-response",
                at: node
            )
            valid = false
        }
        if includeBody {
            try reader.report(.invalidAssociation, "\(context) sets include_body, but CloudFront Functions never see the request body", at: node)
            valid = false
        }
        guard valid else { return nil }
        return FunctionAssociation(event: event, function: function.name, version: 1, source: reader.location(node))
    }

    /// CloudFront's rule on mixing the two kinds on one behavior (spec §1): a CloudFront
    /// Function at either viewer event rules out Lambda@Edge at both viewer events.
    private func checkMixing(_ associations: [EventType: FunctionAssociation], in what: String) throws {
        let isFunction = { (association: FunctionAssociation) in
            self.functions.first { $0.name == association.function }?.runtime.isCloudFrontFunction == true
        }
        guard let function = associations.values.filter(isFunction).min(by: { $0.event < $1.event }) else { return }
        for lambda in associations.values.sorted(by: { $0.event < $1.event }) where lambda.event.isViewerFacing && !isFunction(lambda) {
            let message =
                "\(what) runs Lambda@Edge '\(lambda)' at \(lambda.event.rawValue) and CloudFront Function '\(function.function)' at \(function.event.rawValue): CloudFront does not mix the two at viewer events (Lambda@Edge may run at origin-request and origin-response beside a CloudFront Function)"
            if let location = lambda.source {
                try reader.report(Diagnostic(.error, .invalidAssociation, message, at: location))
            }
        }
    }

    /// A function associated with an event must fit that event's limits (spec §4).
    private func checkLimits(of function: FunctionSpec, for event: EventType, context: String, at node: Node) throws {
        if function.timeout > event.maximumTimeout {
            let message =
                "\(context): function '\(function.name)' has a \(function.timeout.inMilliseconds.compact) ms timeout; \(event.rawValue) allows at most \(event.maximumTimeout.inMilliseconds.compact) ms"
            try reader.report(.limitExceeded, message, at: node)
        }
        if function.memoryMegabytes > event.maximumMemoryMegabytes {
            let message =
                "\(context): function '\(function.name)' has \(function.memoryMegabytes) MB of memory; \(event.rawValue) allows at most \(event.maximumMemoryMegabytes) MB"
            try reader.report(.limitExceeded, message, at: node)
        }
    }
}
