// viewer-request (an ES module): content by Referer. Images under /img/ may only be embedded
// by pages of example.com; other referers get a generated 403.
export const handler = async (event) => {
    const request = event.Records[0].cf.request;
    const referer = request.headers.referer ? request.headers.referer[0].value : '';
    if (request.uri.startsWith('/img/') && referer && !/^https?:\/\/([a-z0-9-]+\.)*example\.com\//.test(referer)) {
        return { status: '403', statusDescription: 'Forbidden', body: 'Hotlinking is not allowed\n' };
    }
    return request;
};
