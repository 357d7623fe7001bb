import Foundation
import Topology
import Yams

extension CloudFrontImporter {
    /// A response headers policy by id, managed or from its `get-response-headers-policy` output.
    mutating func responseHeadersPolicy(_ id: String, at field: JSONField) throws -> String {
        if let managed = ResponseHeadersPolicy.managed.first(where: { $0.id == id }) { return "Managed-" + managed.name }
        if let name = declaredPolicyIDs[id] { return name }
        if running {
            throw field.error(
                "names response headers policy \(id), which is neither a managed policy nor one of the network's response_headers_policies",
                .noSuchResponseHeadersPolicy
            )
        }
        guard let config = responseHeadersPolicyDocuments[id] else {
            throw field.error(
                "names response headers policy \(id), which is not a managed policy: add the output of aws cloudfront get-response-headers-policy --id \(id)",
                .noSuchResponseHeadersPolicy
            )
        }
        config.unmodelled(
            handled: [
                "Name", "Comment", "CorsConfig", "SecurityHeadersConfig", "CustomHeadersConfig", "RemoveHeadersConfig", "ServerTimingHeadersConfig",
            ],
            into: &warnings
        )
        let name = try identifier(
            for: try config.required("Name").string(),
            at: config.required("Name"),
            taken: Set(responseHeadersPolicies.map(\.0))
        )
        var fields: [(String, Node?)] = []
        if let cors = config["CorsConfig"] {
            cors.unmodelled(
                handled: [
                    "AccessControlAllowOrigins", "AccessControlAllowHeaders", "AccessControlAllowMethods", "AccessControlAllowCredentials",
                    "AccessControlExposeHeaders", "AccessControlMaxAgeSec", "OriginOverride",
                ],
                into: &warnings
            )
            fields.append(
                (
                    "cors",
                    YAMLBuilder.map(
                        [
                            (
                                "allow_origins",
                                YAMLBuilder.texts(try cors.required("AccessControlAllowOrigins").wrappedItems().map { try $0.string() })
                            ),
                            ("allow_headers", try Self.names(cors["AccessControlAllowHeaders"])),
                            ("allow_methods", try Self.names(cors["AccessControlAllowMethods"])),
                            ("allow_credentials", try cors.bool("AccessControlAllowCredentials") == true ? YAMLBuilder.flag(true) : nil),
                            ("expose_headers", try Self.names(cors["AccessControlExposeHeaders"])),
                            ("max_age", try cors.integer("AccessControlMaxAgeSec").map { YAMLBuilder.text("\($0) s") }),
                            ("origin_override", try cors.bool("OriginOverride").map(YAMLBuilder.flag)),
                        ],
                        flow: true
                    )
                )
            )
        }
        if let security = config["SecurityHeadersConfig"] { fields.append(("security_headers", try securityHeaders(security))) }
        if let custom = config["CustomHeadersConfig"] {
            let headers = try custom.wrappedItems().map { item in
                YAMLBuilder.map(
                    [
                        ("header", YAMLBuilder.text(try item.required("Header").string())),
                        ("value", YAMLBuilder.text(try item.required("Value").string())),
                        ("override", YAMLBuilder.flag(try item.bool("Override") ?? false)),
                    ],
                    flow: true
                )
            }
            if !headers.isEmpty { fields.append(("custom_headers", YAMLBuilder.list(headers, flow: false))) }
        }
        if let remove = config["RemoveHeadersConfig"] {
            let names = try remove.wrappedItems().map { try $0.required("Header").string() }
            if !names.isEmpty { fields.append(("remove_headers", YAMLBuilder.texts(names))) }
        }
        if let timing = config["ServerTimingHeadersConfig"], try timing.bool("Enabled") == true {
            let rate = try timing["SamplingRate"].map { field -> String in
                if case .number(let number) = field.value { return number == number.rounded() ? String(Int(number)) : String(number) }
                throw field.error("must be a number")
            }
            fields.append(
                ("server_timing", YAMLBuilder.map([("enabled", YAMLBuilder.flag(true)), ("sampling_rate", rate.map(YAMLBuilder.text))], flow: true))
            )
        }
        responseHeadersPolicies.append((name, YAMLBuilder.map(fields)))
        declaredPolicyIDs[id] = name
        return name
    }

    /// A CORS list: `ALL` as `['*']`, names otherwise; `nil` when empty.
    private static func names(_ wrapper: JSONField?) throws -> Node? {
        guard let wrapper else { return nil }
        let names = try wrapper.wrappedItems().map { try $0.string() }.map { $0 == "ALL" ? "*" : $0 }
        return names.isEmpty ? nil : YAMLBuilder.texts(names)
    }

    private mutating func securityHeaders(_ config: JSONField) throws -> Node {
        let keys: [(json: String, yaml: String, value: String?)] = [
            ("ContentTypeOptions", "content_type_options", nil), ("FrameOptions", "frame_options", "FrameOption"),
            ("ReferrerPolicy", "referrer_policy", "ReferrerPolicy"), ("XSSProtection", "xss_protection", nil),
            ("StrictTransportSecurity", "strict_transport_security", nil),
            ("ContentSecurityPolicy", "content_security_policy", "ContentSecurityPolicy"),
        ]
        config.unmodelled(handled: Set(keys.map(\.json)), into: &warnings)
        var fields: [(String, Node?)] = []
        for key in keys {
            guard let header = config[key.json] else { continue }
            var inner: [(String, Node?)] = [("override", YAMLBuilder.flag(try header.bool("Override") ?? false))]
            if let value = key.value { inner.append(("value", YAMLBuilder.text(try header.required(value).string()))) }
            switch key.json {
            case "StrictTransportSecurity":
                inner.append(("max_age", YAMLBuilder.text("\(try header.required("AccessControlMaxAgeSec").integer()) s")))
                if try header.bool("IncludeSubdomains") == true { inner.append(("include_subdomains", YAMLBuilder.flag(true))) }
                if try header.bool("Preload") == true { inner.append(("preload", YAMLBuilder.flag(true))) }
            case "XSSProtection":
                inner.append(("protection", YAMLBuilder.flag(try header.bool("Protection") ?? true)))
                if try header.bool("ModeBlock") == true { inner.append(("mode_block", YAMLBuilder.flag(true))) }
                if let uri = try header.string("ReportUri") { inner.append(("report_uri", YAMLBuilder.text(uri))) }
            default: break
            }
            fields.append((key.yaml, YAMLBuilder.map(inner, flow: true)))
        }
        return YAMLBuilder.map(fields)
    }

    /// A behavior's Lambda@Edge and CloudFront Function associations, by event type.
    mutating func associations(_ behavior: JSONField, path: String) throws -> [(String, Node?)] {
        var result: [(String, Node?)] = []
        for association in try behavior.items("LambdaFunctionAssociations") {
            association.unmodelled(handled: ["LambdaFunctionARN", "EventType", "IncludeBody"], into: &warnings)
            let arnField = try association.required("LambdaFunctionARN")
            let event = try association.required("EventType").string()
            let (name, version) = try Self.lambdaARN(try arnField.string(), at: arnField)
            if running {
                runningAssociations.append(
                    .init(
                        behavior: path,
                        event: event,
                        function: "\(name):\(version)",
                        includeBody: try association.bool("IncludeBody") == true,
                        kind: .lambda,
                        path: arnField.path
                    )
                )
                continue
            }
            let declared = try lambdaFunction(name, at: arnField)
            if version != "1" {
                warn(arnField, "version \(version) of \(name) is version 1 here: the topology publishes its code as version 1 at up")
            }
            let body = try association.bool("IncludeBody") == true
            result.append(
                (
                    event,
                    body
                        ? YAMLBuilder.map(
                            [("function", YAMLBuilder.text(declared)), ("version", YAMLBuilder.number(1)), ("include_body", YAMLBuilder.flag(true))],
                            flow: true
                        ) : YAMLBuilder.text("\(declared):1")
                )
            )
        }
        for association in try behavior.items("FunctionAssociations") {
            association.unmodelled(handled: ["FunctionARN", "EventType"], into: &warnings)
            let arnField = try association.required("FunctionARN")
            let arn = try arnField.string()
            guard arn.hasPrefix("arn:aws:cloudfront::"), let slash = arn.lastIndex(of: "/") else {
                throw arnField.error("is '\(arn)': expected a CloudFront Function ARN, arn:aws:cloudfront::ACCOUNT:function/NAME")
            }
            let name = String(arn[arn.index(after: slash)...])
            if running {
                runningAssociations.append(
                    .init(
                        behavior: path,
                        event: try association.required("EventType").string(),
                        function: name,
                        includeBody: false,
                        kind: .cloudFrontFunction,
                        path: arnField.path
                    )
                )
                continue
            }
            let declared = try cloudFrontFunction(name, at: arnField)
            result.append((try association.required("EventType").string(), YAMLBuilder.text(declared)))
        }
        return result
    }

    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME:VERSION` → (NAME, VERSION).
    static func lambdaARN(_ arn: String, at field: JSONField) throws -> (String, String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[0] == "arn", parts[2] == "lambda", parts[5] == "function", !parts[6].isEmpty, !parts[7].isEmpty else {
            throw field.error("is '\(arn)': expected a numbered Lambda version ARN, arn:aws:lambda:us-east-1:ACCOUNT:function:NAME:VERSION")
        }
        return (String(parts[6]), String(parts[7]))
    }

    /// A Lambda@Edge function's `functions:` entry, made once, from `--functions DIR`'s
    /// `NAME/` folder or `NAME.zip`.
    private mutating func lambdaFunction(_ name: String, at field: JSONField) throws -> String {
        if functions.contains(where: { $0.0 == name }) { return name }
        let (code, files) = try codeLocation(for: name, candidates: [name, name + ".zip"], at: field)
        let python = files.contains { $0.hasSuffix(".py") }
        let handler: String
        if python {
            let module = files.first { $0 == "lambda_function.py" } ?? files.first { $0.hasSuffix(".py") } ?? "lambda_function.py"
            handler = String(module.dropLast(3)) + (module == "lambda_function.py" ? ".lambda_handler" : ".handler")
        } else {
            let module =
                ["index.js", "index.mjs", "index.cjs"].first(where: files.contains) ?? files.first { $0.hasSuffix(".js") || $0.hasSuffix(".mjs") }
                ?? "index.js"
            handler = (module as NSString).deletingPathExtension + ".handler"
        }
        warn(
            field,
            "\(name) runs as \(python ? "python3.12" : "nodejs20.x") with handler \(handler), read from its code; set 'runtime' and 'handler' if they differ"
        )
        functions.append(
            (
                name,
                YAMLBuilder.map(
                    [
                        ("runtime", YAMLBuilder.text(python ? "python3.12" : "nodejs20.x")), ("handler", YAMLBuilder.text(handler)),
                        ("code", YAMLBuilder.text(relativeToOutput(code))),
                    ],
                    flow: true
                )
            )
        )
        return name
    }

    /// A CloudFront Function's entry, from `NAME.js` or `NAME/index.js`, with the runtime its
    /// `describe-function` output gives (else cloudfront-js-2.0).
    private mutating func cloudFrontFunction(_ name: String, at field: JSONField) throws -> String {
        if functions.contains(where: { $0.0 == name }) { return name }
        let (found, _) = try codeLocation(for: name, candidates: [name + ".js", name + "/index.js"], at: field)
        let runtime = functionRuntimes[name] ?? "cloudfront-js-2.0"
        if functionRuntimes[name] == nil {
            warn(field, "\(name) runs as cloudfront-js-2.0: add aws cloudfront describe-function --name \(name) output to say its runtime")
        }
        functions.append(
            (name, YAMLBuilder.map([("runtime", YAMLBuilder.text(runtime)), ("code", YAMLBuilder.text(relativeToOutput(found)))], flow: true))
        )
        return name
    }

    /// The first candidate under `--functions DIR` that exists, and the file names of a folder's top level.
    private func codeLocation(for name: String, candidates: [String], at field: JSONField) throws -> (String, [String]) {
        guard let folder = options.functions else {
            throw field.error(
                "names function \(name), whose code is not given: pass --functions DIR with \(candidates.joined(separator: " or ")) in it"
            )
        }
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        for candidate in candidates {
            let path = root.appendingPathComponent(candidate).path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            let files = isFolder.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []) : []
            return (path, files)
        }
        throw field.error("names function \(name), but \(root.path) has no \(candidates.joined(separator: " or "))")
    }
}
