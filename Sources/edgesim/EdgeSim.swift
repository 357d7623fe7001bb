import ArgumentParser

/// The `edgesim` command: one executable for every role and every user command.
@main
struct EdgeSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgesim",
        abstract: "A multi-node CloudFront + Lambda@Edge network simulator.",
        discussion: "Describe a network in a topology file, then check it, route viewers through it and run it.",
        version: "0.1.0",
        subcommands: [
            Validate.self, RouteCommand.self, Up.self, Down.self, Status.self, CACommand.self, Invalidate.self, Logs.self, Demo.self,
            Sign.self, FunctionCommand.self, KeyValueStoreCommand.self, Associate.self, DistributionCommand.self, DeploymentCommand.self,
            PropagationCommand.self,
            MeasureCommand.self, ImportCommand.self, ExportCommand.self,
            EdgeCommand.self,
            HubCommand.self,
            OriginCommand.self, RegistryCommand.self, DNSCommand.self, KillCommand.self,
        ]
    )
}
