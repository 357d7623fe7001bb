'use strict';

// A viewer-request handler as it is deployed to Lambda@Edge: requests under /api/ need an
// Authorization header; others pass through unchanged.
exports.handler = async (event) => {
    const request = event.Records[0].cf.request;
    if (request.uri.startsWith('/api/') && !request.headers.authorization) {
        return {
            status: '401',
            statusDescription: 'Unauthorized',
            headers: {
                'www-authenticate': [{ key: 'WWW-Authenticate', value: 'Bearer realm="edgesim"' }],
                'content-type': [{ key: 'Content-Type', value: 'text/plain' }],
            },
            body: 'Authorization required\n',
        };
    }
    return request;
};
