import CDNCore
import HTTPTypes

extension StoredResponse {
    /// Notes that a function version worked on this response (an internal field: it travels
    /// with the response through the cache, and the edge reads it only on a miss).
    mutating func noteFunctionRun(_ qualifiedName: String) {
        noteFunctionsRun([qualifiedName])
    }

    /// Notes several function versions, in order.
    mutating func noteFunctionsRun(_ qualifiedNames: [String]) {
        guard !qualifiedNames.isEmpty else { return }
        let noted = functionsRun + qualifiedNames
        headers[.edgesimFunctionsRun] = noted.joined(separator: ", ")
    }

    /// The function versions noted so far.
    var functionsRun: [String] {
        headers[.edgesimFunctionsRun].map { $0.split(separator: ",").map { $0.trimming(" ") } } ?? []
    }
}
