import CDNCore
import Foundation

/// Python's `http.server` on an ephemeral port, serving `/down/hello.txt`: an HTTP server that
/// is not edgesim's, to stand as a custom (URL) origin. It also answers `GET /ping` with `pong`
/// and echoes the body of any POST, for the functions that call a service or rewrite a body,
/// and answers `GET /search…` and `/multi…` with the path and headers it got, as JSON.
/// `GET /respond-with?Name=Value&…` answers with those response headers, and any OPTIONS with
/// 204. `GET /status/NNN/…` answers status NNN (with `Cache-Control: max-age=N` for `?max-age=N`),
/// also to a POST, and `GET /count/status/…` how many times that path was asked.
struct PythonHTTPServer {
    let process: Process
    let port: Int
    let folder: URL

    /// Starts it; with `tls`, it speaks HTTPS with that certificate chain and key.
    static func start(tls: (chain: String, key: String)? = nil, files: [String: String] = [:]) throws -> PythonHTTPServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-python-origin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("down"), withIntermediateDirectories: true)
        try Data("hello from python\n".utf8).write(to: folder.appendingPathComponent("down/hello.txt"))
        try folder.write(files: files)
        let portFile = folder.appendingPathComponent("port")
        let script = """
            import http.server, json, os, socketserver, ssl, sys, urllib.parse
            counts = {}
            class Handler(http.server.SimpleHTTPRequestHandler):
                def __init__(self, *a, **k):
                    super().__init__(*a, directory=sys.argv[1], **k)
                def reply(self, body):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def status(self):
                    url = urllib.parse.urlsplit(self.path)
                    counts[url.path] = counts.get(url.path, 0) + 1
                    code = int(url.path.split("/")[2])
                    body = b"status %d from python\\n" % code
                    self.send_response(code)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    age = urllib.parse.parse_qs(url.query).get("max-age")
                    if age: self.send_header("Cache-Control", "max-age=" + age[0])
                    self.end_headers()
                    self.wfile.write(body)
                def do_GET(self):
                    if self.path.startswith("/status/"):
                        return self.status()
                    if self.path.startswith("/count/"):
                        return self.reply(str(counts.get(self.path[len("/count"):], 0)).encode())
                    if self.path == "/ping":
                        return self.reply(b"pong\\n")
                    if self.path.startswith("/respond-with"):
                        return self.respond_with()
                    if self.path.startswith(("/search", "/multi")):
                        return self.reply(json.dumps({"path": self.path, "headers": dict(self.headers)}).encode())
                    return super().do_GET()
                def do_OPTIONS(self):
                    self.send_response(204)
                    self.send_header("Allow", "GET, POST, OPTIONS")
                    self.end_headers()
                def respond_with(self):
                    body = b"headers as asked\\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query):
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                def do_POST(self):
                    if self.path.startswith("/status/"):
                        return self.status()
                    self.reply(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            with socketserver.TCPServer(("127.0.0.1", 0), Handler) as server:
                if len(sys.argv) > 4:
                    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    context.load_cert_chain(sys.argv[3], sys.argv[4])
                    server.socket = context.wrap_socket(server.socket, server_side=True)
                with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
                os.rename(sys.argv[2] + ".tmp", sys.argv[2])
                server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path, portFile.path] + (tls.map { [$0.chain, $0.key] } ?? [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(10_000) }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw NetworkError("python3 http.server did not report its port")
        }
        return PythonHTTPServer(process: process, port: port, folder: folder)
    }

    /// How many times the server was asked for a `/status/…` path.
    func timesAsked(_ path: String) async throws -> Int {
        let reply = try await ViewerClient.get(host: "127.0.0.1", port: port, path: "/count" + path, from: nil)
        return Int(String(buffer: reply.body)) ?? -1
    }

    /// Stops the server. SIGKILL, since a test process may hand its children SIGTERM ignored.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
