import json

# viewer-request: a generated response. /hello is answered at the edge, never reaching the
# origin; a base64 body shows bodyEncoding.
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    if request["uri"] == "/hello":
        return {
            "status": "200",
            "statusDescription": "OK",
            "headers": {"content-type": [{"key": "Content-Type", "value": "application/json"}]},
            "body": json.dumps({"hello": "from the edge", "country": request["headers"].get("cloudfront-viewer-country", [{"value": "?"}])[0]["value"]}),
        }
    if request["uri"] == "/hello.b64":
        return {"status": 200, "body": "aGVsbG8gaW4gYmFzZTY0Cg==", "bodyEncoding": "base64"}
    return request
