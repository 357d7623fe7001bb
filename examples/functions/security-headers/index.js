'use strict';

// origin-response: security headers on every response, and the origin's Server header dropped.
// The changed response is what the edge caches.
exports.handler = async (event) => {
    const response = event.Records[0].cf.response;
    const headers = response.headers;
    headers['strict-transport-security'] = [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubdomains; preload' }];
    headers['x-content-type-options'] = [{ key: 'X-Content-Type-Options', value: 'nosniff' }];
    headers['x-frame-options'] = [{ key: 'X-Frame-Options', value: 'DENY' }];
    headers['referrer-policy'] = [{ value: 'same-origin' }];
    delete headers['server'];
    return response;
};
