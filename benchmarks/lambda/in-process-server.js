'use strict';
// The practical limit: a plain Node HTTP server that runs the same handler in-process on every
// request (building a viewer-request event as CloudFront would) and answers a small file.
const http = require('http');
const { handler } = require('./function/trivial.js');
// The CloudFront Function, as its source is (a plain `function handler(event)`, no exports).
const fs = require('fs');
const functionHandler = new Function(fs.readFileSync(__dirname + '/function/trivial-cff.js', 'utf8') + '\nreturn handler;')();
const body = Buffer.from('<h1>home</h1>\n');
http.createServer(async (req, res) => {
    const headers = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i].toLowerCase();
        (headers[name] = headers[name] || []).push({ key: req.rawHeaders[i], value: req.rawHeaders[i + 1] });
    }
    const [uri, querystring = ''] = req.url.split('?');
    if (uri.startsWith('/cff/')) {
        // CloudFront Functions' event: `{value}` maps, cookies and query parsed.
        const map = {};
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
            const name = req.rawHeaders[i].toLowerCase();
            if (map[name]) (map[name].multiValue = map[name].multiValue || [{ value: map[name].value }]).push({ value: req.rawHeaders[i + 1] });
            else map[name] = { value: req.rawHeaders[i + 1] };
        }
        const query = {};
        for (const pair of querystring.split('&').filter(Boolean)) { const [k, v = ''] = pair.split('='); query[k] = { value: v }; }
        const cfEvent = { version: '1.0', context: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'viewer-request', requestId: 'x' },
            viewer: { ip: req.socket.remoteAddress }, request: { method: req.method, uri, querystring: query, headers: map, cookies: {} } };
        JSON.stringify(functionHandler(JSON.parse(JSON.stringify(cfEvent))));
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length });
        return res.end(body);
    }
    const event = { Records: [{ cf: { config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'viewer-request', requestId: 'x' },
        request: { clientIp: req.socket.remoteAddress, method: req.method, uri, querystring, headers } } }] };
    const result = await handler(JSON.parse(JSON.stringify(event)), {});
    JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length });
    res.end(body);
}).listen(Number(process.argv[2]), '127.0.0.1');
