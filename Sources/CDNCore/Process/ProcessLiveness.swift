import Foundation

/// Whether processes are still running, as `down`, the launcher and the tests ask it: a process
/// that exists and is not a zombie (a zombie has exited; only its parent's reaping is left).
public enum ProcessLiveness {
    /// Whether a process runs.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    /// Waits until none of the processes runs, or the limit passes.
    /// - Returns: Those still running at the limit.
    public static func waitForExit(_ pids: [Int32], within limit: Duration) async -> [Int32] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if !pids.contains(where: isAlive) { return [] }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return pids.filter(isAlive)
    }
}
