import Foundation
import Testing

/// The training exercises run as written: every ```sh block of docs/exercises/*.md is run with bash from
/// the repository's folder (with the built `exposure` on the PATH), and every line of the ```text block
/// that follows it must appear in what it printed.
@Suite(.serialized) struct ExercisesTests {
    struct Step {
        let commands: String
        let expected: [String]
    }

    static func steps(in file: URL) throws -> [Step] {
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        var steps: [Step] = []
        var index = 0
        while index < lines.count {
            guard lines[index] == "```sh" else { index += 1; continue }
            var commands: [String] = []
            index += 1
            while index < lines.count && lines[index] != "```" { commands.append(lines[index]); index += 1 }
            index += 1
            while index < lines.count && lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            var expected: [String] = []
            if index < lines.count && lines[index] == "```text" {
                index += 1
                while index < lines.count && lines[index] != "```" {
                    let line = lines[index].trimmingCharacters(in: .whitespaces)
                    if !line.isEmpty { expected.append(line) }
                    index += 1
                }
            }
            steps.append(Step(commands: commands.joined(separator: "\n"), expected: expected))
        }
        return steps
    }

    @Test(arguments: ["01-olinda-water.md", "02-sample-flood.md"])
    func exerciseRunsAsWritten(_ name: String) throws {
        let file = CLI.packageRoot.appendingPathComponent("docs/exercises/\(name)")
        let steps = try Self.steps(in: file)
        #expect(steps.count >= 4)
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-e", "-c", step.commands]
            process.currentDirectoryURL = CLI.packageRoot
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(name): `\(step.commands)` failed:\n\(output)")
            for line in step.expected where !output.contains(line) {
                Issue.record("\(name): expected '\(line)' from `\(step.commands)`; got:\n\(output)")
            }
        }
    }
}
