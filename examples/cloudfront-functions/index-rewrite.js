// viewer-request, cloudfront-js-1.0: serve a folder's index.html for /docs and /docs/, as a
// static site on an S3 origin needs. The rewritten uri is what the cache keys on.
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    if (uri.endsWith('/')) {
        request.uri = uri + 'index.html';
    } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/') || uri.indexOf('.') === -1) {
        request.uri = uri + '/index.html';
    }
    return request;
}
