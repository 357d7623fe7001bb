// viewer-response, cloudfront-js-2.0: the security headers every response should carry, on
// hits and misses alike, and a cookie that marks a returning viewer.
async function handler(event) {
    const response = event.response;
    const headers = response.headers;
    headers['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
    headers['x-content-type-options'] = { value: 'nosniff' };
    headers['x-frame-options'] = { value: 'DENY' };
    headers['referrer-policy'] = { value: 'same-origin' };
    response.cookies['returning'] = { value: '1', attributes: 'Path=/; Secure; Max-Age=86400' };
    return response;
}
