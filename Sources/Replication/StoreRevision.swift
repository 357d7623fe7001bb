import Foundation

/// One committed revision of a CloudFront KeyValueStore, as it replicates: the registry signs
/// it, config epochs name it, and nodes fetch its data (the import format, see
/// `KeyValueStoreData`) and check it against this record before a function reads it.
///
/// Every write to a store makes a new revision; an edge switches to it with the epoch that
/// names it, so a function's reads within one invocation see one revision.
public struct StoreRevision: Codable, Hashable, Sendable, RegistrySigned {
    /// The store's name.
    public var name: String
    /// The store's id (a UUID, as in its ARN).
    public var id: String
    /// The revision: 1 for the store as created, one more per write.
    public var revision: Int
    /// How many keys it holds.
    public var itemCount: Int
    /// Its keys' and values' bytes, as AWS's `TotalSizeInBytes`.
    public var totalSizeInBytes: Int
    /// When the store was created.
    public var created: Date
    /// When this revision was committed (`meta().lastUpdatedDateTime`).
    public var lastModified: Date
    /// The SHA-256 of the revision's data file.
    public var sha256: String
    /// The data file's size in bytes.
    public var size: Int
    /// The registry's signature over the manifest.
    public var signature: String

    /// Creates a record.
    public init(
        name: String,
        id: String,
        revision: Int,
        itemCount: Int,
        totalSizeInBytes: Int,
        created: Date,
        lastModified: Date,
        sha256: String,
        size: Int,
        signature: String = ""
    ) {
        self.name = name
        self.id = id
        self.revision = revision
        self.itemCount = itemCount
        self.totalSizeInBytes = totalSizeInBytes
        self.created = created
        self.lastModified = lastModified
        self.sha256 = sha256
        self.size = size
        self.signature = signature
    }

    /// The store's ARN, as AWS writes it (the account is the simulator's).
    public var arn: String { "arn:aws:cloudfront::\(Self.account):key-value-store/\(id)" }

    /// The account every simulated ARN names.
    public static let account = "123456789012"

    /// The ETag of this revision, as the data-plane API returns it: every write needs the
    /// current one in `If-Match`.
    public var etag: String { "E" + String(revision, radix: 36).uppercased() + String(sha256.prefix(10)).uppercased() }

    /// `NAME@REVISION`, for logs and garbage collection.
    public var qualified: String { "\(name)@\(revision)" }
}
