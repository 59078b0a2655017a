import ExposureCore
import Foundation
import Yams

/// Minimum needs of displaced people (YAML), each item an amount per displaced person (docs/methodology.md,
/// "Minimum needs"). Every mistake is an error naming the file and the line.
public struct NeedsProfile: Sendable {
    public enum Frequency: String, Sendable { case weekly, once }

    public struct Item: Sendable, Equatable {
        /// Identifier: column needs_<id>.
        public let id: String
        /// Human name, e.g. "Drinking water".
        public let name: String
        /// E.g. "litres", "kg", "kits", "toilets".
        public let unit: String
        /// Per displaced person (per week when weekly).
        public let amount: Double
        /// Default weekly.
        public let frequency: Frequency
        /// A population group id it applies to (e.g. female): then amount x displaced_<group>.
        public let group: String?

        public init(id: String, name: String, unit: String, amount: Double, frequency: Frequency = .weekly, group: String? = nil) {
            self.id = id
            self.name = name
            self.unit = unit
            self.amount = amount
            self.frequency = frequency
            self.group = group
        }
    }

    public let path: String
    public let name: String
    /// Required: the citation.
    public let source: String
    public let items: [Item]

    /// A needs profile is a page of text.
    static let maxBytes = 1 << 20

    /// Reads and checks a needs profile.
    public static func load(_ path: String) throws -> NeedsProfile {
        let text = try DemographicsFiles.text(path, what: "needs file", maxBytes: maxBytes)
        let root = try DemographicsFiles.yaml(text, path: path, what: "needs file")
        let reader = ScenarioFile.Reader(path: path, folder: (path as NSString).deletingLastPathComponent)
        let top = try reader.mapping(root, "the needs file", allowed: ["name", "source", "items"])
        let name = try DemographicsFiles.text(reader, try reader.required(top, "name", in: "the needs file", at: root), "name")
        guard let sourceNode = reader.value(top, "source") else {
            throw reader.fail(root, "the needs file needs 'source': the citation of the standard the amounts come from")
        }
        let source = try DemographicsFiles.text(reader, sourceNode, "source")
        let itemsNode = try reader.required(top, "items", in: "the needs file", at: root)
        guard let list = itemsNode.sequence else {
            throw reader.fail(itemsNode, "items must be a list of needs, each with id, name, unit and amount")
        }
        guard !list.isEmpty else { throw reader.fail(itemsNode, "items lists no need: give at least one (id, name, unit, amount)") }
        var items: [Item] = []
        var lineOf: [String: Int] = [:]
        for (index, node) in list.enumerated() {
            let what = "item \(index + 1)"
            let entries = try reader.mapping(node, what, allowed: ["id", "name", "unit", "amount", "frequency", "group"])
            let idNode = try reader.required(entries, "id", in: what, at: node)
            let id = try DemographicsFiles.text(reader, idNode, "the id of \(what)")
            if let problem = DemographicsFiles.identifierProblem(id) {
                throw reader.fail(idNode, "item id '\(id)' \(problem) (item ids name the columns needs_<id>)")
            }
            if let first = lineOf[id] { throw reader.fail(idNode, "item '\(id)' is given twice (first on line \(first))") }
            lineOf[id] = idNode.mark?.line ?? 0
            let itemName = try DemographicsFiles.text(reader, try reader.required(entries, "name", in: "item '\(id)'", at: node), "the name of '\(id)'")
            let unit = try DemographicsFiles.text(reader, try reader.required(entries, "unit", in: "item '\(id)'", at: node), "the unit of '\(id)'")
            let amountNode = try reader.required(entries, "amount", in: "item '\(id)'", at: node)
            if DemographicsFiles.isNull(amountNode) { throw reader.fail(amountNode, "the amount of '\(id)' has no value") }
            guard let amountText = amountNode.scalar?.string.trimmingCharacters(in: .whitespaces),
                  let amount = Double(amountText), amount.isFinite else {
                throw reader.fail(amountNode, "the amount of '\(id)' must be a number per displaced person (got '\(amountNode.scalar?.string ?? "a list or mapping")')")
            }
            guard amount >= 0 else { throw reader.fail(amountNode, "the amount of '\(id)' is \(amountText): it cannot be negative") }
            var frequency = Frequency.weekly
            if let node = reader.value(entries, "frequency") {
                let text = try DemographicsFiles.text(reader, node, "the frequency of '\(id)'")
                guard let value = Frequency(rawValue: text) else {
                    throw reader.fail(node, "the frequency of '\(id)' must be weekly or once (got '\(text)'); convert a daily or monthly amount to a weekly one")
                }
                frequency = value
            }
            var group: String?
            if let node = reader.value(entries, "group") {
                let text = try DemographicsFiles.text(reader, node, "the group of '\(id)'")
                if let problem = DemographicsFiles.identifierProblem(text) {
                    throw reader.fail(node, "the group of '\(id)', '\(text)', \(problem); it names a population group, e.g. female")
                }
                group = text
            }
            items.append(Item(id: id, name: itemName, unit: unit, amount: amount, frequency: frequency, group: group))
        }
        return NeedsProfile(path: path, name: name, source: source, items: items)
    }
}
