// viewer-request, cloudfront-js-2.0: send viewers in Japan to the Japanese site with a 302,
// from the viewer's country, which CloudFront Functions see in viewer-request.
const sites = { JP: '/ja', DE: '/de' };

function handler(event) {
    const request = event.request;
    const country = request.headers['cloudfront-viewer-country'];
    const prefix = country ? sites[country.value] : undefined;
    if (prefix === undefined || request.uri.startsWith(prefix + '/')) return request;
    return {
        statusCode: 302,
        statusDescription: 'Found',
        headers: {
            location: { value: `${prefix}${request.uri}` },
            'cache-control': { value: 'no-store' },
        },
    };
}
