import Yams

extension TopologyParser {
    /// `default_root_object:` — an object name without a leading `/` (CloudFront's rule), at
    /// most 255 characters of those CloudFront allows.
    func parseDefaultRootObject(_ fields: Fields) throws -> String? {
        guard let object = try fields.string("default_root_object"), let node = fields["default_root_object"] else { return nil }
        if object.hasPrefix("/") {
            let bare = String(object.drop { $0 == "/" })
            try reader.report(
                .invalidValue,
                "'default_root_object' of \(fields.what) is '\(object)': CloudFront wants the object's name without a leading '/'; did you mean '\(bare)'?",
                at: node
            )
            return nil
        }
        if object.count > 255 || object.wholeMatch(of: /[A-Za-z0-9_\-.*$\/~"'&]+/) == nil {
            try reader.report(
                .invalidValue,
                "'default_root_object' of \(fields.what) is '\(object)': expected at most 255 of A-Z a-z 0-9 _ - . * $ / ~ \" ' &",
                at: node
            )
            return nil
        }
        return object
    }

    /// `custom_error_responses:` — a list of `{error_code, response_page_path, response_code,
    /// error_caching_min_ttl}`, one per error code, with CloudFront's rules: the page path and
    /// its status are set together or not at all, and the path names a behavior's object.
    func parseErrorResponses(_ fields: Fields) throws -> [Int: CustomErrorResponse] {
        guard let node = fields["custom_error_responses"],
            let items = try reader.items(node, what: "'custom_error_responses' of \(fields.what)")
        else { return [:] }
        var responses: [Int: CustomErrorResponse] = [:]
        for item in items {
            guard let response = try parseErrorResponse(item, in: fields.what) else { continue }
            if responses[response.errorCode] != nil {
                try reader.report(
                    .duplicateID,
                    "'custom_error_responses' of \(fields.what) has two entries for \(response.errorCode); CloudFront allows one per error code",
                    at: item
                )
                continue
            }
            responses[response.errorCode] = response
        }
        return responses
    }

    private func parseErrorResponse(_ node: Node, in distribution: String) throws -> CustomErrorResponse? {
        let allowed = ["error_code", "response_page_path", "response_code", "error_caching_min_ttl"]
        guard let fields = try reader.fields(node, what: "an entry of 'custom_error_responses' of \(distribution)", allowed: allowed),
            let code = try fields.integer("error_code", required: true, in: 100...599)
        else { return nil }
        let what = "the custom error response for \(code) of \(distribution)"
        guard CustomErrorResponse.errorCodes.contains(code) else {
            try report(
                .invalidValue,
                "\(what): CloudFront customizes only \(Self.listed(CustomErrorResponse.errorCodes))",
                field: "error_code",
                of: fields
            )
            return nil
        }
        var response = CustomErrorResponse(errorCode: code)
        if let ttl = try fields.quantity("error_caching_min_ttl", Quantity.duration) { response.cachingMinimumTTL = ttl }
        let path = try fields.string("response_page_path")
        let status = try fields.integer("response_code", in: 100...599)
        switch (path, status) {
        case (nil, nil):
            break
        case (let path?, let status?):
            guard path.hasPrefix("/") else {
                try report(
                    .invalidValue,
                    "'response_page_path' of \(what) is '\(path)': a page path starts with '/'; did you mean '/\(path)'?",
                    field: "response_page_path",
                    of: fields
                )
                return nil
            }
            guard CustomErrorResponse.responseCodes.contains(status) else {
                try report(
                    .invalidValue,
                    "'response_code' of \(what) is \(status): CloudFront sends a page with \(Self.listed(CustomErrorResponse.responseCodes))",
                    field: "response_code",
                    of: fields
                )
                return nil
            }
            response.page = .init(path: path, responseCode: status)
        case (nil, _?):
            try report(
                .missingField,
                "\(what) has a 'response_code' but no 'response_page_path': CloudFront needs both or neither",
                field: "response_code",
                of: fields
            )
            return nil
        case (_?, nil):
            try report(
                .missingField,
                "\(what) has a 'response_page_path' but no 'response_code': CloudFront needs both or neither",
                field: "response_page_path",
                of: fields
            )
            return nil
        }
        return response
    }

    /// Status codes in order, for messages.
    private static func listed(_ codes: Set<Int>) -> String {
        codes.sorted().map(String.init).joined(separator: ", ")
    }
}
