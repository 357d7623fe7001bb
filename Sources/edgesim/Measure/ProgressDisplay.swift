import Foundation
import Measure
import Topology

/// The live view of a measurement: on a terminal, a bar per location redrawn in place with the
/// current rate and errors; otherwise a plain line every two seconds.
struct ProgressDisplay {
    let targets: [MeasureTarget]
    let settings: MeasureSettings
    let progress: MeasureProgress
    let terminal = isatty(STDOUT_FILENO) == 1

    /// Runs the body while the display follows it.
    func `while`<Result: Sendable>(_ body: @Sendable () async -> Result) async -> Result {
        let started = ContinuousClock.now
        let ticker = Task {
            var drawn = 0
            var last = (count: 0, at: started)
            while !Task.isCancelled {
                try? await Task.sleep(for: terminal ? .milliseconds(250) : .seconds(2))
                if Task.isCancelled { break }
                let snapshot = progress.snapshot
                let done = snapshot.values.reduce(0) { $0 + $1.done }
                let rate = Double(done - last.count) / max(0.001, (ContinuousClock.now - last.at).inSeconds)
                last = (done, .now)
                let text = render(snapshot, rate: rate, elapsed: ContinuousClock.now - started)
                if terminal {
                    let up = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
                    FileHandle.standardOutput.write(Data((up + text.map { "\u{1B}[2K" + $0 + "\n" }.joined()).utf8))
                    drawn = text.count
                } else {
                    Output.line(text.last ?? "")
                }
            }
        }
        let result = await body()
        ticker.cancel()
        _ = await ticker.value
        return result
    }

    private func render(_ snapshot: [String: MeasureProgress.Count], rate: Double, elapsed: Duration) -> [String] {
        var lines: [String] = []
        let width = targets.map(\.viewer.count).max() ?? 0
        if terminal {
            for target in targets {
                let count = snapshot[target.viewer] ?? .init()
                let share = fraction(count.done, elapsed: elapsed)
                let filled = Int((share * 24).rounded())
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 24 - filled)
                let errors = count.failed > 0 ? "  \(count.failed) errors" : ""
                lines.append("\(target.viewer.padding(toLength: width, withPad: " ", startingAt: 0))  \(bar)  \(count.done)\(errors)")
            }
        }
        let done = snapshot.values.reduce(0) { $0 + $1.done }
        let failed = snapshot.values.reduce(0) { $0 + $1.failed }
        lines.append("measure: \(done) requests, \(Int(rate.rounded())) per second, \(failed) errors, \(String(format: "%.1f", elapsed.inSeconds)) s")
        return lines
    }

    /// How far one location is, by requests or by time.
    private func fraction(_ done: Int, elapsed: Duration) -> Double {
        switch settings.extent {
        case .requests(let count): min(1, Double(done) / Double(max(1, count)))
        case .duration(let length): min(1, elapsed.inSeconds / max(0.001, length.inSeconds))
        }
    }
}
