import ArgumentParser
import CDNCore
import CloudFrontImport
import Foundation
import NIOCore
import NIOHTTP1
import Registry

/// `edgesim distribution get|update`: a running distribution's config through the registry's
/// CloudFront API, as `aws cloudfront get-distribution-config` and `update-distribution` do.
struct DistributionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distribution",
        abstract: "Read or change a running distribution's config (CloudFront's GetDistributionConfig and UpdateDistribution).",
        subcommands: [Get.self, Update.self]
    )

    static let prefix = "/2020-05-31/distribution/"

    /// `edgesim distribution get DIST [--out FILE]`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a distribution's config as aws cloudfront get-distribution-config does, with its ETag."
        )

        @Argument(help: "The distribution's id.") var distribution: String
        @Option(help: "Write the JSON to this file instead of printing it.", completion: .file()) var out: String?
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let reply = try await state.withRegistry { try await $0.reply(.GET, prefix + distribution + "/config") }
            let body = Data(reply.body.readableBytesView)
            guard reply.status == 200 else { throw DistributionCommand.failure(body, status: reply.status) }
            let json = try CloudFrontAPIDocuments.configJSON(fromXML: body, etag: reply.fields.first("etag"))
            if let out {
                try json.write(toFile: out, atomically: true, encoding: .utf8)
                Output.line("wrote \(distribution)'s config to \(out)")
            } else {
                Output.line(String(json.dropLast()))
            }
        }
    }

    /// `edgesim distribution update DIST --config FILE [--if-match ETAG] [--wait]`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a changed config in force as one config epoch, as aws cloudfront update-distribution does.",
            discussion: """
                FILE is what `edgesim distribution get` (or aws cloudfront get-distribution-config) wrote, edited; \
                its ETag is the If-Match unless --if-match says otherwise. Removing an association is a config without it.
                """
        )

        @Argument(help: "The distribution's id.") var distribution: String
        @Option(help: "The config: get-distribution-config's JSON or a bare DistributionConfig.", completion: .file()) var config: String
        @Option(name: .customLong("if-match"), help: "The ETag the change was made on (default: the file's).") var ifMatch: String?
        @Flag(help: "Wait until every node serving the distribution runs the new config (Deployed).") var wait = false
        @OptionGroup var state: StateDirectoryOption

        func run() async throws {
            let document: (xml: String, etag: String?)
            do { document = try CloudFrontAPIDocuments.configXML(fromJSON: config) } catch {
                Output.error("error: \(error)")
                throw ExitCode(1)
            }
            guard let etag = ifMatch ?? document.etag else {
                Output.error("error: \(config) has no ETag: pass --if-match with the ETag of the config the change was made on")
                throw ExitCode(1)
            }
            let path = prefix + distribution + "/config"
            let reply = try await state.withRegistry {
                try await $0.reply(.PUT, path, body: Data(document.xml.utf8), authorized: true, headers: [("If-Match", etag)])
            }
            let body = Data(reply.body.readableBytesView)
            guard reply.status == 200 else { throw DistributionCommand.failure(body, status: reply.status) }
            var status = DistributionCommand.element("Status", in: body) ?? "InProgress"
            Output.line("updated \(distribution): \(status), ETag \(reply.fields.first("etag") ?? "-")")
            guard wait else { return }
            let deadline = ContinuousClock.now + .seconds(120)
            while status != "Deployed" {
                guard ContinuousClock.now < deadline else {
                    Output.error("error: \(distribution) is still \(status) after 120 s: see edgesim deployment")
                    throw ExitCode(1)
                }
                try await Task.sleep(for: .milliseconds(250))
                let next = try await state.withRegistry { try await $0.reply(.GET, prefix + distribution) }
                status = DistributionCommand.element("Status", in: Data(next.body.readableBytesView)) ?? status
            }
            Output.line("\(distribution): Deployed on every node that serves it")
        }
    }

    /// CloudFront's error XML as a line, and exit 1.
    static func failure(_ body: Data, status: Int) -> ExitCode {
        let code = element("Code", in: body) ?? "HTTP \(status)"
        let message = element("Message", in: body) ?? String(decoding: body, as: UTF8.self)
        Output.error("error: \(code): \(message)")
        return ExitCode(1)
    }

    /// The text of the first element of a name in an API answer.
    static func element(_ name: String, in body: Data) -> String? { CloudFrontAPIDocuments.text(of: name, in: body) }
}
