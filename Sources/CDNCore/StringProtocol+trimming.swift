extension StringProtocol {
    /// The text without the given characters at either end: header values arrive padded with
    /// spaces, tabs and quotes that carry no meaning. It walks in from both ends, making no
    /// reversed copies (it runs on header values on every request).
    public func trimming(_ characters: String) -> String {
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while start < end {
            let last = index(before: end)
            guard characters.contains(self[last]) else { break }
            end = last
        }
        return String(self[start..<end])
    }
}
