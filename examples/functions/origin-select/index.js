'use strict';

// origin-request: origin selection. A viewer with the cookie `origin=media` is served by the
// `media` origin (an S3-style bucket) instead of the one the path pattern picked.
exports.handler = async (event) => {
    const request = event.Records[0].cf.request;
    const cookies = (request.headers.cookie || []).map((h) => h.value).join('; ');
    if (/(^|;\s*)origin=media(;|$)/.test(cookies)) {
        request.origin = { s3: { domainName: 'media.s3.amazonaws.com', region: '', authMethod: 'none', path: '', customHeaders: {} } };
        request.headers.host = [{ key: 'Host', value: 'media.s3.amazonaws.com' }];
    }
    return request;
};
