import ExposureAdapters
import ExposureCore
import ExposureProducts
import Foundation
import Yams

/// Reading the small text files of population groups and minimum needs (docs/methodology.md, "Population
/// groups from ratios" and "Minimum needs"): the same checks as a scenario file (size, UTF-8, safe YAML,
/// errors naming FILE:LINE).
enum DemographicsFiles {
    /// The text of `path`, checked to be a readable UTF-8 file of at most `maxBytes`, without a byte-order mark.
    static func text(_ path: String, what: String, maxBytes: Int) throws -> String {
        guard !path.isEmpty else { throw ExposureError("the \(what) name is empty") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ExposureError("no such file", path: path)
        }
        guard !isDirectory.boolValue else { throw ExposureError("is a folder, not a \(what)", path: path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, size > maxBytes {
            throw ExposureError("is \(size) bytes: too large for a \(what) (at most \(maxBytes))", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExposureError("cannot read the \(what)", path: path)
        }
        guard data.count <= maxBytes else {
            throw ExposureError("is \(data.count) bytes: too large for a \(what) (at most \(maxBytes))", path: path)
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw ExposureError("is not UTF-8 text (save the \(what) as UTF-8)", path: path)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// The YAML tree of `text`, after `YAMLSafety.check`; line endings normalised so that CRLF files get the
    /// same checks and line numbers.
    static func yaml(_ text: String, path: String, what: String) throws -> Node {
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        do {
            try YAMLSafety.check(text, path: path)
        } catch let error as ExposureError {
            throw ExposureError(error.message.replacingOccurrences(of: "scenario files", with: "\(what)s"), path: error.path)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ExposureError("the \(what) is empty", path: path) }
            return node
        } catch let error as YamlError {
            let (line, problem) = ScenarioFile.yamlProblem(error, text: text)
            throw ExposureError("not valid YAML: \(problem)", path: line.map { "\(path):\($0)" } ?? path)
        }
    }

    /// Why `name` cannot be a group or item identifier (it becomes part of column names), or nil when it can:
    /// lowercase letters, digits and underscores, starting with a letter, at most 40 characters, not `total`.
    static func identifierProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.count > 40 { return "is longer than 40 characters" }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else {
            return "must start with a lowercase letter"
        }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        if !allowed { return "may hold only lowercase letters, digits and underscores (e.g. elderly_65_plus)" }
        if name == "total" { return "is reserved (the total is the population itself)" }
        return nil
    }

    /// A plain YAML null (`~`, `null`, nothing): a key given without a value.
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A text value, refusing a missing one.
    static func text(_ reader: ScenarioFile.Reader, _ node: Node, _ what: String) throws -> String {
        if isNull(node) { throw reader.fail(node, "\(what) has no value") }
        let value = try reader.string(node, what)
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw reader.fail(node, "\(what) is blank") }
        return value
    }

    /// Region ids shown in a message: the first few, and how many in all.
    static func someIDs(_ ids: [String], limit: Int = 5) -> String {
        let shown = ids.prefix(limit).joined(separator: ", ")
        return ids.count > limit ? "\(shown) and \(ids.count - limit) more (\(ids.count) in all)" : shown
    }
}
