import Foundation
import Glibc
import Subprocess
import SystemPackage
import Topology

/// What a worker process may reach: what Lambda gives a function (the network, a private
/// `/tmp`, its own code) and nothing of the network's or another function's.
///
/// - **Its own user.** When the edge runs as root, a Node.js or Python function's workers run
///   as a user of the function's own (uid and gid from the network's state directory and the
///   function's name, in 0x4000_0000…0x4FFF_FFFF, with no supplementary groups), so the
///   private files of the network (its token, keys, state file, catalog and bundles: mode
///   0600) and other functions' code (each extracted folder owned by its function, 0700) are
///   closed to it. Interpreters are started ahead of need for any function, so the bootstrap
///   drops to the function's user when it is given its function, before it reads any of its
///   code. Only the folders on the way to what a worker needs are opened for others to pass
///   through (`o+x`, never to list): its bootstrap, its code, its log file (owned by it) and its
///   home. A CloudFront Function's code cannot load `fs` at all, so njs workers keep the edge's user.
/// - **A clean environment**: `PATH`, `LANG`, `TZ=:UTC`, and `HOME`/`TMPDIR` in a folder of the
///   function's own; nothing of the edge's.
/// - **Limits**, set by `setpriv --no-new-privs` and `prlimit` before the interpreter starts: no
///   new privileges (no set-uid programs), 1,024 open files (Lambda's), data memory of twice the
///   function's memory (at least 512 MB more than it; Python's is set at load), no core files,
///   and for a worker that changes users a bound on its user's processes and threads.
///
/// An edge that is not root cannot change users: its workers run as its own user with the
/// clean environment and limits, and can read what that user can. So can they when a folder
/// above the state directory does not let others through (a state directory under `/root`),
/// since another user could not reach the code there, and the edge says so in its log.
public struct WorkerSandbox: Sendable {
    /// A function's user.
    public struct Identity: Hashable, Sendable {
        public var uid: uid_t
        public var gid: gid_t
    }

    /// Whether workers run as users of their own.
    public let separatesUsers: Bool
    /// Why they do not, when they do not.
    public let reason: String?
    /// Where each function's home folder is made.
    let homes: String
    private let stateDirectory: String

    /// The sandbox of the workers of one edge.
    /// - Parameters:
    ///   - stateDirectory: The network's state directory.
    ///   - homes: The folder the functions' homes go in.
    ///   - separateUsers: Whether to run workers as their functions' users; `nil` decides
    ///     (yes when root and the state directory's ancestors let others through).
    public init(stateDirectory: String, homes: String, separateUsers: Bool? = nil) {
        let state = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        self.stateDirectory = state
        self.homes = homes
        if let separateUsers {
            (self.separatesUsers, self.reason) = (separateUsers, separateUsers ? nil : "asked not to")
        } else if geteuid() != 0 {
            (separatesUsers, reason) = (false, "the edge does not run as root, so it cannot start workers as other users")
        } else if let closed = Self.closedAncestor(of: state) {
            (separatesUsers, reason) = (
                false, "\(closed) does not let other users through (o+x), so workers of their own users could not reach \(state)"
            )
        } else {
            (separatesUsers, reason) = (true, nil)
        }
    }

    /// The user a function's workers run as, or `nil` when they run as the edge's: users are
    /// not separated, or the function's user could not start its interpreter (found only in a
    /// folder closed to others) or read its code (a folder of the user's, not extracted here,
    /// under a closed one).
    func identity(of code: FunctionCode) -> Identity? {
        guard separatesUsers, !code.runtime.isCloudFrontFunction, Self.systemInterpreter(Interpreters.name(of: code.runtime)) != nil else {
            return nil
        }
        guard code.directory.hasPrefix(stateDirectory + "/") || Self.closedAncestor(of: code.directory + "/.") == nil else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (stateDirectory + "\u{0}" + code.name).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let id = 0x4000_0000 + UInt32(truncatingIfNeeded: hash % 0x1000_0000)
        return Identity(uid: id, gid: id)
    }

    /// Makes what a function's workers need theirs: its extracted code (when the edge made it),
    /// its log file and its home, and opens the folders on the way to them and to the bootstrap.
    func prepare(_ code: FunctionCode, logPath: String, bootstrap: String?) {
        let identity = identity(of: code)
        let home = home(of: code.name)
        try? FileManager.default.createDirectory(atPath: home + "/tmp", withIntermediateDirectories: true)
        let logFolder = (logPath as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let identity else { return }
        let owned = code.directory.hasPrefix(stateDirectory + "/") ? [code.directory, home] : [home]
        for path in owned { Self.give(path, to: identity) }
        chown(logPath, identity.uid, identity.gid)
        chmod(logPath, 0o600)
        for path in [code.directory, logPath, home, bootstrap].compactMap({ $0 }) { open(towards: path) }
        if let bootstrap { chmod(bootstrap, 0o644) }
    }

    /// The folder a function's workers run in and keep their `/tmp` in.
    func home(of function: String) -> String { (homes as NSString).appendingPathComponent(function) }

    /// The environment a worker starts with, before it is given its function (its home is
    /// then set, as is its user).
    func environment(adding extra: [Environment.Key: String?]) -> Environment {
        var variables: [Environment.Key: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC", "HOME": homes, "TMPDIR": homes,
            "PYTHONUNBUFFERED": "1",
        ]
        for case (let key, let value?) in extra { variables[key] = value }
        return .custom(variables)
    }

    /// The program and arguments that start the interpreter under the limits: `setpriv`, then
    /// `prlimit`, then the interpreter, each an exec of the one before (the process keeps its
    /// pid), or the interpreter alone on a machine without them.
    func limited(
        _ executable: Executable,
        _ arguments: [String],
        dataMegabytes: Int?,
        changesUser: Bool
    ) -> (Executable, [String]) {
        var command = [executable.description] + arguments
        if let prlimit = Self.prlimit {
            var limits = ["--nofile=1024:1024", "--core=0:0"]
            if let dataMegabytes { limits.append("--data=\(dataMegabytes << 20):\(dataMegabytes << 20)") }
            // A user's process count spans all its processes, so it is bounded only for a user of
            // the function's own: every worker of the function on this machine, threads included.
            if changesUser { limits.append("--nproc=8192:8192") }
            command = [prlimit] + limits + ["--"] + command
        }
        if let setpriv = Self.setpriv { command = [setpriv, "--no-new-privs", "--"] + command }
        guard command.count > arguments.count + 1 else { return (executable, arguments) }
        return (.path(FilePath(command[0])), Array(command.dropFirst()))
    }

    /// The data limit for a function's memory.
    static func dataMegabytes(forMemory memory: Int) -> Int { max(memory * 2, memory + 512) }

    /// An interpreter of a name in the system's folders that any user can start.
    static func systemInterpreter(_ name: String) -> String? {
        ["/usr/local/bin", "/usr/bin", "/bin"].map { $0 + "/" + name }.first { isReachable($0) }
    }

    // MARK: Files

    /// `prlimit` and `setpriv` (util-linux), when the machine has them.
    static let prlimit = utility("prlimit")
    static let setpriv = utility("setpriv")

    private static func utility(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/sbin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether another user can start the program: every folder above it lets others through,
    /// and the program lets them run it.
    static func isReachable(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard closedAncestor(of: resolved) == nil, let mode = Self.mode(of: resolved) else { return false }
        return mode & 0o001 != 0
    }

    /// The first folder above a path (the path itself included) that others cannot pass.
    static func closedAncestor(of path: String) -> String? {
        var folder = (path as NSString).deletingLastPathComponent
        var chain: [String] = []
        while !folder.isEmpty, folder != "/" {
            chain.append(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        if let mode = mode(of: path), mode & 0o040000 != 0 { chain.insert(path, at: 0) }
        return chain.reversed().first { (mode(of: $0) ?? 0) & 0o001 == 0 }
    }

    /// A path's mode bits, the file type's included (`0o040000` for a folder).
    private static func mode(of path: String) -> mode_t? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint32Value
        else { return nil }
        return permissions | ((attributes[.type] as? FileAttributeType) == .typeDirectory ? 0o040000 : 0)
    }

    /// Adds `o+x` to every folder from the state directory down to a path's own folder.
    private func open(towards path: String) {
        var folder = (path as NSString).deletingLastPathComponent
        while folder == stateDirectory || folder.hasPrefix(stateDirectory + "/") {
            if let mode = Self.mode(of: folder), mode & 0o001 == 0 { chmod(folder, (mode & 0o7777) | 0o001) }
            if folder == stateDirectory { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// Makes a folder and everything in it a function's, readable by it alone.
    private static func give(_ path: String, to identity: Identity) {
        let owner = (try? FileManager.default.attributesOfItem(atPath: path))?[.ownerAccountID] as? NSNumber
        guard let owner, owner.uint32Value != identity.uid else { return }
        chown(path, identity.uid, identity.gid)
        chmod(path, 0o700)
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in walker {
            let child = (path as NSString).appendingPathComponent(relative)
            lchown(child, identity.uid, identity.gid)
        }
    }
}
