import CDNCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import Topology

/// The built-in origin: an S3-like server of one folder. Hummingbird's `FileMiddleware` gives
/// it content types, ETag, Last-Modified, conditional requests (304) and byte ranges (206);
/// every file carries the topology's Cache-Control.
public enum StaticOrigin {
    /// Builds the origin's services: its file server and its admin listener.
    /// - Parameters:
    ///   - settings: Where it listens and what it serves.
    ///   - onReady: Called once both listeners are bound, with their ports.
    ///   - logger: The process's logger.
    /// - Returns: The services, in start order.
    /// - Throws: ``TLSFileError`` when its certificate cannot be loaded.
    public static func build(
        _ settings: OriginSettings,
        onReady: @escaping @Sendable (_ port: Int, _ adminPort: Int) async -> Void,
        logger: Logger
    ) throws -> [any Service] {
        let metrics = NodeMetrics(node: settings.id, role: .origin)
        let router = Router()
        router.add(middleware: OriginMetricsMiddleware(metrics: metrics))
        router.add(middleware: CacheControlMiddleware(value: settings.cacheControl))
        router.add(middleware: ContainedFilesMiddleware(folder: settings.folder))
        router.add(middleware: FileMiddleware(settings.folder, searchForIndexHtml: true, logger: logger))
        return NodeListeners.make(
            responder: router.buildResponder(),
            // HTTPS beside HTTP on the one port, as S3's endpoints answer both.
            server: try settings.tlsFiles.map { try TLSOrPlain.http1(tls: try $0.serverConfiguration(TLSFiles.originCertificate(settings.id))) }
                ?? .http1(),
            host: settings.host,
            port: settings.port,
            adminPort: settings.adminPort,
            serverName: "edgesim-origin",
            hooks: AdminHooks(node: settings.id, role: .origin, metrics: metrics),
            onReady: onReady,
            logger: logger
        )
    }
}

/// Keeps the file server inside its folder: a path whose file (or folder's `index.html`) is a
/// symlink, or under one, that leads out of the folder is answered as a missing object, as S3
/// has no such thing. (`FileMiddleware` refuses `..` in the decoded path itself.)
struct ContainedFilesMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The folder's real path.
    let root: String

    init(folder: String) {
        root = Self.realPath(folder) ?? URL(fileURLWithPath: folder).standardizedFileURL.path
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, let path = request.uri.path.removingPercentEncoding else {
            return try await next(request, context)
        }
        var candidate = root + (path.hasPrefix("/") ? path : "/" + path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), isFolder.boolValue {
            candidate += "/index.html"
        }
        if let real = Self.realPath(candidate), real != root, !real.hasPrefix(root + "/") {
            throw HTTPError(.notFound)
        }
        return try await next(request, context)
    }

    /// The path with every symlink resolved, or `nil` when nothing is there.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Adds the origin's Cache-Control to every successful file response that lacks one.
struct CacheControlMiddleware<Context: RequestContext>: RouterMiddleware {
    let value: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let value, response.status.code < 400, response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = value
        }
        return response
    }
}

/// Counts the origin's requests by status for `/metrics`.
struct OriginMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: NodeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.recordOriginRequest(status: response.status.code, bytes: response.body.contentLength ?? 0)
            return response
        } catch let error as HTTPError {
            metrics.recordOriginRequest(status: error.status.code, bytes: 0)
            throw error
        }
    }
}
