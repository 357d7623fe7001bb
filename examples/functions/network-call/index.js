'use strict';

// viewer-request: a network call. The handler asks a service (its URL in the `lookup` query
// parameter) and answers with what it said, as a feature-flag or auth lookup would.
exports.handler = async (event) => {
    const request = event.Records[0].cf.request;
    const lookup = new URLSearchParams(request.querystring).get('lookup');
    if (!lookup) return request;
    const reply = await fetch(lookup);
    return {
        status: '200',
        headers: { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }] },
        body: `service said ${reply.status}: ${(await reply.text()).trim()}\n`,
    };
};
