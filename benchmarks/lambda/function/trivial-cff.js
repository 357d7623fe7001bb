// The trivial CloudFront Function of the overhead benchmark: the request, unchanged.
function handler(event) {
    return event.request;
}
