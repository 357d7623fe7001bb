import ArgumentParser
import CDNCore
import Foundation

/// `edgesim ca`: where the network's certificate authority is, so HTTPS clients can trust the
/// edges: `curl --cacert "$(edgesim ca)"`, or import it into a browser.
struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Print the path of the network's certificate authority, for curl --cacert or a browser.",
        discussion: """
            `edgesim up` makes the authority once per state directory and keeps it across runs, so a \
            browser told to trust it once keeps trusting the network. Every edge's certificates \
            (each distribution's, and the default *.cloudfront.net one) are issued by it.
            """
    )

    @OptionGroup var state: StateDirectoryOption

    func run() throws {
        let files = TLSFiles(stateDirectory: state.path)
        guard FileManager.default.fileExists(atPath: files.authorityCertificate) else {
            Output.error("error: \(state.path) has no certificate authority yet: `edgesim up` makes one (\(files.authorityCertificate))")
            throw ExitCode(1)
        }
        print(URL(fileURLWithPath: files.authorityCertificate).standardizedFileURL.path)
    }
}
