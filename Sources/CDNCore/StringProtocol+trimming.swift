extension StringProtocol {
    /// The text without the given characters at either end: header values arrive padded with
    /// spaces, tabs and quotes that carry no meaning.
    public func trimming(_ characters: String) -> String {
        String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
