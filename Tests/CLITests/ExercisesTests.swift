import Foundation
import Testing

/// The training exercises run as written: every ```sh block of docs/exercises/*.md and of its translations
/// (docs/exercises/es/, pt/) is run with bash from the repository's folder (with the built `exposure` on the
/// PATH), and every line of the ```text block that follows it must appear in what it printed. A translation
/// must have as many steps as its English original, with the same expected output.
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

    /// Each exercise, by its path under docs/exercises/, and the English original it translates.
    static let originals: [String: String] = [
        "01-olinda-water.md": "01-olinda-water.md",
        "02-sample-flood.md": "02-sample-flood.md",
        "es/01-olinda-agua.md": "01-olinda-water.md",
        "es/02-inundacion-muestra.md": "02-sample-flood.md",
        "pt/01-olinda-agua.md": "01-olinda-water.md",
        "pt/02-inundacao-amostra.md": "02-sample-flood.md",
    ]
    static let languages = ["es", "pt"]
    static let folder = CLI.packageRoot.appendingPathComponent("docs/exercises")

    /// Every exercise on disk is run (a new file must be listed above), and every language has every exercise.
    @Test func everyExerciseIsListed() throws {
        var found: Set<String> = []
        for language in [""] + Self.languages {
            let directory = language.isEmpty ? Self.folder : Self.folder.appendingPathComponent(language)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
            where name.hasSuffix(".md") && name != "README.md" {
                found.insert(language.isEmpty ? name : "\(language)/\(name)")
            }
        }
        #expect(found == Set(Self.originals.keys))
        let english = Set(Self.originals.values)
        for language in Self.languages {
            let translated = Self.originals.filter { $0.key.hasPrefix("\(language)/") }.map(\.value)
            #expect(Set(translated) == english && translated.count == english.count,
                    "docs/exercises/\(language)/ must translate each of \(english.sorted()) once")
        }
    }

    @Test(arguments: originals.keys.sorted())
    func exerciseRunsAsWritten(_ name: String) throws {
        let steps = try Self.steps(in: Self.folder.appendingPathComponent(name))
        #expect(steps.count >= 4)
        let original = try #require(Self.originals[name])
        if original != name {
            let english = try Self.steps(in: Self.folder.appendingPathComponent(original))
            #expect(steps.count == english.count, "\(name) has \(steps.count) steps, \(original) \(english.count)")
            #expect(steps.map(\.expected) == english.map(\.expected), "\(name): expected output differs from \(original)'s")
        }
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
