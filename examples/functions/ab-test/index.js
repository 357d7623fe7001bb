'use strict';

// viewer-request: A/B testing by cookie. A viewer with `experiment=b` sees /experiment/b.html;
// everyone else /experiment/a.html. The rewrite happens before the cache lookup, so each
// variant is cached on its own.
exports.handler = (event, context, callback) => {
    const request = event.Records[0].cf.request;
    if (request.uri === '/experiment' || request.uri === '/experiment/') {
        const cookies = (request.headers.cookie || []).map((h) => h.value).join('; ');
        const variant = /(^|;\s*)experiment=b(;|$)/.test(cookies) ? 'b' : 'a';
        request.uri = `/experiment/${variant}.html`;
    }
    callback(null, request);
};
