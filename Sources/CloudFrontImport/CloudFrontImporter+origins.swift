import Foundation
import Topology
import Yams

extension CloudFrontImporter {
    /// One of a distribution's origins as an `origins:` entry, run here by its stand-in: a URL or
    /// folder the user maps it to, else an empty folder served as S3 serves it.
    /// - Returns: Its id here.
    mutating func origin(_ origin: JSONField) throws -> String {
        origin.unmodelled(
            handled: [
                "Id", "DomainName", "OriginPath", "CustomHeaders", "S3OriginConfig", "CustomOriginConfig", "ConnectionAttempts",
                "ConnectionTimeout", "OriginShield", "OriginAccessControlId",
            ],
            into: &warnings
        )
        let cloudFrontID = try origin.required("Id").string()
        let domain = try origin.required("DomainName").string()
        if let id = originIDs[cloudFrontID] { return id }
        if running {
            // A running network's origins are its own processes and servers: named, not made.
            guard base.origins.contains(where: { $0.id == cloudFrontID }) else {
                let known = base.origins.map(\.id).joined(separator: ", ")
                throw try origin.required("Id").error(
                    "names origin '\(cloudFrontID)', which does not run in this network (its origins: \(known)); add it to the topology and start the network again",
                    .noSuchOrigin
                )
            }
            originIDs[cloudFrontID] = cloudFrontID
            return cloudFrontID
        }
        let id = try identifier(for: cloudFrontID, at: origin.required("Id"), taken: Set(origins.map(\.0)))
        originIDs[cloudFrontID] = id
        if let path = origin["OriginPath"], !path.value.isDefault {
            warn(path, "origin paths are not modelled; map the origin to a URL or folder that includes it")
        }
        if let headers = origin["CustomHeaders"], !headers.value.isDefault { warn(headers, "custom origin headers are not modelled; not sent") }
        let s3 = origin["S3OriginConfig"] != nil || Self.s3Region(of: domain) != nil
        let custom = origin["CustomOriginConfig"]
        custom?.unmodelled(
            handled: ["HTTPPort", "HTTPSPort", "OriginProtocolPolicy", "OriginSslProtocols", "OriginReadTimeout", "OriginKeepaliveTimeout"],
            into: &warnings
        )

        var fields: [(String, Node?)] = [("location", try location(for: origin, domain: domain))]
        let standIn = options.origins[cloudFrontID] ?? options.origins[id]
        if let standIn, standIn.hasPrefix("http://") || standIn.hasPrefix("https://") {
            fields.append(("url", YAMLBuilder.text(standIn)))
            if let custom, let policy = try custom.string("OriginProtocolPolicy") {
                let speaksHTTPS = standIn.hasPrefix("https://")
                switch (policy, speaksHTTPS) {
                case ("match-viewer", true): fields.append(("protocol_policy", YAMLBuilder.text(policy)))
                case ("https-only", false), ("match-viewer", false):
                    warn(try custom.required("OriginProtocolPolicy"), "\(policy) kept as http-only: the stand-in \(standIn) speaks plain HTTP")
                default: break
                }
                let protocols = try custom.strings("OriginSslProtocols")
                if speaksHTTPS, !protocols.isEmpty, protocols != ["TLSv1.2"] {
                    fields.append(("ssl_protocols", YAMLBuilder.texts(protocols)))
                }
            }
        } else {
            let folder: String
            if let standIn {
                folder = URL(fileURLWithPath: standIn).standardizedFileURL.path
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                    throw ImportError(file: "--origin", path: cloudFrontID, message: "'\(standIn)' is neither an http(s):// URL nor a folder")
                }
            } else {
                folder = try emptyFolder(for: id)
                warn(
                    origin,
                    s3
                        ? "S3 origin '\(cloudFrontID)' (\(domain)) serves an empty folder, \(folder): put its objects there or map it with --origin \(cloudFrontID)=DIR"
                        : "custom origin '\(cloudFrontID)' (\(domain)) has no stand-in and serves an empty folder: map it with --origin \(cloudFrontID)=URL"
                )
            }
            fields.append(("static", YAMLBuilder.text(relativeToOutput(folder))))
        }
        if let attempts = try origin.integer("ConnectionAttempts"), attempts != 3 {
            fields.append(("connection_attempts", YAMLBuilder.number(attempts)))
        }
        if let timeout = try origin.integer("ConnectionTimeout"), timeout != 10 {
            fields.append(("connection_timeout", YAMLBuilder.text("\(timeout) s")))
        }
        if let read = try custom?.integer("OriginReadTimeout"), read != 30 { fields.append(("response_timeout", YAMLBuilder.text("\(read) s"))) }
        if let shield = origin["OriginShield"], try shield.bool("Enabled") == true {
            let region = try shield.required("OriginShieldRegion").string()
            if base.hubs.contains(where: { $0.id == region }) {
                fields.append(("origin_shield", YAMLBuilder.text(region)))
            } else {
                warn(try shield.required("OriginShieldRegion"), "no hub '\(region)' in \(options.onto) to be the Origin Shield; not modelled")
            }
        }
        origins.append((id, YAMLBuilder.map(fields, flow: true)))
        return id
    }

    /// Where an origin runs: at the hub of its S3 bucket's region or its Origin Shield's, else
    /// at us-east-1's (or the registry's place), as its real place is unknown.
    private mutating func location(for origin: JSONField, domain: String) throws -> Node {
        let shieldRegion = try origin["OriginShield"].flatMap { try $0.bool("Enabled") == true ? try $0.string("OriginShieldRegion") : nil }
        let region = Self.s3Region(of: domain) ?? shieldRegion
        let hub = region.flatMap { region in base.hubs.first { $0.id == region } }
        let place = hub?.location ?? base.hubs.first { $0.id == "us-east-1" }?.location ?? base.registry.location
        if hub == nil {
            warn(origin, "placed at \(place.city ?? place.name), as its place is unknown; set its 'location' to where it runs")
        }
        var fields: [(String, Node?)] = [
            ("lat", YAMLBuilder.text(String(place.coordinate.latitude))),
            ("lon", YAMLBuilder.text(String(place.coordinate.longitude))),
        ]
        if let country = place.country { fields.append(("country", YAMLBuilder.text(country))) }
        if let city = place.city { fields.append(("city", YAMLBuilder.text(city))) }
        return YAMLBuilder.map(fields, flow: true)
    }

    /// An S3 endpoint's region (the bucket, the first label, may itself start `s3-`): `bucket.s3.REGION.amazonaws.com`, `bucket.s3-REGION.amazonaws.com`,
    /// `bucket.s3-website-REGION…`, or us-east-1 for `bucket.s3.amazonaws.com`.
    static func s3Region(of domain: String) -> String? {
        let labels = domain.lowercased().split(separator: ".")
        guard domain.lowercased().hasSuffix(".amazonaws.com"), let s3 = labels.dropFirst().firstIndex(where: { $0 == "s3" || $0.hasPrefix("s3-") })
        else {
            return nil
        }
        let label = labels[s3]
        if label.hasPrefix("s3-website-") { return String(label.dropFirst("s3-website-".count)) }
        if label.hasPrefix("s3-website") { return labels.count > s3 + 3 ? String(labels[s3 + 1]) : "us-east-1" }
        if label.hasPrefix("s3-") { return String(label.dropFirst(3)) }
        return labels.count > s3 + 3 ? String(labels[s3 + 1]) : "us-east-1"
    }

    /// An empty folder beside the output for an origin with no stand-in.
    private mutating func emptyFolder(for id: String) throws -> String {
        let output = URL(fileURLWithPath: options.output).standardizedFileURL
        let folder = output.deletingLastPathComponent().appendingPathComponent(output.deletingPathExtension().lastPathComponent + "-origins/" + id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        madeFolders.append(folder.path)
        return folder.path
    }

    /// A path as the output file refers to it: relative when it lies beside or below it.
    func relativeToOutput(_ path: String) -> String {
        let folder = URL(fileURLWithPath: options.output).standardizedFileURL.deletingLastPathComponent().path + "/"
        return path.hasPrefix(folder) ? String(path.dropFirst(folder.count)) : path
    }
}
