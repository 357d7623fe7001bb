/// A position in a topology file, as editors and compilers print it: `file:line:column`.
///
/// Lines and columns are 1-based, the way YAML parsers and editors count them.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file the position is in, as the user named it.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column.
    public var column: Int

    /// Creates a position.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
