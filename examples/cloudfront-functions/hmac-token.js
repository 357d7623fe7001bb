// viewer-request, cloudfront-js-2.0: only requests that carry ?token=HMAC-SHA256(uri) in hex
// pass; the others get a 403 made here, never reaching the cache or the origin. The key would
// come from a KeyValueStore in production; a constant keeps the example whole.
import crypto from 'crypto';

const key = 'edgesim-example-key';

function handler(event) {
    const request = event.request;
    const token = request.querystring.token;
    const expected = crypto.createHmac('sha256', key).update(request.uri).digest('hex');
    if (token && token.value === expected) {
        delete request.querystring.token;
        return request;
    }
    return {
        statusCode: 403,
        statusDescription: 'Forbidden',
        headers: { 'content-type': { value: 'text/plain' } },
        body: 'a valid token is required\n',
    };
}
