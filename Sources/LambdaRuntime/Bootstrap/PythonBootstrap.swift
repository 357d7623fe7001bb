/// The program a Python worker runs: the same frames and log lines as ``NodeBootstrap``, for a
/// `def handler(event, context)` that returns its result.
enum PythonBootstrap {
    static let fileName = "edgesim_bootstrap.py"

    static let source = #"""
        # edgesim's Python bootstrap for Lambda@Edge handlers. Written by the edge; do not edit.
        import importlib, json, math, os, resource, struct, sys, time  # traceback only on an error: a faster start

        code_dir, handler_spec = sys.argv[1], sys.argv[2]
        function_name = os.environ.get("EDGESIM_FUNCTION_NAME", "function")
        function_version = os.environ.get("EDGESIM_FUNCTION_VERSION", "1")
        memory_mb = int(os.environ.get("EDGESIM_MEMORY_MB", "128"))
        spawned_at = float(os.environ.get("EDGESIM_SPAWNED_AT", str(time.time() * 1000)))

        frames_in = os.fdopen(os.dup(0), "rb")  # buffered: a frame's length and body in one read
        frames_out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)  # print() and the handler's stdout go to the log, never into the frames
        sys.stdout = os.fdopen(1, "w", buffering=1)

        def log(text):
            sys.stderr.write(text if text.endswith("\n") else text + "\n")
            sys.stderr.flush()

        # A message is its fields as JSON, then, for a result, a newline and the result's JSON:
        # the edge passes the result's bytes on without decoding them again.
        def send(message, result_json=None):
            text = json.dumps(message)
            body = (text if result_json is None else text + "\n" + result_json).encode("utf-8")
            frames_out.write(struct.pack(">I", len(body)) + body)

        def read_exactly(count):
            data = frames_in.read(count)  # a buffered read returns less only at the end
            if len(data) < count:
                sys.exit(0)
            return data

        def describe(error):
            import traceback
            return {"errorType": type(error).__name__, "errorMessage": str(error),
                    "stackTrace": traceback.format_exception(type(error), error, error.__traceback__)}

        class Context:
            def __init__(self, message):
                self.function_name = "us-east-1." + function_name
                self.function_version = function_version
                self.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:%s:%s" % (function_name, function_version)
                self.memory_limit_in_mb = str(memory_mb)
                self.aws_request_id = message["context"]["awsRequestId"]
                self.log_group_name = "/aws/lambda/us-east-1." + function_name
                self.log_stream_name = message["context"]["logStreamName"]
                self._deadline = time.time() * 1000 + message["context"]["timeoutMs"]

            def get_remaining_time_in_millis(self):
                return max(0, int(self._deadline - time.time() * 1000))

        def load_handler():
            module_name, _, function = handler_spec.rpartition(".")
            if not module_name:
                raise ValueError("Bad handler %s: expected FILE.FUNCTION" % handler_spec)
            # Started with -S: the search path site would have made comes from the edge.
            extra = os.environ.get("EDGESIM_PYTHON_PATH")
            if extra is not None:
                sys.path[:] = [p for p in extra.split(os.pathsep) if p]
            sys.path.insert(0, code_dir)
            module = importlib.import_module(module_name.replace("/", "."))
            handler = getattr(module, function, None)
            if not callable(handler):
                raise AttributeError("Handler '%s' missing on module '%s'" % (function, module_name))
            return handler

        def main():
            try:
                handler = load_handler()
            except Exception as error:
                log("[ERROR] Runtime.ImportModuleError: %s" % error)
                send(dict(ready=False, **describe(error)))
                sys.exit(1)
            init_duration = time.time() * 1000 - spawned_at
            send({"ready": True, "initDurationMs": init_duration})
            while True:
                (length,) = struct.unpack(">I", read_exactly(4))
                message = json.loads(read_exactly(length))
                context = Context(message)
                request_id = context.aws_request_id
                log("START RequestId: %s Version: %s" % (request_id, function_version))
                started = time.perf_counter()
                result_json = None
                try:
                    result_json = json.dumps(handler(message["event"], context))
                    reply = {"id": message["id"], "ok": True}
                except Exception as error:
                    described = describe(error)
                    log("[ERROR] %s: %s" % (described["errorType"], described["errorMessage"]))
                    reply = dict(id=message["id"], ok=False, **described)
                sys.stdout.flush()
                duration = (time.perf_counter() - started) * 1000
                used = math.ceil(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                reply["durationMs"] = duration
                reply["maxMemoryUsedMB"] = used
                report = "END RequestId: %s\nREPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB" % (
                    request_id, request_id, duration, math.ceil(duration), memory_mb, used)
                if init_duration is not None:
                    # The edge sends a modelled Init Duration when the topology sets one.
                    shown = message["context"].get("initDurationMs", init_duration)
                    report += "\tInit Duration: %.2f ms" % shown
                    reply["initDurationMs"] = shown
                    init_duration = None
                log(report)
                send(reply, result_json)

        main()
        """#
}
