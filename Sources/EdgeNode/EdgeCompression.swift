import CBrotli
import CDNCore
import CompressNIO
import Foundation
import HTTPTypes
import NIOCore
import Topology

/// The edge's compression, as CloudFront's (spec §6): the viewer's `Accept-Encoding`
/// normalised into the cache key and the origin request, and a response compressed once, on
/// the miss that fetched it, so each encoding is cached as its own variant.
enum EdgeCompression {
    /// The normalised `Accept-Encoding` (`br,gzip`, `gzip`, `br`, or `identity` when the viewer
    /// offers neither enabled coding), or `nil` to send none: the viewer sent none, or spoke
    /// HTTP/1.0, to which CloudFront never compresses.
    static func normalized(_ offered: String?, enabled: Set<CacheKeyPolicy.ContentCoding>, beforeHTTP11: Bool) -> String? {
        guard let offered, !beforeHTTP11 else { return nil }
        var accepted: Set<CacheKeyPolicy.ContentCoding> = []
        for item in offered.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first?.lowercased(), let coding = CacheKeyPolicy.ContentCoding(rawValue: name) else { continue }
            // `;q=0` says the viewer does not take it.
            let refused = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0].lowercased() == "q" && Double(pair[1]) == 0
            }
            if !refused { accepted.insert(coding) }
        }
        let kept = accepted.intersection(enabled)
        if kept.count == 2 { return "br,gzip" }
        return kept.first?.rawValue ?? "identity"
    }

    /// The media types CloudFront compresses, without parameters.
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return compressibleTypes.contains(type)
    }

    static let compressibleTypes: Set<String> = Set(
        [
            "dash+xml", "eot", "font", "font-sfnt", "javascript", "json", "opentype", "otf", "pkcs7-mime", "protobuf", "rss+xml", "truetype", "ttf",
            "vnd.apple.mpegurl", "vnd.mapbox-vector-tile", "vnd.ms-fontobject", "xhtml+xml", "xml", "x-font-opentype", "x-font-truetype",
            "x-font-ttf", "x-httpd-cgi", "x-javascript", "x-mpegurl", "x-opentype", "x-otf", "x-perl", "x-ttf",
        ].map { "application/" + $0 }
            + ["eot", "opentype", "otf", "ttf"].map { "font/" + $0 } + ["image/svg+xml", "vnd.apple.mpegurl"]
            + [
                "css", "csv", "html", "javascript", "js", "plain", "richtext", "tab-separated-values", "xml", "x-component", "x-java-source",
                "x-script",
            ]
            .map { "text/" + $0 }
    )

    /// The response compressed for the request's normalised `Accept-Encoding`, Brotli preferred,
    /// when CloudFront would: the behavior compresses and caches, the status is 200, 403 or 404,
    /// the origin did not encode it, its type is one CloudFront compresses, and it holds 1,000 to
    /// 10,000,000 bytes. A strong ETag becomes weak, and `Vary` names `Accept-Encoding`.
    static func compressed(_ response: StoredResponse, acceptEncoding: String?, behavior: CacheBehavior) -> StoredResponse {
        // Only for the codings the cache key holds (a cache policy without them, such as
        // CachingOptimizedForUncompressedObjects, turns compression off as at CloudFront): the
        // header is then the normalised one, and each coding a variant of its own.
        guard behavior.compress, !behavior.cacheKey.acceptEncodings.isEmpty, behavior.maximumTTL > .zero, let acceptEncoding,
            [200, 403, 404].contains(response.status.code),
            response.headers[.contentEncoding] == nil, isCompressible(response.headers[.contentType]),
            (1_000...10_000_000).contains(response.body.readableBytes)
        else { return response }
        let codings = acceptEncoding.split(separator: ",")
        let coding: CacheKeyPolicy.ContentCoding = codings.contains("br") ? .br : codings.contains("gzip") ? .gzip : .br
        guard codings.contains(Substring(coding.rawValue)), let body = encode(response.body, with: coding) else { return response }
        var result = response
        result.body = body
        result.headers[.contentEncoding] = coding.rawValue
        if result.headers[.contentLength] != nil { result.headers[.contentLength] = String(body.readableBytes) }
        if let etag = result.headers[.eTag] {
            result.headers[.eTag] = etag.hasPrefix("\"") ? "W/" + etag : etag.hasPrefix("W/") ? etag : nil
        }
        let vary = result.headers[values: .vary].flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if !vary.contains(where: { $0.lowercased() == "accept-encoding" }) {
            result.headers[.vary] = (vary + ["Accept-Encoding"]).joined(separator: ", ")
        }
        return result
    }

    /// A body in one coding, or `nil` when the encoder fails (the response then goes as it is).
    static func encode(_ body: ByteBuffer, with coding: CacheKeyPolicy.ContentCoding) -> ByteBuffer? {
        switch coding {
        case .gzip:
            var input = body
            return try? input.compress(with: .gzip())
        case .br:
            let input = Array(body.readableBytesView)
            var size = BrotliEncoderMaxCompressedSize(input.count)
            var output = [UInt8](repeating: 0, count: size)
            // Quality 5 of 11: CloudFront's is not documented; 5 keeps a miss fast.
            let done = input.withUnsafeBufferPointer { source in
                BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, source.count, source.baseAddress, &size, &output)
            }
            guard done == BROTLI_TRUE else { return nil }
            return ByteBuffer(bytes: output[..<size])
        }
    }
}
