/// The program a Node.js worker runs: it loads the handler once (the cold start), then answers
/// invocations one at a time. Frames are a 4-byte big-endian length and UTF-8 JSON; they arrive
/// on stdin and leave on stdout, which is reserved for them — the handler's console and stdout
/// go to stderr, in Lambda's log format, with START, END and REPORT lines around each call.
enum NodeBootstrap {
    static let fileName = "edgesim-bootstrap.cjs"

    static let source = #"""
        'use strict';
        // edgesim's Node.js bootstrap for Lambda@Edge handlers. Written by the edge; do not edit.
        const fs = require('fs');
        const path = require('path');
        const util = require('util');
        const url = require('url');

        const [codeDir, handlerSpec] = process.argv.slice(2);
        const functionName = process.env.EDGESIM_FUNCTION_NAME || 'function';
        const functionVersion = process.env.EDGESIM_FUNCTION_VERSION || '1';
        const memoryMB = Number(process.env.EDGESIM_MEMORY_MB || 128);
        const spawnedAt = Number(process.env.EDGESIM_SPAWNED_AT || Date.now());
        const region = process.env.EDGESIM_REGION || 'us-east-1';
        let requestId = undefined;
        let initDuration = undefined;

        // START is held until the handler writes a line or the invocation ends, so a call that
        // logs nothing costs one write of START, END and REPORT together.
        let heldStart = '';
        function log(text) { fs.writeSync(2, heldStart + (text.endsWith('\n') ? text : text + '\n')); heldStart = ''; }
        function line(level, args) { log(`${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}`); }
        console.log = (...a) => line('INFO', a);
        console.info = (...a) => line('INFO', a);
        console.debug = (...a) => line('DEBUG', a);
        console.warn = (...a) => line('WARN', a);
        console.error = (...a) => line('ERROR', a);
        console.trace = (...a) => line('TRACE', a);
        process.stdout.write = (chunk, encoding, callback) => {
            fs.writeSync(2, chunk);
            if (typeof encoding === 'function') encoding();
            if (typeof callback === 'function') callback();
            return true;
        };

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

        async function main() {
            let handler;
            try {
                handler = await loadHandler();
            } catch (error) {
                log(`${new Date().toISOString()}\tundefined\tERROR\tInit Error\t${JSON.stringify(describe(error))}`);
                send({ ready: false, ...describe(error) });
                process.exit(1);
            }
            initDuration = Date.now() - spawnedAt;
            send({ ready: true, initDurationMs: initDuration });

            let pending = Buffer.alloc(0);
            const queue = [];
            let busy = false;
            async function drain() {
                if (busy) return;
                busy = true;
                while (queue.length > 0) {
                    const message = queue.shift();
                    await run(handler, message);
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
            if (initDuration !== undefined) {
                // The edge sends a modelled Init Duration when the topology sets one.
                const shown = message.context.initDurationMs ?? initDuration;
                report += `\tInit Duration: ${shown.toFixed(2)} ms`;
                reply.initDurationMs = shown;
                initDuration = undefined;
            }
            log(report);
            inFlight = null;
            requestId = undefined;
            send(reply, resultJson);
        }

        main();
        """#
}
