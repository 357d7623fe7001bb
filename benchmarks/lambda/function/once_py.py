# Passes the request on, then the worker exits once it has answered: the next call needs a new
# worker, so each call is a cold start (the benchmark's cold-start rows).
import os
import threading


def handler(event, context):
    threading.Timer(0.1, lambda: os._exit(0)).start()
    return event["Records"][0]["cf"]["request"]
