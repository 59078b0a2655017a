import Foundation

/// Runs the built `exposure` executable, as a user would.
enum CLI {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        /// The signal that ended the process (a crash or a kill), nil when it exited.
        var signal: Int32? = nil
        /// Whether the process was killed for running past its time limit.
        var timedOut = false
    }

    /// The `exposure` binary next to the test bundle (swift test builds it into the same folder).
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("exposure")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// - Parameter environment: variables set for the child on top of this process's environment.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `exposure` with a time limit and an address-space limit (`memoryLimitKB`, through the shell's
    /// `ulimit -v`, so a runaway allocation ends the child rather than the machine): a child still running
    /// after `timeout` seconds is killed and reported with `timedOut`.
    static func run(_ arguments: [String], in directory: URL? = nil, timeout: TimeInterval,
                    memoryLimitKB: Int = 6_000_000) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(memoryLimitKB) 2>/dev/null; exec \"$0\" \"$@\"", executable.path] + arguments
        process.currentDirectoryURL = directory ?? packageRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // Both pipes are drained on their own threads so a chatty child cannot block on a full pipe.
        let outData = PipeDrain(out.fileHandleForReading), errData = PipeDrain(err.fileHandleForReading)
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit()
        let signalled = process.terminationReason == .uncaughtSignal
        return Result(status: signalled ? -1 : process.terminationStatus,
                      stdout: String(decoding: outData.wait(), as: UTF8.self),
                      stderr: String(decoding: errData.wait(), as: UTF8.self),
                      signal: signalled ? process.terminationStatus : nil, timedOut: timedOut)
    }

    /// Reads a pipe to its end on a background thread.
    final class PipeDrain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// The Olinda files fetched by scripts/fetch-olinda (make test runs it first).
    static func olinda(_ name: String) -> String {
        let folder = ProcessInfo.processInfo.environment["EXPOSURE_OLINDA_DIR"]
            ?? packageRoot.appendingPathComponent("data/olinda").path
        return (folder as NSString).appendingPathComponent(name)
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}
