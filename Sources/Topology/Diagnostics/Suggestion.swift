/// "Did you mean …?" for names a user mistyped.
enum Suggestion {
    /// The closest candidate to `name`, if one is close enough to be a likely typo.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let limit = max(2, name.count / 3)
        return
            candidates
            .map { (candidate: $0, distance: editDistance(name.lowercased(), $0.lowercased())) }
            .filter { $0.distance <= limit }
            .min { $0.distance < $1.distance }?
            .candidate
    }

    /// A phrase to append to an "unknown X" message: a suggestion, else the known names.
    static func phrase(for name: String, among candidates: [String]) -> String {
        if let guess = closest(to: name, among: candidates) { return "; did you mean '\(guess)'?" }
        if candidates.isEmpty { return "; none are declared" }
        let shown = candidates.prefix(8).joined(separator: ", ")
        return "; known: \(shown)\(candidates.count > 8 ? ", …" : "")"
    }

    /// Levenshtein distance, on characters; names are short so the quadratic cost is nothing.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
