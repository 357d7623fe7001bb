/// The program a Node.js worker runs. It starts with no function and says so (it may be started
/// ahead of need); its first frame names the function, whose handler it loads (the cold start);
/// then it answers invocations one at a time. Frames are a 4-byte big-endian length and UTF-8
/// JSON; they arrive on stdin and leave on stdout, which is reserved for them — the handler's
/// console, stdout and stderr go to the function's log file, in Lambda's log format, with START,
/// END and REPORT lines around each call.
enum NodeBootstrap {
    static let fileName = "edgesim-bootstrap.cjs"

    static let source = #"""
        'use strict';
        // edgesim's Node.js bootstrap for Lambda@Edge handlers. Written by the edge; do not edit.
        const fs = require('fs');
        const path = require('path');
        const util = require('util');
        const url = require('url');

        // The function, from the first frame.
        let codeDir, handlerSpec, functionName, functionVersion, memoryMB;
        let requestId = undefined;
        // The function's log file once it is known; stderr, the worker's own file, before.
        let logFd = 2;

        // START is held until the handler writes a line or the invocation ends, so a call that
        // logs nothing costs one write of START, END and REPORT together.
        let heldStart = '';
        function log(text) { fs.writeSync(logFd, heldStart + (text.endsWith('\n') ? text : text + '\n')); heldStart = ''; }
        function line(level, args) { log(`${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`); }
        console.log = (...a) => line('INFO', a);
        console.info = (...a) => line('INFO', a);
        console.debug = (...a) => line('DEBUG', a);
        console.warn = (...a) => line('WARN', a);
        console.error = (...a) => line('ERROR', a);
        console.trace = (...a) => line('TRACE', a);
        for (const stream of [process.stdout, process.stderr]) {
            stream.write = (chunk, encoding, callback) => {
                fs.writeSync(logFd, chunk);
                if (typeof encoding === 'function') encoding();
                if (typeof callback === 'function') callback();
                return true;
            };
        }

        // A message is its fields as JSON, then, for a result, a newline and the result's JSON:
        // the edge passes the result's bytes on without decoding them again.
        function send(message, resultJson) {
            const body = Buffer.from(resultJson === undefined ? JSON.stringify(message) : JSON.stringify(message) + '\n' + resultJson);
            const head = Buffer.alloc(4);
            head.writeUInt32BE(body.length);
            fs.writeSync(1, Buffer.concat([head, body]));
        }

        function describe(error) {
            if (error instanceof Error) {
                return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
            }
            return { errorType: typeof error === 'string' ? 'string' : 'Error', errorMessage: typeof error === 'string' ? error : util.inspect(error) };
        }

        function isModulePackage(dir) {
            try { return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module'; } catch { return false; }
        }

        async function loadHandler() {
            const dot = handlerSpec.lastIndexOf('.');
            if (dot < 1) throw Object.assign(new Error(`Bad handler ${handlerSpec}: expected FILE.FUNCTION`), { name: 'Runtime.MalformedHandlerName' });
            const file = handlerSpec.slice(0, dot);
            const name = handlerSpec.slice(dot + 1);
            const base = path.resolve(codeDir, file);
            let module;
            for (const extension of ['.js', '.mjs', '.cjs']) {
                if (!fs.existsSync(base + extension)) continue;
                const esm = extension === '.mjs' || (extension === '.js' && isModulePackage(codeDir));
                module = esm ? await import(url.pathToFileURL(base + extension).href) : require(base + extension);
                break;
            }
            if (module === undefined) throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
            const handler = module[name] ?? (module.default && module.default[name]);
            if (typeof handler !== 'function') throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
            return handler;
        }

        function invoke(handler, event, context) {
            return new Promise((resolve, reject) => {
                let settled = false;
                const callback = (error, result) => {
                    if (settled) return;
                    settled = true;
                    if (error !== null && error !== undefined) reject(error); else resolve(result);
                };
                context.succeed = (result) => callback(null, result);
                context.fail = (error) => callback(error || new Error('context.fail'));
                context.done = (error, result) => callback(error, result);
                try {
                    const returned = handler(event, context, callback);
                    if (returned && typeof returned.then === 'function') returned.then((value) => callback(null, value), (error) => callback(error));
                    else if (handler.length < 3) callback(null, returned);
                } catch (error) {
                    callback(error);
                }
            });
        }

        let inFlight = null;
        process.on('uncaughtException', (error) => {
            line('ERROR', ['Uncaught Exception', error]);
            if (inFlight !== null) send({ id: inFlight, ok: false, ...describe(error), fatal: true });
            process.exit(1);
        });
        process.on('unhandledRejection', (reason) => {
            line('ERROR', ['Unhandled Promise Rejection', reason]);
            if (inFlight !== null) send({ id: inFlight, ok: false, ...describe(reason), fatal: true });
            process.exit(1);
        });

        // The first frame: the function to serve. Its log file is opened, its folder becomes the
        // working directory, and its handler is loaded (Lambda's init).
        async function load(given) {
            ({ codeDirectory: codeDir, handler: handlerSpec, functionName, functionVersion, memoryMegabytes: memoryMB } = given);
            // The function's own user and home, before any of its code is read (edgesim's sandbox).
            if (given.uid != null) { process.setgroups([]); process.setgid(given.gid); process.setuid(given.uid); }
            if (given.home) { process.env.HOME = given.home; process.env.TMPDIR = given.home + '/tmp'; }
            logFd = fs.openSync(given.logPath, 'a');
            process.chdir(codeDir);
            try {
                const handler = await loadHandler();
                send({ ready: true });
                return handler;
            } catch (error) {
                log(`${new Date().toISOString()}\tundefined\tERROR\tInit Error\t${JSON.stringify(describe(error))}`);
                send({ ready: false, ...describe(error) });
                process.exit(1);
            }
        }

        function main() {
            send({ waiting: true });
            let handler = null;
            let pending = Buffer.alloc(0);
            const queue = [];
            let busy = false;
            async function drain() {
                if (busy) return;
                busy = true;
                while (queue.length > 0) {
                    const message = queue.shift();
                    if (handler === null) handler = await load(message.load);
                    else await run(handler, message);
                }
                busy = false;
            }
            process.stdin.on('data', (chunk) => {
                pending = Buffer.concat([pending, chunk]);
                while (pending.length >= 4) {
                    const length = pending.readUInt32BE(0);
                    if (pending.length < 4 + length) break;
                    queue.push(JSON.parse(pending.subarray(4, 4 + length).toString('utf8')));
                    pending = pending.subarray(4 + length);
                }
                drain();
            });
            process.stdin.on('end', () => process.exit(0));
        }

        async function run(handler, message) {
            requestId = message.context.awsRequestId;
            inFlight = message.id;
            const deadline = Date.now() + message.context.timeoutMs;
            const context = {
                functionName: `us-east-1.${functionName}`,
                functionVersion,
                invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:${functionVersion}`,
                memoryLimitInMB: String(memoryMB),
                awsRequestId: requestId,
                logGroupName: `/aws/lambda/us-east-1.${functionName}`,
                logStreamName: message.context.logStreamName,
                callbackWaitsForEmptyEventLoop: true,
                getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
            };
            heldStart = `START RequestId: ${requestId} Version: ${functionVersion}\n`;
            const started = process.hrtime.bigint();
            let reply;
            let resultJson;
            try {
                const result = await invoke(handler, message.event, context);
                resultJson = JSON.stringify(result === undefined ? null : result);
                reply = { id: message.id, ok: true };
            } catch (error) {
                const described = describe(error);
                log(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(described)}`);
                reply = { id: message.id, ok: false, ...described };
            }
            const duration = Number(process.hrtime.bigint() - started) / 1e6;
            // The peak resident size, from getrusage: memoryUsage.rss() reads /proc on every call.
            reply.durationMs = duration;
            reply.maxMemoryUsedMB = Math.ceil(process.resourceUsage().maxRSS / 1024);
            let report = `END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: ${memoryMB} MB\tMax Memory Used: ${reply.maxMemoryUsedMB} MB`;
            // A new worker's first call: the edge sends its Init Duration (what the worker's start
            // took here, or the topology's modelled one).
            const initDuration = message.context.initDurationMs;
            if (initDuration !== undefined) report += `\tInit Duration: ${initDuration.toFixed(2)} ms`;
            log(report);
            inFlight = null;
            requestId = undefined;
            send(reply, resultJson);
        }

        main();
        """#
}
