/// The program a CloudFront Functions worker runs, under njs, nginx's JavaScript engine: the
/// engine whose language level, built-in modules (`crypto`, `querystring`, `Buffer`), error
/// types (`InternalError`, `MemoryError`) and byte-string methods are CloudFront Functions'
/// own, so code that njs refuses (classes, destructuring, spread, optional chaining) is refused
/// here as at the edge.
///
/// It speaks the Node.js bootstrap's protocol (frames of a 4-byte big-endian length and UTF-8
/// JSON on stdin and stdout): it says it is waiting, loads the function of its first frame,
/// then answers invocations one at a time. What it adds is CloudFront Functions' sandbox:
/// - the function's source is compiled once into a factory, and each invocation calls the
///   factory anew, so top-level state never carries from one request to the next;
/// - before the first call the engine's own globals go (`process`, `require`, the timers,
///   `njs`, `print`), `require` and `import` reach only the allowed modules, `eval` and
///   `new Function` throw, and `Date` is frozen at the moment the invocation started;
/// - `console.log` takes one argument, and its lines go to the function's log file in
///   CloudFront's format (`<id> START DistributionID: …`, `<id> message`, `<id> END`), cut at
///   10 KB per invocation (a call that logs nothing writes nothing, as at AWS);
/// - `cf.kvs()` reads the KeyValueStore revision the edge had the worker load between
///   invocations (a `store` frame): `get` (string, json, bytes), `exists` and `meta` answer
///   promises from memory, and a missing key rejects, as at AWS;
/// - an invocation that allocates more than the 2 MB CloudFront allows fails with
///   `MemoryError` (njs has no collector: what a call allocates is what it holds), and a worker
///   whose engine heap has grown past its recycling size asks the edge to replace it.
///
/// njs runs promise jobs only once the script's top level has returned, so the loop is a chain
/// of jobs: each reads the next frame (a blocking read), runs the handler and, once its result
/// has settled, writes the reply and schedules the next.
enum NjsBootstrap {
    static let fileName = "edgesim-bootstrap-njs.js"

    static let source = #"""
        // edgesim's njs bootstrap for CloudFront Functions. Written by the edge; do not edit.
        var fs = require('fs');
        var cryptoModule = require('crypto');
        var querystringModule = require('querystring');
                var RealDate = Date;
        var RealFunction = Function;
        var ByteBuffer = Buffer;
        var runtime = process.argv[process.argv.length - 1];
        var isV2 = runtime === 'cloudfront-js-2.0';

        // CloudFront's limits (cloudfront-functions-spec.md §4).
        var MEMORY_LIMIT = 2 * 1024 * 1024;
        var LOG_LIMIT = 10 * 1024;
        // njs never frees: a trivial call keeps about 15 KB, so a worker is replaced once it
        // holds this much. What a call allocated is read from the process's resident size:
        // njs.memoryStats walks the whole heap (at 48 MB a trivial call cost ten times what it
        // does at 1 MB), /proc/self/statm is one small read.
        var RECYCLE_RESIDENT = 32 * 1024 * 1024;
        var PAGE = 4096;
        function resident() { return Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * PAGE; }

        var pending = ByteBuffer.alloc(0);
        var chunk = ByteBuffer.alloc(65536);

        function send(message, resultJson) {
            var text = JSON.stringify(message);
            if (resultJson !== undefined) text += '\n' + resultJson;
            var body = ByteBuffer.from(text);
            var head = ByteBuffer.alloc(4);
            head.writeUInt32BE(body.length, 0);
            fs.writeSync(1, ByteBuffer.concat([head, body]));
        }

        // The next frame, parsed; null once stdin closes.
        function receive() {
            while (true) {
                if (pending.length >= 4) {
                    var length = pending.readUInt32BE(0);
                    if (pending.length >= 4 + length) {
                        var text = pending.toString('utf8', 4, 4 + length);
                        pending = pending.slice(4 + length);
                        return JSON.parse(text);
                    }
                }
                var read = fs.readSync(0, chunk, 0, chunk.length, null);
                if (read <= 0) return null;
                pending = ByteBuffer.concat([pending, chunk.slice(0, read)]);
            }
        }

        function describe(error) {
            if (error instanceof Error) {
                return { errorType: error.name || 'Error', errorMessage: String(error.message), trace: String(error.stack || '').split('\n') };
            }
            return { errorType: 'Error', errorMessage: 'the function threw ' + JSON.stringify(error) };
        }

        // 2.0's `import NAME from 'module'` lines become bindings of the allowed modules; the
        // line count stays, so an error's line is the source's own.
        function rewriteImports(text) {
            return text.replace(/^([ \t]*)import[ \t]+([A-Za-z_$][A-Za-z0-9_$]*)[ \t]+from[ \t]+(['"])([^'"]*)\3[ \t]*;?/gm, function (all, indent, name, quote, module) {
                return indent + 'var ' + name + ' = __import(' + JSON.stringify(module) + ');';
            });
        }

        function moduleNamed(name) {
            if (name === 'crypto') return cryptoModule;
            if (name === 'querystring') return querystringModule;
            if (name === 'cloudfront' && isV2) return cloudfront;
            var error = new Error('Cannot find module "' + name + '": CloudFront Functions allow only '
                + (isV2 ? "'crypto', 'querystring' and 'cloudfront'" : "'crypto' and 'querystring'"));
            error.name = 'InternalError';
            throw error;
        }

        // The `cloudfront` module of runtime 2.0: what a call asks of it is kept for the edge.
        var cloudfront = {};
        var asked = null;
        cloudfront.edgeLocation = {};
        cloudfront.logCustomData = function (text) { asked.logCustomData = String(text); };
        cloudfront.updateRequestOrigin = function (params) { asked.origin = { update: params }; };
        cloudfront.selectRequestOriginById = function (id, params) { asked.origin = { select: String(id), params: params }; };
        cloudfront.createRequestOriginGroup = function (params) { asked.origin = { group: params }; };

        // The KeyValueStore revision loaded by the last `store` frame, and the resident size
        // after loading it (the base the recycling size counts from).
        var store = null;
        var residentBase = 0;
        function loadStore(given) {
            var parsed = JSON.parse(fs.readFileSync(given.path, 'utf8'));
            var values = Object.create(null);
            for (var i = 0; i < parsed.data.length; i++) values[parsed.data[i].key] = parsed.data[i].value;
            store = { id: given.id, values: values,
                meta: { creationDateTime: given.creationDateTime, lastUpdatedDateTime: given.lastUpdatedDateTime, keyCount: given.keyCount } };
            residentBase = resident();
        }
        function kvsError(name, message) {
            var error = new Error(message);
            error.name = name;
            return error;
        }
        // The handle is made at the function's top level, which also runs when the worker
        // loads: the store is looked up when it is read, from the revision loaded then (every
        // read of one invocation sees one revision: `store` frames come between invocations).
        cloudfront.kvs = function (id) {
            function read(body) {
                asked.kvsReads = (asked.kvsReads || 0) + 1;
                try {
                    if (store === null) throw kvsError('Error', 'no key value store is associated with this function');
                    if (id !== undefined && String(id) !== store.id && String(id).split('/').pop() !== store.id) {
                        throw kvsError('Error', "key value store '" + id + "' is not the one associated with this function (" + store.id + ')');
                    }
                    return Promise.resolve(body(store));
                } catch (error) {
                    asked.kvsReadErrors = (asked.kvsReadErrors || 0) + 1;
                    return Promise.reject(error);
                }
            }
            return {
                get: function (key, options) {
                    return read(function (held) {
                        var name = String(key);
                        if (!(name in held.values)) throw kvsError('Error', 'Key not found: ' + name);
                        var value = held.values[name];
                        var format = options && options.format !== undefined ? options.format : 'string';
                        if (format === 'string') return value;
                        if (format === 'json') return JSON.parse(value);
                        if (format === 'bytes') return ByteBuffer.from(value, 'utf8');
                        throw kvsError('TypeError', "format must be 'string', 'json' or 'bytes', not " + JSON.stringify(format));
                    });
                },
                exists: function (key) { return read(function (held) { return String(key) in held.values; }); },
                meta: function () {
                    return read(function (held) {
                        return { creationDateTime: held.meta.creationDateTime, lastUpdatedDateTime: held.meta.lastUpdatedDateTime, keyCount: held.meta.keyCount };
                    });
                },
            };
        };

        function forbidden(what) {
            return function () {
                var error = new Error(what + ' is not available in CloudFront Functions');
                error.name = 'InternalError';
                throw error;
            };
        }

        // Date, frozen at the invocation's start.
        function frozenDate(now) {
            function FrozenDate() {
                if (!(this instanceof FrozenDate)) return new RealDate(now).toString();
                if (arguments.length === 0) return new RealDate(now);
                var parts = [null];
                for (var i = 0; i < arguments.length; i++) parts.push(arguments[i]);
                return new (RealFunction.prototype.bind.apply(RealDate, parts))();
            }
            FrozenDate.now = function () { return now; };
            FrozenDate.UTC = RealDate.UTC;
            FrozenDate.parse = RealDate.parse;
            FrozenDate.prototype = RealDate.prototype;
            return FrozenDate;
        }

        var factory = null;
        var logFd = 2;
        var functionName = '';

        function load(given) {
            functionName = given.functionName;
            logFd = fs.openSync(given.logPath, 'a');
            var text = fs.readFileSync(given.codeDirectory + '/' + given.handler, 'utf8');
            if (isV2) text = rewriteImports(text);
            var parameters = ['require', '__import', 'console', 'Date', 'Function', 'eval', 'globalThis', 'global', 'process', 'njs', 'print',
                'setTimeout', 'setImmediate', 'clearTimeout'];
            factory = new RealFunction(parameters.join(','),
                '"use strict";\n' + text + '\n;return typeof handler === "function" ? handler : undefined;');
            // The engine's own globals are gone before any call, and the constructors that
            // compile code throw from here on.
            var gone = ['process', 'require', 'setTimeout', 'setImmediate', 'clearTimeout', 'njs', 'print', '$262', 'global'];
            if (!isV2) gone.push('Buffer', 'TextEncoder', 'TextDecoder', 'atob', 'btoa');
            for (var i = 0; i < gone.length; i++) delete globalThis[gone[i]];
            if (isV2) {
                var byteStrings = ['bytesFrom', 'fromBytes', 'fromUTF8'];
                for (var j = 0; j < byteStrings.length; j++) delete String[byteStrings[j]];
                delete String.prototype.toBytes;
                delete String.prototype.toUTF8;
                delete String.prototype.fromUTF8;
                delete String.prototype.fromBytes;
            }
            Object.defineProperty(RealFunction.prototype, 'constructor', { value: forbidden('new Function'), writable: false });
            var probe = factory.apply(undefined, [forbiddenRequire, moduleNamed, { log: function () {} }, RealDate, forbidden('new Function'), forbidden('eval'), globalThis]);
            if (probe === undefined) {
                var error = new Error('the function defines no handler: CloudFront Functions run `function handler(event)`');
                error.name = 'ReferenceError';
                throw error;
            }
        }

        function invoke(message) {
            var event = message.event;
            var id = (event.context && event.context.requestId) || message.context.awsRequestId;
            var distribution = (event.context && event.context.distributionId) || '';
            var lines = [];
            var logged = 0;
            var console = {
                log: function (value) {
                    if (arguments.length > 1) throw new TypeError('console.log takes one argument in CloudFront Functions: join the values');
                    var text = typeof value === 'string' ? value : JSON.stringify(value);
                    if (text === undefined) text = String(value);
                    if (logged >= LOG_LIMIT) return;
                    if (logged + text.length > LOG_LIMIT) text = text.slice(0, LOG_LIMIT - logged);
                    logged += text.length;
                    lines.push(text);
                },
            };
            asked = {};
            cloudfront.edgeLocation = message.edgeLocation || {};
            var before = resident();
            var started = RealDate.now();
            function finish(ok, value) {
                var after = resident();
                var used = after - before;
                var reply = { id: message.id, ok: ok, durationMs: RealDate.now() - started, memoryUsed: used };
                var resultJson;
                if (ok && used > MEMORY_LIMIT) {
                    ok = false;
                    value = { name: 'MemoryError', message: 'the function used ' + used + ' bytes of memory; CloudFront Functions allow ' + MEMORY_LIMIT };
                    reply.ok = false;
                }
                if (asked.kvsReads) reply.kvsReads = asked.kvsReads;
                if (asked.kvsReadErrors) reply.kvsReadErrors = asked.kvsReadErrors;
                if (ok) {
                    resultJson = JSON.stringify(value === undefined ? null : value);
                    if (asked.origin !== undefined) reply.origin = asked.origin;
                    if (asked.logCustomData !== undefined) reply.logCustomData = asked.logCustomData;
                } else {
                    var described = value instanceof Error ? describe(value) : value.name ? { errorType: value.name, errorMessage: value.message } : describe(value);
                    reply.errorType = described.errorType;
                    reply.errorMessage = described.errorMessage;
                    lines.push(described.errorType + ': ' + described.errorMessage);
                }
                // As at AWS, a call that logs nothing sends nothing to its log.
                if (lines.length > 0) {
                    var log = id + ' START DistributionID: ' + distribution + '\n';
                    for (var i = 0; i < lines.length; i++) log += id + ' ' + lines[i] + '\n';
                    log += id + ' END\n';
                    fs.writeSync(logFd, log);
                }
                if (after - residentBase > RECYCLE_RESIDENT) reply.recycle = true;
                send(reply, resultJson);
            }
            try {
                var handler = factory.apply(undefined, [forbiddenRequire, moduleNamed, console, frozenDate(started), forbidden('new Function'),
                    forbidden('eval'), globalThis]);
                var result = handler(event);
                if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
                    if (!isV2) throw new TypeError('the handler returned a Promise: async handlers need cloudfront-js-2.0');
                    return result.then(function (value) { finish(true, value); }, function (error) { finish(false, error); });
                }
                finish(true, result);
            } catch (error) {
                finish(false, error);
            }
            return undefined;
        }

        function forbiddenRequire(name) { return moduleNamed(String(name)); }

        // Each step is a promise job: read a frame, run it, and schedule the next once the
        // reply is written.
        function step() {
            var message = receive();
            if (message === null) return;
            if (message.store !== undefined) {
                try {
                    loadStore(message.store);
                    send({ ok: true });
                } catch (error) {
                    send({ ok: false, errorMessage: String(error.message || error) });
                }
                next();
                return;
            }
            var done = invoke(message);
            if (done !== undefined) done.then(next, next);
            else next();
        }
        function next() { Promise.resolve().then(step); }

        send({ waiting: true });
        var first = receive();
        if (first !== null) {
            try {
                load(first.load);
                residentBase = resident();
                send({ ready: true });
                next();
            } catch (error) {
                var described = describe(error);
                fs.writeSync(logFd, 'edgesim: ' + functionName + ' did not load: ' + described.errorType + ': ' + described.errorMessage + '\n');
                described.ready = false;
                send(described);
            }
        }
        """#
}
