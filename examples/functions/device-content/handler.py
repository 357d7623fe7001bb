# origin-request: content by device. CloudFront adds CloudFront-Is-Mobile-Viewer after
# viewer-request, so an origin-request function can route mobile viewers to /mobile/.
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    headers = request["headers"]
    mobile = headers.get("cloudfront-is-mobile-viewer", [{"value": "false"}])[0]["value"] == "true"
    if mobile and not request["uri"].startswith("/mobile/"):
        request["uri"] = "/mobile" + request["uri"]
    return request
