/// What CloudFront checks of a CloudFront Function's source before it runs, and what njs (the
/// engine the edges run it on) would let through: the 10 KB size limit, and the keywords that
/// runtime 1.0 lacks although njs knows them (`let`, `const`, `async`, `await`, and `import`,
/// which 1.0 spells `require`). Everything else the language refuses, njs refuses at the edge
/// with its own SyntaxError.
///
/// The scan walks the source as tokens: comments, strings, template literals and regular
/// expression literals are skipped, so a word inside them is not a keyword.
public enum FunctionSourceCheck {
    /// The largest source CloudFront accepts, in bytes (comments included).
    public static let maximumBytes = 10_240

    /// One problem: where in the source, and what.
    public struct Problem: Hashable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// The language problems of a source for a runtime, in source order (its size is checked
    /// against ``maximumBytes`` apart, where the file is named).
    public static func problems(in source: String, runtime: Runtime) -> [Problem] {
        var problems: [Problem] = []
        guard runtime == .cloudFrontJS1 else { return problems }
        for word in words(of: source) {
            switch word.text {
            case "let", "const", "async", "await":
                problems.append(
                    Problem(
                        line: word.line,
                        column: word.column,
                        message: "'\(word.text)' is not supported by cloudfront-js-1.0 (use var and callbacks, or runtime cloudfront-js-2.0)"
                    )
                )
            case "import":
                problems.append(
                    Problem(
                        line: word.line,
                        column: word.column,
                        message: "'import' is not supported by cloudfront-js-1.0: use require('crypto') or require('querystring')"
                    )
                )
            default: continue
            }
        }
        return problems
    }

    /// An identifier-like word of the code, where it starts.
    struct Word {
        var text: String
        var line: Int
        var column: Int
    }

    /// The words outside comments, strings, templates' text and regular expressions. A member
    /// name after `.` (`x.let`) is not a keyword and is left out.
    static func words(of source: String) -> [Word] {
        let bytes = Array(source.utf8)
        var words: [Word] = []
        var index = 0
        var line = 1
        var lineStart = 0
        // Whether a `/` here starts a regular expression (after an operator or at the start)
        // rather than dividing (after a value).
        var regexAllowed = true
        var afterDot = false
        // Open template literals' `${` depths, to know when a `}` ends a substitution.
        var templateBraces: [Int] = []
        var braceDepth = 0

        func isIdentifierByte(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x24
                || byte >= 0x80
        }

        func skipString(_ quote: UInt8) {
            index += 1
            while index < bytes.count, bytes[index] != quote, bytes[index] != 0x0A {
                if bytes[index] == 0x5C { index += 1 }
                index += 1
            }
            index += 1
        }

        // Skips a template's text up to its end or a `${`; returns whether it stopped at `${`.
        func skipTemplateText() -> Bool {
            while index < bytes.count {
                switch bytes[index] {
                case 0x5C: index += 2
                case 0x60:
                    index += 1
                    return false
                case 0x24 where index + 1 < bytes.count && bytes[index + 1] == 0x7B:
                    index += 2
                    return true
                case 0x0A:
                    line += 1
                    index += 1
                    lineStart = index
                default: index += 1
                }
            }
            return false
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                line += 1
                index += 1
                lineStart = index
                continue  // white space keeps what came before it
            case 0x20, 0x09, 0x0D:
                index += 1
                continue
            case 0x2F where index + 1 < bytes.count && bytes[index + 1] == 0x2F:  // line comment
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case 0x2F where index + 1 < bytes.count && bytes[index + 1] == 0x2A:  // block comment
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) {
                    if bytes[index] == 0x0A {
                        line += 1
                        lineStart = index + 1
                    }
                    index += 1
                }
                index += 2
            case 0x2F where regexAllowed:  // a regular expression literal
                index += 1
                var inClass = false
                while index < bytes.count, bytes[index] != 0x0A {
                    let current = bytes[index]
                    if current == 0x5C {
                        index += 2
                        continue
                    }
                    if current == 0x5B { inClass = true } else if current == 0x5D { inClass = false } else if current == 0x2F, !inClass { break }
                    index += 1
                }
                index += 1
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }  // flags
                regexAllowed = false
            case 0x22, 0x27:
                skipString(byte)
                regexAllowed = false
            case 0x60:
                index += 1
                if skipTemplateText() { templateBraces.append(braceDepth) }
                regexAllowed = false
            case 0x7B:
                braceDepth += 1
                index += 1
                regexAllowed = true
            case 0x7D:
                index += 1
                if let open = templateBraces.last, open == braceDepth {
                    templateBraces.removeLast()
                    if skipTemplateText() { templateBraces.append(braceDepth) }
                    regexAllowed = false
                } else {
                    braceDepth -= 1
                    regexAllowed = true
                }
            case _ where isIdentifierByte(byte):
                let start = index
                while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                let isNumber = (0x30...0x39).contains(byte)
                if !afterDot, !isNumber { words.append(Word(text: text, line: line, column: start - lineStart + 1)) }
                afterDot = false
                // After a keyword that takes an expression, a `/` starts a regular expression.
                regexAllowed = ["return", "typeof", "case", "do", "else", "in", "instanceof", "new", "throw", "void", "delete"].contains(text)
                continue
            case 0x2E:
                index += 1
                afterDot = true
                regexAllowed = false
                continue
            case 0x29, 0x5D:
                index += 1
                regexAllowed = false
            default:
                index += 1
                regexAllowed = true
            }
            afterDot = false
        }
        return words
    }
}
