import Foundation
import SwiftASN1
import X509
import Yams

extension TopologyParser {
    /// One entry of `key_groups:` — `{public_keys: {KEY_ID: file.pem, …}}`: one to five public
    /// keys, each a PEM file (relative to the topology) read and checked here.
    func parseKeyGroup(id: String, keyNode: Node, value: Node) throws -> KeyGroup? {
        let validID = try checkID(id, at: keyNode, role: "key group", rule: IdentifierRules.name, expected: IdentifierRules.nameExpected)
        let what = "key group '\(id)'"
        guard let fields = try reader.fields(value, what: what, allowed: ["public_keys"]) else { return nil }
        guard let node = try fields.require("public_keys"), let entries = try reader.entries(node, what: "'public_keys' of \(what)") else {
            return nil
        }
        var keys: [KeyGroup.PublicKey] = []
        for entry in entries {
            guard entry.key.wholeMatch(of: /[A-Z0-9]{1,128}/) != nil else {
                try reader.report(
                    .invalidValue,
                    "public key id '\(entry.key)' of \(what) is not valid: expected capitals and digits, e.g. K2JCJMDEHXQW5F",
                    at: entry.keyNode
                )
                continue
            }
            guard let path = try reader.text(entry.value, what: "public key '\(entry.key)' of \(what)") else { continue }
            let absolute = absolutePath(path)
            guard let data = FileManager.default.contents(atPath: absolute), let pem = String(data: data, encoding: .utf8) else {
                try reader.report(
                    .invalidValue,
                    "public key '\(entry.key)' of \(what): no file at '\(path)' (resolved to \(absolute))",
                    at: entry.value
                )
                continue
            }
            guard (try? Certificate.PublicKey(pemEncoded: pem)) != nil else {
                try reader.report(
                    .invalidValue,
                    "public key '\(entry.key)' of \(what): '\(path)' is not a PEM public key (make one with openssl rsa -pubout)",
                    at: entry.value
                )
                continue
            }
            keys.append(.init(id: entry.key, pem: pem))
        }
        if entries.isEmpty {
            try reader.report(.missingField, "\(what) has no public keys; CloudFront needs at least one", at: node)
        } else if entries.count > KeyGroup.maximumKeys {
            try reader.report(.limitExceeded, "\(what) has \(entries.count) public keys; CloudFront allows \(KeyGroup.maximumKeys)", at: node)
        }
        guard validID, !keys.isEmpty else { return nil }
        return KeyGroup(id: id, keys: keys, source: reader.location(keyNode))
    }

    /// A behavior's `trusted_key_groups:` — at most four declared key groups.
    func parseTrustedKeyGroups(_ fields: Fields, in what: String) throws -> [String] {
        guard let listed = try fields.strings("trusted_key_groups") else { return [] }
        var groups: [String] = []
        for (id, node) in listed {
            guard keyGroups.contains(where: { $0.id == id }) else {
                try reader.report(
                    .unknownReference,
                    "\(what) trusts unknown key group '\(id)'\(Suggestion.phrase(for: id, among: keyGroups.map(\.id)))",
                    at: node
                )
                continue
            }
            if !groups.contains(id) { groups.append(id) }
        }
        if listed.count > KeyGroup.maximumPerBehavior, let node = fields["trusted_key_groups"] {
            try reader.report(.limitExceeded, "\(what) trusts \(listed.count) key groups; CloudFront allows \(KeyGroup.maximumPerBehavior)", at: node)
        }
        if listed.isEmpty, let node = fields["trusted_key_groups"] {
            try reader.report(.missingField, "'trusted_key_groups' of \(what) lists no key group", at: node)
        }
        return groups
    }
}
