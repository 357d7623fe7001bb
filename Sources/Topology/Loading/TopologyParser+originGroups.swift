import Yams

extension TopologyParser {
    /// `origin_groups:` of a distribution — `{ID: {members: [primary, secondary],
    /// failover_criteria: [503, …]}}`, with CloudFront's rules: exactly two of the
    /// distribution's origins, statuses CloudFront can fail over on, at most ten groups, and
    /// an id no origin has.
    func parseOriginGroups(_ fields: Fields, origins: [String]) throws -> [OriginGroup] {
        guard let node = fields["origin_groups"], let entries = try reader.entries(node, what: "'origin_groups' of \(fields.what)") else {
            return []
        }
        var groups: [OriginGroup] = []
        for entry in entries {
            guard let group = try parseOriginGroup(id: entry.key, keyNode: entry.keyNode, value: entry.value, origins: origins, in: fields.what)
            else { continue }
            groups.append(group)
        }
        if groups.count > OriginGroup.maximumPerDistribution {
            try reader.report(
                .limitExceeded,
                "\(fields.what) has \(groups.count) origin groups; CloudFront allows \(OriginGroup.maximumPerDistribution)",
                at: node
            )
        }
        return groups
    }

    private func parseOriginGroup(id: String, keyNode: Node, value: Node, origins: [String], in distribution: String) throws -> OriginGroup? {
        guard try checkID(id, at: keyNode, role: "origin group", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected) else {
            return nil
        }
        if declared[id] != nil {
            try reader.report(.duplicateID, "origin group '\(id)' of \(distribution) has the id of the \(declared[id]!.role) '\(id)'", at: keyNode)
            return nil
        }
        let what = "origin group '\(id)' of \(distribution)"
        guard let fields = try reader.fields(value, what: what, allowed: ["members", "failover_criteria"]),
            let members = try fields.strings("members", required: true),
            let criteria = try fields.strings("failover_criteria", required: true)
        else { return nil }
        var valid = true
        if members.count != 2 {
            try report(
                .invalidValue,
                "\(what) has \(members.count) member\(members.count == 1 ? "" : "s"): CloudFront wants exactly two, the primary then the secondary",
                field: "members",
                of: fields
            )
            valid = false
        }
        for (member, node) in members where !origins.contains(member) {
            try reader.report(
                .unknownReference,
                "\(what) names '\(member)', which is not among the distribution's origins\(Suggestion.phrase(for: member, among: origins))",
                at: node
            )
            valid = false
        }
        if members.count == 2, members[0].text == members[1].text {
            try report(.duplicateID, "\(what) names '\(members[0].text)' twice: its two members must differ", field: "members", of: fields)
            valid = false
        }
        var statuses: Set<Int> = []
        for (text, node) in criteria {
            guard let status = Int(text), OriginGroup.failoverStatuses.contains(status) else {
                let allowed = OriginGroup.failoverStatuses.sorted().map(String.init).joined(separator: ", ")
                try reader.report(.invalidValue, "'\(text)' in 'failover_criteria' of \(what): CloudFront fails over on \(allowed)", at: node)
                valid = false
                continue
            }
            statuses.insert(status)
        }
        if criteria.isEmpty {
            try report(
                .missingField,
                "\(what) lists no status in 'failover_criteria'; CloudFront needs at least one",
                field: "failover_criteria",
                of: fields
            )
            valid = false
        }
        guard valid else { return nil }
        return OriginGroup(id: id, primary: members[0].text, secondary: members[1].text, failoverStatuses: statuses, source: reader.location(keyNode))
    }
}
