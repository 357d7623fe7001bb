import CDNCore
import Topology

/// How one built-in origin process runs; the CLI maps its options onto these fields.
public struct OriginSettings: Sendable {
    /// The origin's id.
    public var id: String
    /// The folder it serves.
    public var folder: String
    /// The Cache-Control value it sends with every file, if any.
    public var cacheControl: String?
    /// The address to listen on.
    public var host: String
    /// The traffic port, 0 for an ephemeral one.
    public var port: Int
    /// The admin port, 0 for an ephemeral one.
    public var adminPort: Int
    /// The network's TLS files: with them it answers HTTPS on its port too, under the network
    /// CA's certificate for its S3-style domain; `nil` for plain HTTP only.
    public var tlsFiles: TLSFiles?

    /// Creates settings.
    public init(id: String, folder: String, cacheControl: String? = nil, host: String = ListenAddress.Default.host, port: Int = 0, adminPort: Int = 0)
    {
        self.id = id
        self.folder = folder
        self.cacheControl = cacheControl
        self.host = host
        self.port = port
        self.adminPort = adminPort
    }

    /// The settings for an origin of a topology.
    /// - Throws: ``OriginSettingsError`` when the origin is not a built-in static one.
    public init(_ spec: OriginSpec) throws(OriginSettingsError) {
        guard case .staticFolder(let path) = spec.kind else { throw OriginSettingsError(origin: spec.id) }
        self.init(id: spec.id, folder: path, cacheControl: spec.cacheControl, host: spec.listen.host, port: spec.listen.port)
    }
}

/// Asked to run an origin that edgesim does not serve itself.
public struct OriginSettingsError: Error, CustomStringConvertible {
    /// The origin's id.
    public var origin: String
    public var description: String { "origin '\(origin)' is a URL origin: edgesim does not run it, it only fetches from it" }
}
