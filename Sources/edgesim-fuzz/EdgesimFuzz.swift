import Foundation
import FuzzTargets

/// `edgesim-fuzz`: built by `scripts/fuzz` with `-sanitize=fuzzer,address -DFUZZING`, libFuzzer
/// fuzzes `EDGESIM_FUZZ_TARGET`'s parser; built as usual, `edgesim-fuzz TARGET FILE…` runs files
/// through a target, to replay what fuzzing found.
@main struct EdgesimFuzz {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
        #else
        replay(Array(CommandLine.arguments.dropFirst()))
        #endif
    }

    /// The target the fuzzer runs, from the environment (the topology loader when unset).
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["EDGESIM_FUZZ_TARGET"] ?? "topology"
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("edgesim-fuzz: no target '\(name)'\n".utf8))
            exit(2)
        }
        return target
    }()

    static func replay(_ arguments: [String]) {
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: edgesim-fuzz TARGET FILE… (targets: \(names))\n".utf8))
            exit(2)
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("edgesim-fuzz: cannot read \(file)\n".utf8))
                exit(2)
            }
            target.run(Array(data))
            print("\(target.rawValue): \(file) ran")
        }
    }
}

#if FUZZING
/// libFuzzer's entry: one input through the target.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    EdgesimFuzz.target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
}

/// libFuzzer's driver (compiler-rt), which runs the callback on each input it makes.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
