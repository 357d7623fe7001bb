import Foundation
import Testing
import Topology

@testable import CloudFrontImport

/// UpdateDistribution's body read back: CloudFront's XML typed as the JSON import reads it, and
/// a distribution's own config (GetDistributionConfig's XML) mapped onto its topology gives the
/// same distribution, its associations handed back for the registry.
@Suite struct DistributionUpdateTests {
    @Test func theXMLReaderTypesLeavesAsTheJSONWouldHaveThem() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
              <CallerReference>007</CallerReference>
              <Enabled>true</Enabled>
              <Aliases><Quantity>2</Quantity><Items><CNAME>a.example.test</CNAME><CNAME>b.example.test</CNAME></Items></Aliases>
              <Comment></Comment>
              <Origins><Quantity>0</Quantity><Items/></Origins>
            </DistributionConfig>
            """
        let config = try CloudFrontXMLReader.read(Data(xml.utf8), file: "body")
        #expect(config.path == "$.DistributionConfig")
        #expect(try config.string("CallerReference") == "007", "a number not written canonically stays text")
        #expect(try config.bool("Enabled") == true)
        #expect(try config.required("Aliases").required("Quantity").string() == "2", "a field read as text takes a number from XML")
        #expect(try config.items("Aliases").map { try $0.string() } == ["a.example.test", "b.example.test"])
        #expect(try config.string("Comment") == "")
        #expect(try config.items("Origins").isEmpty)

        for bad in ["<DistributionConfig><Enabled>true</DistributionConfig>", "", "not xml"] {
            #expect {
                try CloudFrontXMLReader.read(Data(bad.utf8), file: "body")
            } throws: { error in
                (error as? ImportError)?.reason == .malformed && (error as? ImportError)?.path == "$"
            }
        }
    }

    /// The example import's topology, loaded, and its text.
    static func imported() throws -> (Topology, String, URL) {
        let folder = try CloudFrontImportTests.scratch()
        let (topology, result) = try CloudFrontImportTests.importAndLoad([CloudFrontImportTests.example], in: folder)
        return (topology, result.yaml, folder)
    }

    /// Loads an update's YAML beside the import it was made on.
    static func load(_ yaml: String, in folder: URL) throws -> Topology {
        let path = folder.appendingPathComponent("updated.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let report = TopologyLoader.check(path: path)
        return try #require(report.topology, "\(report.diagnostics)\n\(yaml)")
    }

    @Test func aDistributionsOwnConfigGivesItBackWithItsAssociationsForTheRegistry() throws {
        let (topology, text, folder) = try Self.imported()
        let distribution = try #require(topology.distributions.first)
        let (xml, _) = CloudFrontAPIDocuments.config(distribution, in: topology)
        let update = try DistributionUpdate.make(distribution: distribution.id, body: Data(xml.utf8), topology: topology, text: text)
        let updated = try #require(try Self.load(update.yaml, in: folder).distribution(distribution.id))

        // The same distribution, but for its associations, which the registry now holds.
        var expected = CloudFrontExportTests.comparable(distribution)
        expected.behaviors = expected.behaviors.map { behavior in
            var behavior = behavior
            behavior.functions = [:]
            return behavior
        }
        #expect(CloudFrontExportTests.comparable(updated) == expected)
        let declared = distribution.behaviors.flatMap { behavior in
            behavior.functions.values.map { "\(behavior.pathPattern) \($0.event.rawValue) \($0.function)" }
        }
        let handed = update.associations.map { "\($0.behavior) \($0.event) \($0.function.split(separator: ":")[0])" }
        #expect(Set(handed) == Set(declared) && !handed.isEmpty, "\(update.associations)")
        #expect(update.associations.allSatisfy { $0.path.hasPrefix("$.DistributionConfig.") })
    }

    @Test func whatAnUpdateMayNotDoIsRefusedAtItsPath() throws {
        let (topology, text, _) = try Self.imported()
        let distribution = try #require(topology.distributions.first)
        let (xml, _) = CloudFrontAPIDocuments.config(distribution, in: topology)
        func attempt(_ from: String, _ to: String) throws -> DistributionUpdate {
            let changed = xml.replacingOccurrences(of: from, with: to)
            #expect(changed != xml, "the edit \(from) → \(to) applies")
            return try DistributionUpdate.make(distribution: distribution.id, body: Data(changed.utf8), topology: topology, text: text)
        }
        #expect(throws: IllegalUpdate.self) {
            try attempt("<CallerReference>\(distribution.id)</CallerReference>", "<CallerReference>another</CallerReference>")
        }
        let origin = try #require(distribution.origins.first)
        #expect {
            try attempt("<Id>\(origin)</Id>", "<Id>not-in-this-network</Id>")
        } throws: { error in
            guard let error = error as? ImportError else { return false }
            return error.reason == .noSuchOrigin && error.path.hasPrefix("$.DistributionConfig.Origins.Items[")
        }
        #expect {
            try attempt("<Quantity>\(distribution.origins.count)</Quantity>", "<Quantity>\(distribution.origins.count + 5)</Quantity>")
        } throws: { error in
            (error as? ImportError)?.reason == .inconsistentQuantities
        }
    }
}
