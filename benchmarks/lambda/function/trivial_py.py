# The trivial viewer-request handler, in Python, for both sides of the benchmark: pass the request on.
def handler(event, context):
    return event["Records"][0]["cf"]["request"]
