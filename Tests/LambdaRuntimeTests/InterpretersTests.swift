import Foundation
import Testing
import Topology

@testable import LambdaRuntime

/// The interpreters a launcher asks for once and hands to its edges in their environment.
@Suite struct InterpretersTests {
    @Test func answersHandedDownAreUsedAsAskedForOnce() async throws {
        let asking = Interpreters(environment: [:])
        let variables = await asking.handOff(for: [.nodejs, .python])
        let node = try #require(variables["EDGESIM_NODEJS_EXECUTABLE"])
        let python = try #require(variables["EDGESIM_PYTHON_EXECUTABLE"])
        #expect(FileManager.default.isExecutableFile(atPath: node) && FileManager.default.isExecutableFile(atPath: python))
        #expect(variables["EDGESIM_PYTHON_PATH"]?.isEmpty == false)

        let handed = Interpreters(environment: variables)
        let asked = await asking.interpreter(for: .python)
        let given = await handed.interpreter(for: .python)
        #expect(given.path == python && given.path == asked.path)
        #expect(given.options == ["-S"] && given.options == asked.options)
        #expect(given.environment == asked.environment)
        #expect(await handed.interpreter(for: .nodejs).path == node)
    }

    @Test func aHandedPathThatIsNotAProgramIsAskedForAgain() async {
        let handed = Interpreters(environment: ["EDGESIM_NODEJS_EXECUTABLE": "/nonexistent/node"])
        let interpreter = await handed.interpreter(for: .nodejs)
        #expect(interpreter.path != "/nonexistent/node")
    }
}
