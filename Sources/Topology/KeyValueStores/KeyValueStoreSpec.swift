/// A CloudFront KeyValueStore the topology declares: `edgesim up` creates it in the registry,
/// from its import file when it names one, before it publishes the functions that read it.
public struct KeyValueStoreSpec: Hashable, Sendable {
    /// The store's name, unique in the network (`[A-Za-z0-9_-]{1,64}`, as at AWS).
    public var name: String
    /// A comment, at most 128 characters.
    public var comment: String
    /// The import file's data (checked when the topology loads), empty when none is named.
    public var data: KeyValueStoreData
    /// The import file, absolute, when one is named.
    public var importFile: String?
    /// Where the store is declared.
    public var source: SourceLocation?

    /// Creates a description.
    public init(name: String, comment: String = "", data: KeyValueStoreData = .init(), importFile: String? = nil, source: SourceLocation? = nil) {
        self.name = name
        self.comment = comment
        self.data = data
        self.importFile = importFile
        self.source = source
    }

    /// AWS's rules for the store's name and comment.
    public enum Rules {
        /// A store's name.
        nonisolated(unsafe) public static let name = /[A-Za-z0-9_-]{1,64}/
        /// What a name must look like, for messages.
        public static let nameExpected = "up to 64 letters, digits, '-' or '_'"
        /// The longest comment.
        public static let commentCharacters = 128
    }
}
