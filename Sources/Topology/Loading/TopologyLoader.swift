import Foundation
import Yams

/// Loads topology files: reads the YAML, checks syntax and meaning, and returns a ``Topology``
/// or every problem found, each with its `file:line:column`.
///
/// ```swift
/// let report = TopologyLoader.check(path: "topologies/global.yaml")
/// report.diagnostics.forEach { print($0) }      // errors and warnings, in file order
/// let topology = try TopologyLoader.load(path: "topologies/global.yaml")
/// ```
public enum TopologyLoader {
    /// Larger than any topology needs; a guard against being handed the wrong file.
    public static let maximumFileSize = 8 * 1_048_576

    /// The outcome of checking a file: the topology when it is valid, and every problem.
    public struct Report: Sendable {
        /// The topology, when the file has no errors (it may have warnings).
        public var topology: Topology?
        /// Every error and warning, in file order.
        public var diagnostics: [Diagnostic]
    }

    /// Loads and checks a topology file.
    /// - Parameter path: The file, absolute or relative to the working folder.
    /// - Returns: The topology.
    /// - Throws: ``TopologyError`` with every problem (warnings included) when the file has errors.
    public static func load(path: String) throws(TopologyError) -> Topology {
        let report = check(path: path)
        guard let topology = report.topology else { throw TopologyError(diagnostics: report.diagnostics) }
        return topology
    }

    /// Loads and checks topology text.
    /// - Parameters:
    ///   - yaml: The document.
    ///   - file: The name problems are reported under.
    ///   - baseDirectory: The folder relative paths in the document are resolved against.
    /// - Returns: The topology.
    /// - Throws: ``TopologyError`` with every problem when the text has errors.
    public static func load(yaml: String, file: String = "<input>", baseDirectory: String) throws(TopologyError) -> Topology {
        let report = check(yaml: yaml, file: file, baseDirectory: baseDirectory)
        guard let topology = report.topology else { throw TopologyError(diagnostics: report.diagnostics) }
        return topology
    }

    /// Checks a topology file without throwing: what `edgesim validate` prints.
    public static func check(path: String) -> Report {
        let unreadable = { (message: String) in
            Report(topology: nil, diagnostics: [Diagnostic(.error, .unreadable, message, at: SourceLocation(file: path, line: 1, column: 1))])
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return unreadable("cannot read the file: it does not exist or is not readable")
        }
        guard attributes[.type] as? FileAttributeType != .typeDirectory else { return unreadable("is a folder, not a topology file") }
        guard let size = attributes[.size] as? Int, size <= maximumFileSize else {
            return unreadable("the file is larger than \(maximumFileSize / 1_048_576) MiB; no topology is that large")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return unreadable("cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else {
            return Report(
                topology: nil,
                diagnostics: [Diagnostic(.error, .unreadable, "the file is not UTF-8 text", at: firstInvalidUTF8(in: data, file: path))]
            )
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var report = check(yaml: text, file: path, baseDirectory: base)
        report.topology?.file = path
        return report
    }

    /// Checks topology text without throwing.
    public static func check(yaml: String, file: String = "<input>", baseDirectory: String) -> Report {
        let reader = YAMLReader(file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                let message = "the file is empty: a topology declares at least hubs, edges, origins and distributions"
                return Report(
                    topology: nil,
                    diagnostics: [Diagnostic(.error, .missingField, message, at: SourceLocation(file: file, line: 1, column: 1))]
                )
            }
            root = composed
        } catch let error as YamlError {
            return Report(topology: nil, diagnostics: [syntaxDiagnostic(error, file: file)])
        } catch {
            return Report(topology: nil, diagnostics: [Diagnostic(.error, .syntax, "\(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let parser = TopologyParser(reader: reader, baseDirectory: baseDirectory)
        var topology = try? parser.parse(root: root, defaultName: name)
        var diagnostics = reader.diagnostics
        if let checked = topology {
            let problems = checked.reachabilityProblems()
            diagnostics += problems
            if problems.contains(where: { $0.severity == .error }) { topology = nil }
        }
        return Report(topology: topology, diagnostics: diagnostics.sortedByPosition())
    }

    /// A diagnostic for malformed YAML, at the parser's position.
    static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let note = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return Diagnostic(.error, .syntax, "YAML: \(problem)\(note)", at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(.error, .duplicateID, "duplicate key \(keys) in one mapping: each id may be declared once", at: at(context.mark))
        case .reader(let problem, let offset, _, let yaml):
            let prefix = yaml.utf8.prefix(max(0, offset ?? 0))
            let lines = prefix.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            return Diagnostic(
                .error,
                .syntax,
                "YAML: \(problem)",
                at: SourceLocation(file: file, line: lines.count, column: (lines.last?.count ?? 0) + 1)
            )
        default:
            return Diagnostic(.error, .syntax, "YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// The position of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(in data: Data, file: String) -> SourceLocation {
        var line = 1
        var lineStart = 0
        var index = 0
        let bytes = [UInt8](data)
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let end = index + length
            guard length > 0, end <= bytes.count, String(bytes: bytes[index..<end], encoding: .utf8) != nil else { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = end
            }
            index = end
        }
        return SourceLocation(file: file, line: line, column: index - lineStart + 1)
    }
}

extension [Diagnostic] {
    /// In file order (stable for problems at one position), as a compiler lists them.
    func sortedByPosition() -> [Diagnostic] {
        enumerated().sorted { lhs, rhs in
            let l = lhs.element.location
            let r = rhs.element.location
            if l?.line != r?.line { return (l?.line ?? 0) < (r?.line ?? 0) }
            if l?.column != r?.column { return (l?.column ?? 0) < (r?.column ?? 0) }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
