import ExposureCore
import Foundation
import Yams

/// A file of population shares per group (YAML or CSV), national or per region (docs/methodology.md,
/// "Population groups from ratios"). Every value is checked to be a share in 0...1; every mistake is an error
/// naming the file and the line.
public struct GroupRatios: Sendable {
    public let path: String
    /// `name:` in YAML; nil for CSV.
    public let name: String?
    /// `source:` citation in YAML; nil for CSV.
    public let source: String?
    /// True when the file says it holds generic defaults, not a country's census (`generic: true` in YAML).
    public let isGeneric: Bool
    /// Group identifiers in file order (lowercase letters, digits, underscores; e.g. female, age_0_14,
    /// elderly_65_plus, disability).
    public let groups: [String]
    /// Shares (0...1) for every region without its own row; nil when the file gives none.
    public let national: [String: Double]?
    /// Region id -> group -> share.
    public let byRegion: [String: [String: Double]]

    /// A CSV of shares for 6,000 municipalities and a few groups is well under a megabyte; anything beyond
    /// 16 MB is not a ratio file.
    static let maxBytes = 16 << 20

    /// Reads and checks a ratio file: `.csv` as CSV, anything else as YAML.
    public static func load(_ path: String) throws -> GroupRatios {
        let text = try DemographicsFiles.text(path, what: "ratio file", maxBytes: maxBytes)
        if (path as NSString).pathExtension.lowercased() == "csv" { return try csv(text, path: path) }
        let root = try DemographicsFiles.yaml(text, path: path, what: "ratio file")
        return try yaml(root, path: path)
    }

    /// [group][region] shares for these regions, in `groups` order: a region's own row, else the national
    /// shares; a region with neither is an error naming the file and the regions (no ratio is assumed).
    public func shares(regionIDs: [String]) throws -> [[Double]] {
        let missing = regionIDs.filter { byRegion[$0] == nil && national == nil }
        if !missing.isEmpty {
            var unique: [String] = [], seen = Set<String>()
            for id in missing where seen.insert(id).inserted { unique.append(id) }
            throw ExposureError(
                "no population shares for region\(unique.count == 1 ? "" : "s") \(DemographicsFiles.someIDs(unique)): the file has no row for \(unique.count == 1 ? "it" : "them") and no national shares, and no ratio is assumed (add their rows, or national shares)",
                path: path)
        }
        return groups.map { group in
            regionIDs.map { id in (byRegion[id] ?? national)?[group] ?? 0 }
        }
    }

    /// Which regions used the national shares (for the manifest).
    public func regionsUsingNational(regionIDs: [String]) -> [String] {
        guard national != nil else { return [] }
        return regionIDs.filter { byRegion[$0] == nil }
    }

    // MARK: YAML

    static func yaml(_ root: Node, path: String) throws -> GroupRatios {
        let reader = ScenarioFile.Reader(path: path, folder: (path as NSString).deletingLastPathComponent)
        let top = try reader.mapping(root, "the ratio file", allowed: ["name", "source", "generic", "national", "regions"])
        let name = try reader.value(top, "name").map { try DemographicsFiles.text(reader, $0, "name") }
        let source = try reader.value(top, "source").map { try DemographicsFiles.text(reader, $0, "source") }
        let generic = try reader.value(top, "generic").map { try reader.boolean($0, "generic") } ?? false

        var groups: [String] = []
        var national: [String: Double]?
        if let node = reader.value(top, "national") {
            let (names, shares) = try sharesMapping(node, "national", reader: reader)
            groups = names
            national = shares
        }
        var byRegion: [String: [String: Double]] = [:]
        if let regionsNode = reader.value(top, "regions") {
            guard let mapping = regionsNode.mapping else {
                throw reader.fail(regionsNode, "regions must map region ids to their shares, e.g. RV01: {female: 0.51}")
            }
            var firstRegion: String?
            var lines: [String: Int] = [:]
            for (key, value) in mapping {
                guard let id = key.scalar?.string, !DemographicsFiles.isNull(key),
                      !id.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw reader.fail(key, "a region id in 'regions' is empty or not a text (e.g. RV01)")
                }
                if id == "*" {
                    throw reader.fail(key, "'*' is the national row of a CSV ratio file; in YAML, give national shares under 'national'")
                }
                if let line = lines[id] {
                    throw reader.fail(key, "region '\(id)' is given twice (first on line \(line))")
                }
                lines[id] = key.mark?.line ?? 0
                let (names, shares) = try sharesMapping(value, "region '\(id)'", reader: reader)
                if national == nil && firstRegion == nil {
                    groups = names
                    firstRegion = id
                }
                let expected = Set(groups), given = Set(names)
                let against = national != nil ? "national" : "region '\(firstRegion ?? "")'"
                let missing = groups.filter { !given.contains($0) }
                if !missing.isEmpty {
                    throw reader.fail(value, "region '\(id)' gives no share for \(missing.map { "'\($0)'" }.joined(separator: ", ")), which \(against) gives (every region gives every group)")
                }
                if let extra = names.first(where: { !expected.contains($0) }) {
                    throw reader.fail(value, "region '\(id)' gives a share for '\(extra)', which \(against) does not (every region gives the same groups)")
                }
                byRegion[id] = shares
            }
        }
        if national == nil && byRegion.isEmpty {
            throw reader.fail(root, "the ratio file gives no shares: add 'national' (shares for every region) or 'regions' (shares per region id)")
        }
        return GroupRatios(path: path, name: name, source: source, isGeneric: generic, groups: groups,
                           national: national, byRegion: byRegion)
    }

    /// A mapping of group -> share, in file order.
    static func sharesMapping(_ node: Node, _ what: String, reader: ScenarioFile.Reader) throws -> ([String], [String: Double]) {
        guard let mapping = node.mapping else {
            throw reader.fail(node, "\(what) must map groups to shares, e.g. {female: 0.496, elderly_65_plus: 0.077}")
        }
        guard !mapping.isEmpty else { throw reader.fail(node, "\(what) gives no group") }
        var names: [String] = [], shares: [String: Double] = [:]
        for (key, value) in mapping {
            let group = key.scalar?.string ?? ""
            if let problem = DemographicsFiles.identifierProblem(group) {
                throw reader.fail(key, "group name '\(group)' in \(what) \(problem)")
            }
            if shares[group] != nil { throw reader.fail(key, "group '\(group)' is given twice in \(what)") }
            guard let scalar = value.scalar, !DemographicsFiles.isNull(value) else {
                throw reader.fail(value, "the share of '\(group)' in \(what) has no value (give a number from 0 to 1)")
            }
            switch share(scalar.string) {
            case .success(let number):
                names.append(group)
                shares[group] = number
            case .failure(let problem):
                throw reader.fail(value, "the share of '\(group)' in \(what) \(problem.message)")
            }
        }
        return (names, shares)
    }

    /// A share written as a number from 0 to 1.
    static func share(_ text: String) -> Result<Double, ExposureError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            if trimmed.contains(",") && Double(trimmed.replacingOccurrences(of: ",", with: ".")) != nil {
                return .failure(ExposureError("is '\(trimmed)': write decimals with a point (0.496), not a comma"))
            }
            if trimmed.hasSuffix("%") {
                return .failure(ExposureError("is '\(trimmed)': write shares as fractions (49.6 % is 0.496)"))
            }
            return .failure(ExposureError("is '\(trimmed)', not a number (give a number from 0 to 1)"))
        }
        guard value >= 0 else { return .failure(ExposureError("is \(trimmed): a share cannot be negative")) }
        guard value <= 1 else {
            return .failure(ExposureError("is \(trimmed): a share is at most 1 (write fractions: 49.6 % is 0.496)"))
        }
        return .success(value)
    }

    // MARK: CSV

    /// `region_id,<group>,...`, one row per region; region_id `*` gives the national shares.
    static func csv(_ text: String, path: String) throws -> GroupRatios {
        func fail(_ line: Int, _ message: String) -> ExposureError { ExposureError(message, path: "\(path):\(line)") }
        // "\r\n" is one Character in Swift: split on it as well as on "\n" and a lone "\r".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        var rows = lines.enumerated().lazy
            .map { (number: $0.offset + 1, text: String($0.element)) }
            .filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
            .makeIterator()
        guard let headerLine = rows.next() else { throw ExposureError("the ratio file is empty", path: path) }
        let header = try fields(headerLine.text, line: headerLine.number, path: path)
        guard header.first == "region_id" else {
            if header.count == 1 && headerLine.text.contains(";") {
                throw fail(headerLine.number, "fields must be separated by commas (this file seems to use ';'); the header is region_id,<group>,<group>...")
            }
            throw fail(headerLine.number, "the first column must be 'region_id' (got '\(header.first ?? "")'); the header is region_id,<group>,<group>...")
        }
        let groups = Array(header.dropFirst())
        guard !groups.isEmpty else { throw fail(headerLine.number, "the header names no group after region_id (e.g. region_id,female,elderly_65_plus)") }
        var seenGroups = Set<String>()
        for group in groups {
            if let problem = DemographicsFiles.identifierProblem(group) {
                throw fail(headerLine.number, "group name '\(group)' in the header \(problem)")
            }
            if !seenGroups.insert(group).inserted { throw fail(headerLine.number, "group '\(group)' is named twice in the header") }
        }

        var national: [String: Double]?
        var byRegion: [String: [String: Double]] = [:]
        var lineOf: [String: Int] = [:]
        while let row = rows.next() {
            let values = try fields(row.text, line: row.number, path: path)
            guard values.count == header.count else {
                throw fail(row.number, "this row has \(values.count) field\(values.count == 1 ? "" : "s"), the header \(header.count) (region_id and \(groups.count) group\(groups.count == 1 ? "" : "s"))")
            }
            let id = values[0]
            guard !id.isEmpty else { throw fail(row.number, "region_id is empty") }
            if let first = lineOf[id] {
                throw fail(row.number, id == "*" ? "the national row '*' is given twice (first on line \(first))"
                                                 : "region '\(id)' is given twice (first on line \(first))")
            }
            lineOf[id] = row.number
            let what = id == "*" ? "the national row '*'" : "region '\(id)'"
            var shares: [String: Double] = [:]
            for (group, value) in zip(groups, values.dropFirst()) {
                guard !value.isEmpty else {
                    throw fail(row.number, "the share of '\(group)' for \(what) is empty (every cell needs a number from 0 to 1; no ratio is assumed)")
                }
                switch share(value) {
                case .success(let number): shares[group] = number
                case .failure(let problem): throw fail(row.number, "the share of '\(group)' for \(what) \(problem.message)")
                }
            }
            if id == "*" { national = shares } else { byRegion[id] = shares }
        }
        if national == nil && byRegion.isEmpty {
            throw fail(headerLine.number, "the ratio file has a header but no rows: add one row per region (or a '*' row of national shares)")
        }
        return GroupRatios(path: path, name: nil, source: nil, isGeneric: false, groups: groups, national: national, byRegion: byRegion)
    }

    /// The fields of one CSV line, trimmed of spaces: plain, or in double quotes (`""` inside is a quote).
    /// A quoted field cannot span lines.
    static func fields(_ line: String, line number: Int, path: String) throws -> [String] {
        func fail(_ message: String) -> ExposureError { ExposureError(message, path: "\(path):\(number)") }
        var fields: [String] = []
        var scalars = Array(line.unicodeScalars)[...]
        while true {
            while let c = scalars.first, c == " " || c == "\t" { scalars.removeFirst() }
            var field = String.UnicodeScalarView()
            if scalars.first == "\"" {
                scalars.removeFirst()
                var closed = false
                while let c = scalars.popFirst() {
                    if c == "\"" {
                        if scalars.first == "\"" { scalars.removeFirst(); field.append("\"") } else { closed = true; break }
                    } else {
                        field.append(c)
                    }
                }
                guard closed else { throw fail("a quoted field is not closed on this line (a field cannot span lines)") }
                while let c = scalars.first, c == " " || c == "\t" { scalars.removeFirst() }
                if let c = scalars.first, c != "," {
                    throw fail("text after a closing quote: put the whole field in quotes, or none of it")
                }
                fields.append(String(field))
            } else {
                while let c = scalars.first, c != "," {
                    if c == "\"" { throw fail("a quote in the middle of a field: put the whole field in quotes, or none of it") }
                    field.append(c)
                    scalars.removeFirst()
                }
                fields.append(String(field).trimmingCharacters(in: .whitespaces))
            }
            if scalars.first == "," { scalars.removeFirst() } else { break }
        }
        return fields
    }
}
