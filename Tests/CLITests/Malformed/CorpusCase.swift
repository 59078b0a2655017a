import Foundation
import TestSupport
import Testing

/// One malformed-input case: inputs written into a fresh folder, a command line, and the outcome the
/// error policy asks for (docs/cli.md):
///
/// * a bad input gets `error: ...` naming the file (or the option, or `file:line` for scenario files),
///   exit status 1 (usage mistakes caught by ArgumentParser: 64), never a crash, a hang, raw exception
///   text or a temporary (`-partial-`) file name;
/// * after a failure nothing new is left in the case's folder (outputs, temporary files, folders) and
///   nothing that was there has changed;
/// * inputs are never modified, also on success;
/// * where the user would otherwise get a quiet zero, success comes with a `warning:` naming the file.
///
/// The command runs in the case's folder, so arguments are relative paths (`in/pop.tif`, `out/x.csv`);
/// the runner creates `in/` and `out/` before calling `setup`.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    enum Category: String, Sendable, CaseIterable {
        case files = "missing-empty-truncated-wrong-format"
        case crs = "crs-and-geotransform"
        case nodata = "nodata-and-data-types"
        case geometry = "invalid-and-non-polygon-geometry"
        case ids = "hostile-ids"
        case options = "option-abuse"
        case scenario = "hostile-scenario-files"
        case outputs = "output-path-conflicts"
        case imagery = "imagery-edge-cases"
    }

    enum Expected: Sendable {
        /// Exit status 1; stderr has `error:` and every string (a string starting `re:` is a regular expression).
        case error(mentioning: [String])
        /// Exit status 64 (ArgumentParser's usage error); stderr has `error:` and every string.
        case usageError(mentioning: [String])
        /// A bad option value: exit status 1 or 64, `error:` and every string.
        case rejected(mentioning: [String])
        /// Exit status 0, the declared outputs exist, and stderr has `warning:` and every string.
        case success(warning: [String])
        /// Either an error or a warning naming every string: for inputs a command may reasonably refuse or
        /// repair (an unclosed ring).
        case errorOrWarning(mentioning: [String])
    }

    let name: String
    let category: Category
    let setup: @Sendable (Workspace) throws -> Void
    let arguments: [String]
    let expected: Expected
    /// Paths (relative to the case folder) that must exist after a success.
    var outputs: [String] = []
    /// Further checks of a success (e.g. the CSV's totals); return problems in plain words.
    var check: (@Sendable (Workspace) throws -> [String])? = nil

    var testDescription: String { "\(category.rawValue)/\(name)" }
}

/// A case's folder, with helpers to write inputs.
final class Workspace {
    private let directory: TemporaryDirectory
    var root: URL { directory.url }

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("in"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, data: Data(text.utf8))
    }

    func write(_ relative: String, data: Data) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }

    func text(_ relative: String) throws -> String {
        String(decoding: try read(relative), as: UTF8.self)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    /// Copies a file of the package (e.g. `sample-rasters/dem.tif`) into the case folder.
    func copyPackageFile(_ packagePath: String, to relative: String) throws {
        let source = CLI.packageRoot.appendingPathComponent(packagePath)
        try write(relative, data: try Data(contentsOf: source))
    }

    /// Every file and folder under the root: relative path -> contents (nil for a folder or a link target
    /// that cannot be read).
    func snapshot() -> [String: Data?] {
        var result: [String: Data?] = [:]
        let base = root.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return result }
        while let relative = enumerator.nextObject() as? String {
            let full = (base as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: full)
            } else {
                result[relative] = .some(nil)
            }
        }
        return result
    }
}

/// Runs a case and lists every way it breaks the policy.
enum CorpusRunner {
    static var timeout: TimeInterval {
        ProcessInfo.processInfo.environment["EXPOSURE_CORPUS_TIMEOUT"].flatMap(Double.init) ?? 60
    }

    static let trapTexts = ["Fatal error", "Illegal instruction", "Segmentation fault", "Current stack trace", "Stack dump",
                            "Assertion failed", "Precondition failed", "terminate called", "Aborted"]
    static let rawTexts = ["Error Domain=", "Exception", "EncodingError", "DecodingError", "-partial-", "NSCocoaErrorDomain",
                           "Swift.", "CocoaError"]

    /// Sets up and runs the case; returns the result and the problems found (empty when it meets the policy).
    static func run(_ c: CorpusCase) throws -> (CLI.Result, [String]) {
        let workspace = try Workspace()
        try c.setup(workspace)
        let before = workspace.snapshot()
        let result = try CLI.run(c.arguments, in: workspace.root, timeout: timeout)
        let after = workspace.snapshot()
        var problems: [String] = []
        let stderr = result.stderr

        if result.timedOut {
            problems.append("hang: still running after \(Int(timeout)) s (killed)")
        } else if let signal = result.signal {
            problems.append("crash: killed by signal \(signal)")
        }
        for text in trapTexts where stderr.contains(text) { problems.append("crash text on stderr: '\(text)'") }
        for text in rawTexts where stderr.contains(text) { problems.append("raw text on stderr: '\(text)'") }

        func requireMentions(_ strings: [String], after prefix: String) {
            if !stderr.contains(prefix) { problems.append("stderr has no '\(prefix)'") }
            for string in strings where !mentions(stderr, string) { problems.append("stderr does not mention '\(string)'") }
        }
        let failed = result.status != 0 || result.signal != nil || result.timedOut
        switch c.expected {
        case .error(let strings):
            if result.status != 1 { problems.append("exit status \(result.status), expected 1") }
            requireMentions(strings, after: "error:")
        case .usageError(let strings):
            if result.status != 64 { problems.append("exit status \(result.status), expected 64 (usage)") }
            requireMentions(strings, after: "error:")
        case .rejected(let strings):
            if result.status != 1 && result.status != 64 { problems.append("exit status \(result.status), expected 1 or 64") }
            requireMentions(strings, after: "error:")
        case .success(let strings):
            if result.status != 0 { problems.append("exit status \(result.status), expected 0") }
            if !strings.isEmpty { requireMentions(strings, after: "warning:") }
        case .errorOrWarning(let strings):
            if result.status == 0 {
                requireMentions(strings, after: "warning:")
            } else {
                if result.status != 1 { problems.append("exit status \(result.status), expected 1 (or 0 with a warning)") }
                requireMentions(strings, after: "error:")
            }
        }

        // Inputs (everything there before) unchanged, after a success as after a failure.
        let declaredOutputs = Set(c.outputs)
        for (path, contents) in before.sorted(by: { $0.key < $1.key }) {
            guard let now = after[path] else {
                problems.append("\(path) was there before and is gone")
                continue
            }
            if declaredOutputs.contains(path) && !failed { continue }
            if now != contents { problems.append("\(path) was modified") }
        }
        let added = after.keys.filter { before[$0] == nil }.sorted()
        if failed {
            if !added.isEmpty { problems.append("left after the failure: \(added.prefix(8).joined(separator: ", "))") }
        } else {
            for output in c.outputs where after[output] == nil { problems.append("output \(output) was not written") }
            let partial = added.filter { $0.contains("-partial-") }
            if !partial.isEmpty { problems.append("temporary files left: \(partial.joined(separator: ", "))") }
            if let check = c.check {
                do {
                    problems += try check(workspace)
                } catch {
                    problems.append("check failed: \(error)")
                }
            }
        }
        return (result, problems)
    }

    static func mentions(_ text: String, _ wanted: String) -> Bool {
        if wanted.hasPrefix("re:") {
            return text.range(of: String(wanted.dropFirst(3)), options: .regularExpression) != nil
        }
        return text.contains(wanted)
    }

    /// Appends a failing case to the file named by EXPOSURE_CORPUS_REPORT (for the corpus-failures list).
    static func report(_ c: CorpusCase, _ result: CLI.Result, _ problems: [String]) {
        guard let path = ProcessInfo.processInfo.environment["EXPOSURE_CORPUS_REPORT"] else { return }
        let status = result.timedOut ? "timeout" : result.signal.map { "signal \($0)" } ?? "exit \(result.status)"
        let firstLines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true).prefix(4)
            .map { "    | " + String($0.prefix(300)) }.joined(separator: "\n")
        var text = "\(c.testDescription)  [\(status)]\n"
        text += "  $ exposure " + c.arguments.map(shellQuoted).joined(separator: " ") + "\n"
        text += problems.map { "  - " + $0 }.joined(separator: "\n") + "\n"
        text += (firstLines.isEmpty ? "    | (stderr empty)" : firstLines) + "\n\n"
        reportLock.lock()
        defer { reportLock.unlock() }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try? handle.close()
        }
    }

    static func shellQuoted(_ argument: String) -> String {
        if !argument.isEmpty, argument.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static let reportLock = NSLock()
}
