'use strict';

// viewer-request: an auth-token check, as it is deployed to Lambda@Edge. Requests under /api/
// need a bearer token: none gets 401; an expired session cookie is sent to /login with a 302;
// a token passes on, with the user it names added as a header for the origin.
exports.handler = async (event) => {
    const request = event.Records[0].cf.request;
    if (!request.uri.startsWith('/api/')) return request;
    const cookies = (request.headers.cookie || []).map((h) => h.value).join('; ');
    if (/(^|;\s*)session=expired(;|$)/.test(cookies)) {
        return {
            status: '302',
            statusDescription: 'Found',
            headers: { location: [{ key: 'Location', value: `/login?next=${encodeURIComponent(request.uri)}` }] },
        };
    }
    const authorization = request.headers.authorization ? request.headers.authorization[0].value : '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (!token) {
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
    request.headers['x-authenticated-user'] = [{ key: 'X-Authenticated-User', value: token.split('.')[0] }];
    return request;
};
