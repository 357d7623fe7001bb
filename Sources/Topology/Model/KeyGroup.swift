/// A CloudFront key group: the public keys whose signed URLs and cookies a behavior trusts.
public struct KeyGroup: Hashable, Sendable {
    /// CloudFront allows this many public keys in a group.
    public static let maximumKeys = 5
    /// And this many trusted key groups on one behavior.
    public static let maximumPerBehavior = 4

    /// One public key: its id (the `Key-Pair-Id` a signer names) and its PEM text.
    public struct PublicKey: Hashable, Sendable {
        public var id: String
        public var pem: String

        public init(id: String, pem: String) {
            self.id = id
            self.pem = pem
        }
    }

    public var id: String
    public var keys: [PublicKey]
    /// Where the group is declared.
    public var source: SourceLocation?

    public init(id: String, keys: [PublicKey], source: SourceLocation? = nil) {
        self.id = id
        self.keys = keys
        self.source = source
    }
}
