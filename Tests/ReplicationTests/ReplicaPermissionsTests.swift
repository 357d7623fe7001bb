import Foundation
import Testing

@testable import Replication

/// A replica made by an older edgesim, whose bundles and epoch file others could read, is closed
/// to its owner when opened, so handlers running as other users cannot read other functions'
/// packages.
@Suite struct ReplicaPermissionsTests {
    @Test func openingAReplicaClosesItsBundlesAndEpochFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-replica-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = folder.appendingPathComponent("bundles/auth/1.zip")
        let epochs = folder.appendingPathComponent("epochs.json")
        try FileManager.default.createDirectory(at: bundle.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("zip".utf8).write(to: bundle)
        try Data(#"{"epochs":[],"versions":[],"stores":[]}"#.utf8).write(to: epochs)
        for file in [bundle, epochs] { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path) }

        _ = try? ReplicaStore(directory: folder.path)
        for file in [bundle, epochs] {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(file.lastPathComponent): \(String(mode?.intValue ?? -1, radix: 8))")
        }
    }
}
