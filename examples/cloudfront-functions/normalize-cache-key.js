// viewer-request, cloudfront-js-1.0: one cache entry for URLs that differ only in tracking
// parameters or parameter order: utm_* and fbclid are dropped, the rest sorted by name and
// returned as a string, which sets the exact query CloudFront keys on and forwards.
function handler(event) {
    var request = event.request;
    var query = request.querystring;
    var names = Object.keys(query).filter(function (name) {
        return name.indexOf('utm_') !== 0 && name !== 'fbclid';
    }).sort();
    var parts = [];
    names.forEach(function (name) {
        var entry = query[name];
        var values = entry.multiValue ? entry.multiValue : [entry];
        values.forEach(function (value) { parts.push(name + '=' + value.value); });
    });
    request.querystring = parts.join('&');
    return request;
}
