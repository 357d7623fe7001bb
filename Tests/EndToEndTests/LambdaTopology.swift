import EdgesimTestSupport
import Foundation

/// A network whose one edge runs the example functions and some that misbehave on purpose.
enum LambdaTopology {
    /// The misbehaving handler: each path fails in one of the ways CloudFront maps.
    static let trouble = """
        'use strict';
        exports.handler = (event, context, callback) => {
            const request = event.Records[0].cf.request;
            switch (request.uri) {
            case '/t/loop': while (true) {}
            case '/t/throw': throw new Error('thrown on purpose');
            case '/t/reject': return Promise.reject(new TypeError('rejected on purpose'));
            case '/t/callback': return callback(new Error('callback error on purpose'));
            case '/t/crash': process.exit(7);
            case '/t/memory': { const hog = []; while (true) hog.push(new Array(1e6).fill(Math.random())); }
            case '/t/disallowed': return callback(null, { status: '200', headers: { 'x-cache': [{ value: 'mine' }] } });
            case '/t/204': return callback(null, { status: '204', body: 'not allowed' });
            case '/t/badbase64': return callback(null, { status: '200', body: '%%%', bodyEncoding: 'base64' });
            case '/t/host': request.headers.host = [{ key: 'Host', value: 'evil.example' }]; return callback(null, request);
            case '/t/status': return callback(null, { status: '700' });
            case '/t/uri': request.uri = 'no-slash'; return callback(null, request);
            case '/t/context': return callback(null, { status: '200', body: `${context.functionName} ${context.functionVersion} ${context.getRemainingTimeInMillis() > 0}` });
            case '/t/hostread': return callback(null, { status: '200', body: request.headers.host.map((h) => `${h.key}=${h.value}`).join(',') });
            case '/t/log': console.log('logged from the handler'); return callback(null, request);
            case '/t/slow': return setTimeout(() => callback(null, request), 300);
            }
            callback(null, request);
        };
        """

    static let changesStatus = """
        exports.handler = async (event) => { const response = event.Records[0].cf.response; response.status = '404'; return response; };
        """

    static let raises = """
        def handler(event, context):
            raise ValueError("raised on purpose")
        """

    /// Writes the sites, the misbehaving functions and `network.yaml`; `echo` is the port of a
    /// ``PythonHTTPServer``.
    static func make(echo: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-lambda-\(UUID().uuidString)")
        let files: [String: String] = [
            "site/index.html": "<h1>home</h1>\n", "site/experiment/a.html": "variant a\n", "site/experiment/b.html": "variant b\n",
            "site/d/index.html": "desktop page\n", "site/mobile/d/index.html": "mobile page\n", "site/img/logo.txt": "logo\n",
            "site/secure/page.txt": "secure\n", "site/pick/x.txt": "from site\n", "media/pick/x.txt": "from media\n",
            "site/t/log": "logged\n", "site/vr/page.txt": "page\n",
            "fn/trouble/index.js": trouble, "fn/status/index.js": changesStatus, "fn/raises/handler.py": raises,
        ]
        try folder.write(files: files)
        let examples = CLI.packageRoot.appendingPathComponent("examples/functions").path
        let yaml = """
            name: lambda-e2e
            locations:
              tokyo: { lat: 35.6762, lon: 139.6503, country: JP, country_name: Japan, city: Tokyo, time_zone: Asia/Tokyo }
            hubs:
              ap-northeast-1: { location: tokyo }
            edges:
              NRT50: { location: tokyo, hub: ap-northeast-1 }
            origins:
              site: { location: tokyo, static: site, cache_control: "public, max-age=60" }
              media: { location: tokyo, static: media, cache_control: "public, max-age=60" }
              echo: { location: tokyo, url: "http://127.0.0.1:\(echo)" }
            viewers:
              tokyo-home: { location: tokyo, access: 2 ms }
            functions:
              ab-test: { runtime: nodejs20.x, handler: index.handler, code: \(examples)/ab-test }
              device: { runtime: python3.12, handler: handler.handler, code: \(examples)/device-content }
              referer: { runtime: nodejs22.x, handler: index.handler, code: \(examples)/referer-check }
              hello: { runtime: python, handler: handler.handler, code: \(examples)/hello-python }
              security: { runtime: nodejs, handler: index.handler, code: \(examples)/security-headers }
              select: { runtime: nodejs, handler: index.handler, code: \(examples)/origin-select }
              rewrite: { runtime: python, handler: handler.handler, code: \(examples)/body-rewrite }
              call: { runtime: nodejs, handler: index.handler, code: \(examples)/network-call }
              auth: { runtime: nodejs, handler: index.handler, code: \(examples)/auth }
              trouble: { runtime: nodejs, handler: index.handler, code: fn/trouble, timeout: 3 s }   # a 1 s timeout was once exceeded by a throw on a loaded CI machine
              status: { runtime: nodejs, handler: index.handler, code: fn/status }
              raises: { runtime: python, handler: handler.handler, code: fn/raises }
            distributions:
              E2LAMBDA00001:
                domain: d1lambda00001.cloudfront.net
                origins: [site, media, echo]
                behaviors:
                  - { path: /experiment*, origin: site, functions: { viewer-request: "ab-test:1" } }
                  - { path: /d/*, origin: site, cache_key: { headers: [cloudfront-is-mobile-viewer] }, functions: { origin-request: "device:1" } }
                  - { path: /img/*, origin: site, functions: { viewer-request: "referer:1" } }
                  - { path: /hello*, origin: site, functions: { viewer-request: "hello:1" } }
                  - { path: /secure/*, origin: site, functions: { origin-response: "security:1" } }
                  - { path: /pick/*, origin: site, cache_key: { cookies: [origin] }, functions: { origin-request: "select:1" } }
                  - { path: /echo/*, origin: echo, functions: { origin-request: { function: rewrite, version: 1, include_body: true } } }
                  - { path: /call, origin: site, functions: { viewer-request: "call:1" } }
                  - { path: /api/*, origin: site, functions: { viewer-request: "auth:1" } }
                  - { path: /t/*, origin: site, functions: { viewer-request: "trouble:1" } }
                  - { path: /vr/*, origin: site, functions: { viewer-response: "status:1" } }
                  - { path: /py/*, origin: site, functions: { viewer-request: "raises:1" } }
                  - { path: "*", origin: site }
            """
        let file = folder.appendingPathComponent("network.yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }
}
