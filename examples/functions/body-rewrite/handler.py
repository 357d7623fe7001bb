import base64
import json

# origin-request with include_body: reads a JSON body and replaces it before it reaches the
# origin (here, upper-casing a name and adding who saw it).
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    body = request.get("body")
    if body and body["data"]:
        payload = json.loads(base64.b64decode(body["data"]))
        payload["name"] = payload.get("name", "").upper()
        payload["seenBy"] = context.function_name
        request["body"]["action"] = "replace"
        request["body"]["encoding"] = "text"
        request["body"]["data"] = json.dumps(payload)
    return request
