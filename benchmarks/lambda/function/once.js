'use strict';
// Passes the request on, then the worker exits: the next call needs a new worker, so each call
// is a cold start (the benchmark's cold-start rows).
exports.handler = async (event) => {
    setImmediate(() => process.exit(0));
    return event.Records[0].cf.request;
};
