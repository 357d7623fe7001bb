'use strict';
// The trivial viewer-request handler both sides of the benchmark run: pass the request on.
exports.handler = async (event) => event.Records[0].cf.request;
