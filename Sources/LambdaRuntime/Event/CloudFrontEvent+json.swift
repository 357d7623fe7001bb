import HTTPTypes
import Topology

extension CloudFrontEvent {
    /// The event JSON exactly as spec §2 shows it: `{"Records":[{"cf":{config, request, response?}}]}`.
    /// Headers CloudFront never shows a function (the disallowed ones) are left out.
    public var json: [UInt8] {
        var json = JSONWriter(capacity: 2_048)
        json.object { json in
            json.member("Records") { json in
                json.array { json in
                    json.object { json in
                        json.member("cf") { json in
                            json.object { json in
                                json.member("config") { json in
                                    json.object { json in
                                        json.member("distributionDomainName", string: config.distributionDomainName)
                                        json.member("distributionId", string: config.distributionId)
                                        json.member("eventType", string: config.eventType.rawValue)
                                        json.member("requestId", string: config.requestId)
                                    }
                                }
                                json.member("request") { Self.write(request, to: &$0) }
                                if let response {
                                    json.member("response") { json in
                                        json.object { json in
                                            json.member("status", string: String(response.status))
                                            json.member("statusDescription", string: response.statusDescription)
                                            json.member("headers") { Self.write(response.headers, to: &$0) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return json.bytes
    }

    static func write(_ request: EventRequest, to json: inout JSONWriter) {
        json.object { json in
            json.member("clientIp", string: request.clientIp)
            json.member("headers") { write(request.headers, to: &$0) }
            json.member("method", string: request.method)
            json.member("querystring", string: request.querystring)
            json.member("uri", string: request.uri)
            if let body = request.body {
                json.member("body") { json in
                    json.object { json in
                        json.member("inputTruncated", raw: body.inputTruncated ? "true" : "false")
                        json.member("action", string: body.action)
                        json.member("encoding", string: body.encoding)
                        json.member("data", string: body.data)
                    }
                }
            }
            if let origin = request.origin { json.member("origin") { write(origin, to: &$0) } }
        }
    }

    static func write(_ origin: EventOrigin, to json: inout JSONWriter) {
        json.object { json in
            switch origin {
            case .custom(let custom):
                json.member("custom") { json in
                    json.object { json in
                        json.member("customHeaders") { write(custom.customHeaders, to: &$0) }
                        json.member("domainName", string: custom.domainName)
                        json.member("keepaliveTimeout", raw: String(custom.keepaliveTimeout))
                        json.member("path", string: custom.path)
                        json.member("port", raw: String(custom.port))
                        json.member("protocol", string: custom.protocol)
                        json.member("readTimeout", raw: String(custom.readTimeout))
                        json.member("sslProtocols") { json in json.array { json in for item in custom.sslProtocols { json.string(item) } } }
                    }
                }
            case .s3(let s3):
                json.member("s3") { json in
                    json.object { json in
                        json.member("authMethod", string: s3.authMethod)
                        json.member("customHeaders") { write(s3.customHeaders, to: &$0) }
                        json.member("domainName", string: s3.domainName)
                        json.member("path", string: s3.path)
                        json.member("region", string: s3.region)
                    }
                }
            }
        }
    }

    /// An origin's JSON on its own.
    static func json(of origin: EventOrigin) -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        write(origin, to: &json)
        return json.bytes
    }

    /// Headers as CloudFront gives them: lowercase names, each an array of `{key, value}` in the
    /// order the lines arrived, disallowed names left out.
    static func write(_ fields: HTTPFields, to json: inout JSONWriter) {
        var groups: [(name: String, fields: [HTTPField])] = []
        var position: [HTTPField.Name: Int] = [:]
        for field in fields where !HeaderRules.isDisallowed(field.name.canonicalName) {
            if let index = position[field.name] {
                groups[index].fields.append(field)
            } else {
                position[field.name] = groups.count
                groups.append((field.name.canonicalName, [field]))
            }
        }
        json.object { json in
            for group in groups {
                json.member(group.name) { json in
                    json.array { json in
                        for field in group.fields {
                            json.object { json in
                                json.member("key", string: field.name.rawName)
                                json.member("value", string: field.value)
                            }
                        }
                    }
                }
            }
        }
    }
}
