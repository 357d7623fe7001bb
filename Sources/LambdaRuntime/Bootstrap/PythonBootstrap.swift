/// The program a Python worker runs: the same start, frames and log lines as ``NodeBootstrap``,
/// for a `def handler(event, context)` that returns its result.
enum PythonBootstrap {
    static let fileName = "edgesim_bootstrap.py"

    static let source = #"""
        # edgesim's Python bootstrap for Lambda@Edge handlers. Written by the edge; do not edit.
        import importlib, json, math, os, resource, struct, sys, time  # traceback only on an error: a faster start

        # The function, from the first frame.
        code_dir = handler_spec = function_name = function_version = None
        memory_mb = 128

        frames_in = os.fdopen(os.dup(0), "rb")  # buffered: a frame's length and body in one read
        frames_out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)  # print() and the handler's stdout go to stderr, never into the frames
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

        def read_frame():
            (length,) = struct.unpack(">I", read_exactly(4))
            return json.loads(read_exactly(length))

        def load(given):
            """The first frame: the function to serve. Its log file becomes stdout and stderr, its
            folder the working directory, and its handler is loaded (Lambda's init)."""
            global code_dir, handler_spec, function_name, function_version, memory_mb
            code_dir, handler_spec = given["codeDirectory"], given["handler"]
            function_name, function_version, memory_mb = given["functionName"], given["functionVersion"], given["memoryMegabytes"]
            # The function's own user, home and data limit, before any of its code is read
            # (edgesim's sandbox).
            if given.get("uid") is not None:
                os.setgroups([])
                os.setgid(given["gid"])
                os.setuid(given["uid"])
            if given.get("home"):
                os.environ["HOME"], os.environ["TMPDIR"] = given["home"], given["home"] + "/tmp"
                if "tempfile" in sys.modules:
                    sys.modules["tempfile"].tempdir = None
            try:
                import resource
                limit = max(memory_mb * 2, memory_mb + 512) << 20
                resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            except (ImportError, ValueError, OSError):
                pass
            log_fd = os.open(given["logPath"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.dup2(log_fd, 2)
            os.dup2(log_fd, 1)
            os.close(log_fd)
            os.chdir(code_dir)
            try:
                handler = load_handler()
            except Exception as error:
                log("[ERROR] Runtime.ImportModuleError: %s" % error)
                send(dict(ready=False, **describe(error)))
                sys.exit(1)
            send({"ready": True})
            return handler

        def main():
            send({"waiting": True})
            handler = load(read_frame()["load"])
            while True:
                message = read_frame()
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
                # A new worker's first call: the edge sends its Init Duration (what the worker's
                # start took here, or the topology's modelled one).
                init_duration = message["context"].get("initDurationMs")
                if init_duration is not None:
                    report += "\tInit Duration: %.2f ms" % init_duration
                log(report)
                send(reply, result_json)

        main()
        """#
}
