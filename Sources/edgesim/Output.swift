import Foundation

/// Writes to standard output and standard error unbuffered, so a parent process (the launcher,
/// a test) sees each line as soon as it is written.
enum Output {
    /// Writes a line to standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
