"""The practical limit for Python: an asyncio HTTP/1.1 keep-alive server that runs the same
handler in-process on every request (building a viewer-request event as CloudFront would, and
round-tripping it through JSON as a worker would) and answers a small file.

    python3 benchmarks/lambda/in-process-server.py PORT
"""
import asyncio, json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "function"))
from trivial_py import handler  # noqa: E402

BODY = b"<h1>home</h1>\n"
RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: %d\r\n\r\n%s" % (len(BODY), BODY)


class Server(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.pending = b""
        self.peer = transport.get_extra_info("peername")[0]

    def data_received(self, data):
        self.pending += data
        while b"\r\n\r\n" in self.pending:
            head, self.pending = self.pending.split(b"\r\n\r\n", 1)  # GETs only: no bodies
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers.setdefault(name.lower(), []).append({"key": name, "value": value.strip()})
            uri, _, querystring = target.partition("?")
            event = {"Records": [{"cf": {
                "config": {"distributionDomainName": "d1.cloudfront.net", "distributionId": "E1",
                           "eventType": "viewer-request", "requestId": "x"},
                "request": {"clientIp": self.peer, "method": method, "uri": uri, "querystring": querystring,
                            "headers": headers}}}]}
            json.dumps(handler(json.loads(json.dumps(event)), None))
            self.transport.write(RESPONSE)


async def main(port):
    server = await asyncio.get_running_loop().create_server(Server, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


asyncio.run(main(int(sys.argv[1])))
