// KeyValueStore redirects (viewer-request, cloudfront-js-2.0): a path listed in the store
// associated with the function is redirected to the path it maps to; others pass through.
// Change a redirect with `edgesim kvs put redirects /old /new`: every edge serves it within
// its replication time, with no republish of the function.
import cf from 'cloudfront';

const kvs = cf.kvs();

async function handler(event) {
    const request = event.request;
    let target;
    try {
        target = await kvs.get(request.uri);
    } catch (error) {
        // Not in the store: a missing key rejects, as at AWS.
        return request;
    }
    return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: target }, 'cache-control': { value: 'max-age=60' } },
    };
}
