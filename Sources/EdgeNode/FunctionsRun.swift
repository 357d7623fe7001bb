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

    /// Notes how long a stage's function took.
    mutating func noteStageTime(_ stage: String, _ duration: Duration) {
        let entry = "\(stage)=\(Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)"
        headers[.edgesimStageTimes] = headers[.edgesimStageTimes].map { $0 + ", " + entry } ?? entry
    }

    /// The stage times noted so far.
    var stageTimes: [(String, Duration)] {
        (headers[.edgesimStageTimes] ?? "").split(separator: ",").compactMap { item in
            let pair = item.split(separator: "=").map { $0.trimming(" ") }
            guard pair.count == 2, let milliseconds = Double(pair[1]) else { return nil }
            return (pair[0], .nanoseconds(Int64(milliseconds * 1e6)))
        }
    }
}
