import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift
import Yams

/// A scenario file (YAML): population, regions, hazard classes and named scenarios of hazard rasters by
/// return period (given, or generated as coastal inundation). Paths are relative to the file. Every
/// mistake is reported with the file and line. Documented in docs/scenario-file.md.
public struct ScenarioFile: Sendable {
    public struct Census: Sendable {
        public var file: String
        public var layer: String?
        public var count: String
        public var like: String?
        public var resolution: Double?
        public var crs: String?
        public var mask: String?
        /// The line of `census:` in the scenario file, for errors found when gridding.
        public var line: Int = 0
    }

    public enum Population: Sendable {
        case raster(path: String, band: Int)
        case census(Census)
    }

    public struct Regions: Sendable {
        public var file: String
        public var layer: String?
        public var id: String
        public var name: String?
        /// Names the output folder when there are several region sets.
        public var label: String
        /// Features sharing an id form one region.
        public var dissolve: Bool
    }

    public struct Inundation: Sendable {
        public var dem: String
        public var seaEdges: Set<CoastalInundation.Edge>
        public var seaMask: String?
        public var seaLevel: Double
        /// Water level above `seaLevel` at each return period (same order as the scenario's return periods).
        public var surge: [Double]
    }

    public enum Source: Sendable {
        /// One hazard raster per return period.
        case rasters([String])
        case inundation(Inundation)
    }

    public struct Scenario: Sendable {
        public var name: String
        public var returnPeriods: ReturnPeriods
        public var source: Source
        public var line: Int
        /// The name as an identifier for column names (lowercase letters, digits, underscores), unique in the file.
        public var identifier: String = ""
    }

    /// `ssp2-4.5-2050` -> `ssp2_4_5_2050`; a leading digit gets `s_`; a repeat gets `_2`, `_3`...
    static func identifiers(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { name in
            var id = ""
            for scalar in name.lowercased().unicodeScalars {
                let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                if keep { id.unicodeScalars.append(scalar) } else if !id.hasSuffix("_") { id += "_" }
            }
            id = id.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
            if id.isEmpty { id = "scenario" }
            if let first = id.unicodeScalars.first, ("0"..."9").contains(first) { id = "s_" + id }
            var unique = id, n = 2
            while !used.insert(unique).inserted {
                unique = "\(id)_\(n)"
                n += 1
            }
            return unique
        }
    }

    /// `needs:` minimum needs of the displaced, at one return period's displacement (PMD).
    public struct Needs: Sendable {
        public var profile: String
        public var returnPeriod: Double
        public var line: Int
    }

    public let path: String
    public var name: String
    public var assumeCRS: String?
    public var population: Population
    /// `population.groups`: group rasters summed in the same pass.
    public var groupRasters: [GroupRasterOption] = []
    /// `population.ratios`: a file of group shares.
    public var groupRatios: String?
    public var needs: Needs?
    public var regions: [Regions]
    public var classes: HazardClasses
    public var hazardBand: Int
    public var scenarios: [Scenario]
    /// Values that are allowed but look like mistakes (e.g. a sea level of 500 m), naming file and line.
    public var warnings: [String] = []

    static let populationKeys = ["raster", "band", "census", "groups", "ratios"]

    /// Scenario files are a page of text; anything far larger is not one.
    static let maxBytes = 1 << 20

    /// Reads and checks a scenario file.
    public static func load(_ path: String) throws -> ScenarioFile {
        guard !path.isEmpty else { throw ExposureError("the scenario file name is empty") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ExposureError("no such file", path: path)
        }
        guard !isDirectory.boolValue else { throw ExposureError("is a folder, not a scenario file", path: path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, size > maxBytes {
            throw ExposureError("is \(size) bytes: too large for a scenario file (at most \(maxBytes))", path: path)
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExposureError("cannot read the scenario file (\(OutputSet.reason(error)))", path: path)
        }
        try YAMLSafety.check(text, path: path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ExposureError("the scenario file is empty", path: path) }
            root = node
        } catch let error as YamlError {
            let (line, problem) = yamlProblem(error, text: text)
            throw ExposureError("not valid YAML: \(problem)", path: line.map { "\(path):\($0)" } ?? path)
        }
        let reader = Reader(path: path, folder: (path as NSString).deletingLastPathComponent)
        return try reader.file(root)
    }

    /// The line and the problem of a YAML error, in plain words.
    static func yamlProblem(_ error: YamlError, text: String) -> (line: Int?, problem: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return (mark.line, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the keys and the mapping; the line worth showing is the key's second appearance.
            let key = duplicates.first ?? ""
            var seen = 0
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("- ") { trimmed = String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
                for form in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(form + ":") {
                    seen += 1
                    if seen == 2 { return (number + 1, "'\(key)' is given twice in the same mapping (each key once)") }
                }
            }
            return (context.mark.line, "'\(duplicates.joined(separator: "', '"))' given twice in the same mapping (each key once)")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, String(describing: error))
        }
    }

    /// Walks the YAML tree, turning every surprise into an error naming the line.
    struct Reader {
        let path: String
        let folder: String

        func fail(_ node: Node?, _ message: String) -> ExposureError {
            let line = node?.mark.map { ":\($0.line)" } ?? ""
            return ExposureError(message, path: path + line)
        }

        /// The mapping's entries, refusing keys outside `allowed`.
        func mapping(_ node: Node, _ what: String, allowed: [String]) throws -> [(key: String, node: Node, keyNode: Node)] {
            guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of keys to values") }
            var entries: [(String, Node, Node)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw fail(key, "\(what): keys must be names") }
                guard allowed.contains(name) else {
                    throw fail(key, "unknown key '\(name)' in \(what) (expected: \(allowed.joined(separator: ", ")))")
                }
                entries.append((name, value, key))
            }
            return entries
        }

        func value(_ entries: [(key: String, node: Node, keyNode: Node)], _ key: String) -> Node? {
            entries.first { $0.key == key }?.node
        }

        func required(_ entries: [(key: String, node: Node, keyNode: Node)], _ key: String, in what: String, at node: Node) throws -> Node {
            guard let value = value(entries, key) else { throw fail(node, "\(what) needs '\(key)'") }
            return value
        }

        func string(_ node: Node, _ what: String) throws -> String {
            guard let scalar = node.scalar, !scalar.string.isEmpty else { throw fail(node, "\(what) must be a text value") }
            return scalar.string
        }

        func number(_ node: Node, _ what: String) throws -> Double {
            guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
                throw fail(node, "\(what) must be a number (got '\(node.scalar?.string ?? "a list or mapping")')")
            }
            return value
        }

        /// A whole number in `range`, written as one (`1.5`, `1e20` and `true` are refused).
        func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) throws -> Int {
            guard let scalar = node.scalar else { throw fail(node, "\(what) must be a whole number") }
            guard let value = Int(scalar.string.trimmingCharacters(in: .whitespaces)) else {
                throw fail(node, "\(what) must be a whole number (got '\(scalar.string)')")
            }
            guard range.contains(value) else {
                throw fail(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
            }
            return value
        }

        /// A name that becomes part of output file or folder names: no path separators, no leading dot,
        /// no control characters, so every output stays inside --output-dir.
        func pathSafeName(_ node: Node, _ what: String) throws -> String {
            let name = try string(node, what)
            if name.count > 100 { throw fail(node, "\(what) is longer than 100 characters") }
            if name.hasPrefix(".") || name.contains("/") || name.contains("\\")
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw fail(node, "\(what) '\(name)' names output files: it may not start with '.' or contain '/', '\\' or control characters")
            }
            return name
        }

        /// A CRS definition PROJ understands.
        func crs(_ node: Node, _ what: String) throws -> String {
            let text = try string(node, what)
            do {
                _ = try SpatialReference(definition: text)
            } catch let error as GDALError {
                throw fail(node, "\(what) '\(text)' is not a CRS PROJ knows (\(error.message))")
            }
            return text
        }

        func boolean(_ node: Node, _ what: String) throws -> Bool {
            guard let value = node.bool else { throw fail(node, "\(what) must be true or false") }
            return value
        }

        func numbers(_ node: Node, _ what: String) throws -> [Double] {
            guard let sequence = node.sequence else { throw fail(node, "\(what) must be a list, e.g. [0.1, 0.7, 1.5]") }
            return try sequence.map { try number($0, what) }
        }

        /// A path relative to the scenario file, checked to exist.
        func file(_ node: Node, _ what: String) throws -> String {
            let text = try string(node, what)
            let resolved = text.hasPrefix("/") || text.hasPrefix("/vsi") || text.contains(":\"") ? text : (folder as NSString).appendingPathComponent(text)
            if !resolved.hasPrefix("/vsi"), !resolved.contains(":\""), !FileManager.default.fileExists(atPath: resolved) {
                throw fail(node, "\(what): no such file \(resolved)")
            }
            return resolved
        }

        func file(_ root: Node) throws -> ScenarioFile {
            let top = try mapping(root, "the scenario file", allowed: ["name", "assume_crs", "population", "regions", "hazard", "scenarios", "needs"])
            let name = try value(top, "name").map { try string($0, "name") } ?? (path as NSString).lastPathComponent
            let assumeCRS = try value(top, "assume_crs").map { try crs($0, "assume_crs") }
            let populationNode = try required(top, "population", in: "the scenario file", at: root)
            let population = try self.population(populationNode)
            let (groupRasters, groupRatios) = try groups(populationNode)
            let regionsNode = try required(top, "regions", in: "the scenario file", at: root)
            let regions: [Regions]
            if let list = regionsNode.sequence {
                guard !list.isEmpty else { throw fail(regionsNode, "'regions' lists no region set: give at least one (file, id)") }
                regions = try list.map { try self.regions($0, labelled: true) }
                let labels = regions.map(\.label)
                if Set(labels).count != labels.count { throw fail(regionsNode, "each region set needs its own 'label'") }
            } else {
                regions = [try self.regions(regionsNode, labelled: false)]
            }
            let (classes, band) = try hazard(try required(top, "hazard", in: "the scenario file", at: root))
            let scenariosNode = try required(top, "scenarios", in: "the scenario file", at: root)
            guard let scenarioMapping = scenariosNode.mapping, !scenarioMapping.isEmpty else {
                throw fail(scenariosNode, "'scenarios' must name at least one scenario, e.g. baseline:")
            }
            var scenarios = try scenarioMapping.map { key, value -> Scenario in
                try scenario(name: try pathSafeName(key, "a scenario name"), value, keyNode: key)
            }
            for (i, id) in ScenarioFile.identifiers(scenarios.map(\.name)).enumerated() { scenarios[i].identifier = id }
            let names = scenarios.map(\.name)
            if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                throw fail(scenariosNode, "scenario '\(repeated)' is named twice")
            }
            var file = ScenarioFile(path: path, name: name, assumeCRS: assumeCRS, population: population, regions: regions,
                                    classes: classes, hazardBand: band, scenarios: scenarios)
            file.groupRasters = groupRasters
            file.groupRatios = groupRatios
            if let needsNode = value(top, "needs") {
                let n = try mapping(needsNode, "needs", allowed: ["profile", "return_period"])
                let profile = try self.file(try required(n, "profile", in: "needs", at: needsNode), "needs profile")
                let periodNode = try required(n, "return_period", in: "needs (the return period whose displacement, PMD, the needs are for)", at: needsNode)
                let years = try number(periodNode, "return_period")
                guard scenarios.contains(where: { $0.returnPeriods.years.contains(years) }) else {
                    throw fail(periodNode, "needs: no scenario has the return period \(formatYears(years)) (their return periods: \(ScenarioRun.allReturnPeriods(scenarios).map(formatYears).joined(separator: ", ")))")
                }
                file.needs = Needs(profile: profile, returnPeriod: years, line: needsNode.mark?.line ?? 0)
            }
            for scenario in scenarios {
                guard case .inundation(let spec) = scenario.source else { continue }
                for level in [spec.seaLevel] + spec.surge.map({ spec.seaLevel + $0 }) where abs(level) > 100 {
                    file.warnings.append("\(path):\(scenario.line): scenario '\(scenario.name)' has a water level of \(level) m; check the sea_level and surge (metres in the DEM's datum)")
                    break
                }
            }
            return file
        }

        /// `population.groups` (name: raster, or name: {raster, band}) and `population.ratios`.
        func groups(_ node: Node) throws -> ([GroupRasterOption], String?) {
            let entries = try mapping(node, "population", allowed: ScenarioFile.populationKeys)
            let ratios = try value(entries, "ratios").map { try file($0, "group ratios") }
            guard let groupsNode = value(entries, "groups") else { return ([], ratios) }
            guard let list = groupsNode.mapping, !list.isEmpty else {
                throw fail(groupsNode, "population.groups must map group names to rasters, e.g. female: population_female.tif")
            }
            var groups: [GroupRasterOption] = []
            for (key, value) in list {
                let name = try string(key, "a group name")
                do {
                    try GroupRaster.checkName(name, what: "population.groups")
                } catch let error as ExposureError {
                    throw fail(key, error.message)
                }
                if groups.contains(where: { $0.name == name }) { throw fail(key, "the group '\(name)' is given twice") }
                if value.mapping != nil {
                    let g = try mapping(value, "group '\(name)'", allowed: ["raster", "band"])
                    groups.append(GroupRasterOption(
                        name: name, path: try file(try required(g, "raster", in: "group '\(name)'", at: value), "raster of group '\(name)'"),
                        band: try self.value(g, "band").map { try integer($0, "band", in: 1...65_535) } ?? 1))
                } else {
                    groups.append(GroupRasterOption(name: name, path: try file(value, "raster of group '\(name)'")))
                }
            }
            return (groups, ratios)
        }

        func population(_ node: Node) throws -> Population {
            let entries = try mapping(node, "population", allowed: ScenarioFile.populationKeys)
            if let raster = value(entries, "raster") {
                if value(entries, "census") != nil { throw fail(node, "population takes either 'raster' or 'census', not both") }
                let band = try value(entries, "band").map { try integer($0, "band", in: 1...65_535) } ?? 1
                return .raster(path: try file(raster, "population raster"), band: band)
            }
            guard let censusNode = value(entries, "census") else { throw fail(node, "population needs 'raster' or 'census'") }
            let c = try mapping(censusNode, "census", allowed: ["file", "layer", "count", "like", "resolution", "crs", "mask"])
            var census = Census(
                file: try file(try required(c, "file", in: "census", at: censusNode), "census file"),
                layer: try value(c, "layer").map { try string($0, "layer") },
                count: try string(try required(c, "count", in: "census", at: censusNode), "count"),
                like: try value(c, "like").map { try file($0, "like") },
                resolution: try value(c, "resolution").map { node in
                    let resolution = try number(node, "resolution")
                    guard resolution > 0 else { throw fail(node, "resolution must be a positive cell size (got \(resolution))") }
                    return resolution
                },
                crs: try value(c, "crs").map { try crs($0, "crs") },
                mask: try value(c, "mask").map { try file($0, "mask") })
            census.line = censusNode.mark?.line ?? 0
            if census.like == nil && (census.resolution == nil || census.crs == nil) {
                throw fail(censusNode, "census needs 'like' (a raster), or 'resolution' and 'crs'")
            }
            return .census(census)
        }

        func regions(_ node: Node, labelled: Bool) throws -> Regions {
            let r = try mapping(node, "regions", allowed: ["file", "layer", "id", "name", "label", "dissolve"])
            let id = try string(try required(r, "id", in: "regions", at: node), "id")
            let label = try value(r, "label").map { try pathSafeName($0, "label") } ?? (labelled ? id : "regions")
            if value(r, "label") == nil, labelled, id.hasPrefix(".") || id.contains("/") || id.contains("\\") {
                throw fail(node, "this region set needs a 'label' (its id field '\(id)' cannot name a folder)")
            }
            return Regions(file: try file(try required(r, "file", in: "regions", at: node), "regions file"),
                           layer: try value(r, "layer").map { try string($0, "layer") }, id: id,
                           name: try value(r, "name").map { try string($0, "name") }, label: label,
                           dissolve: try value(r, "dissolve").map { try boolean($0, "dissolve") } ?? false)
        }

        func hazard(_ node: Node) throws -> (HazardClasses, Int) {
            let h = try mapping(node, "hazard", allowed: ["preset", "classes", "rates", "band", "unit"])
            let band = try value(h, "band").map { try integer($0, "band", in: 1...65_535) } ?? 1
            let rates = try value(h, "rates").map { try numbers($0, "rates") }
            do {
                if value(h, "preset") != nil && value(h, "classes") != nil { throw fail(node, "hazard takes either 'preset' or 'classes', not both") }
                if value(h, "preset") == nil && value(h, "classes") == nil { throw fail(node, "hazard needs 'preset' or 'classes'") }
                let classes = try HazardClasses.resolve(
                    preset: try value(h, "preset").map { try string($0, "preset") },
                    thresholds: try value(h, "classes").map { try numbers($0, "classes") }, rates: rates,
                    unit: try value(h, "unit").map { try string($0, "unit") })
                return (classes, band)
            } catch let error as ExposureError where error.path == nil {
                throw fail(node, error.message)
            }
        }

        func scenario(name: String, _ node: Node, keyNode: Node) throws -> Scenario {
            let s = try mapping(node, "scenario '\(name)'", allowed: ["return_periods", "inundation"])
            if let rasters = value(s, "return_periods") {
                if value(s, "inundation") != nil { throw fail(node, "scenario '\(name)' takes either 'return_periods' or 'inundation'") }
                let (periods, nodes) = try returnPeriods(rasters, "return_periods of '\(name)'")
                return Scenario(name: name, returnPeriods: periods,
                                source: .rasters(try nodes.map { try file($0, "hazard raster of '\(name)'") }), line: keyNode.mark?.line ?? 0)
            }
            guard let inundationNode = value(s, "inundation") else {
                throw fail(node, "scenario '\(name)' needs 'return_periods' (hazard rasters) or 'inundation'")
            }
            let i = try mapping(inundationNode, "inundation of '\(name)'", allowed: ["dem", "sea_edge", "sea", "sea_level", "surge"])
            var edges = Set<CoastalInundation.Edge>()
            if let edgeNode = value(i, "sea_edge") {
                let names = try edgeNode.sequence.map { try $0.map { try string($0, "sea_edge") } } ?? [try string(edgeNode, "sea_edge")]
                for edgeName in names {
                    guard let edge = CoastalInundation.Edge(rawValue: edgeName) else {
                        throw fail(edgeNode, "sea_edge takes north, south, east or west (got '\(edgeName)')")
                    }
                    edges.insert(edge)
                }
            }
            let mask = try value(i, "sea").map { try file($0, "sea mask") }
            if edges.isEmpty && mask == nil { throw fail(inundationNode, "inundation needs 'sea_edge' or 'sea' (a mask)") }
            let (periods, surgeNodes) = try returnPeriods(try required(i, "surge", in: "inundation", at: inundationNode), "surge of '\(name)'")
            return Scenario(
                name: name, returnPeriods: periods,
                source: .inundation(Inundation(
                    dem: try file(try required(i, "dem", in: "inundation", at: inundationNode), "dem"),
                    seaEdges: edges, seaMask: mask,
                    seaLevel: try value(i, "sea_level").map { try number($0, "sea_level") } ?? 0,
                    surge: try surgeNodes.map { try number($0, "surge") })),
                line: keyNode.mark?.line ?? 0)
        }

        /// A mapping of return period (years) to a value, in increasing order.
        func returnPeriods(_ node: Node, _ what: String) throws -> (ReturnPeriods, [Node]) {
            guard let mapping = node.mapping, !mapping.isEmpty else {
                throw fail(node, "\(what) must map return periods in years to values, e.g. 100: flood_rp100.tif")
            }
            var years: [Double] = [], values: [Node] = []
            for (key, value) in mapping {
                let t = try number(key, "a return period")
                if let last = years.last, t <= last {
                    throw fail(key, "return periods must increase: \(formatYears(t)) comes after \(formatYears(last)) in \(what)")
                }
                years.append(t)
                values.append(value)
            }
            do {
                return (try ReturnPeriods(years), values)
            } catch let error as ExposureError {
                throw fail(node, error.message)
            }
        }
    }
}

/// Checks a YAML text before Yams composes it: no anchors or aliases (an alias "bomb" expands without bound,
/// and Yams hashes whole keys to find duplicates) and no deep nesting (composition recurses). Scenario files
/// need neither. The scan skips quoted text and comments; `&` and `*` count only where a YAML node starts.
enum YAMLSafety {
    static let maxFlowDepth = 32
    static let maxIndentation = 256

    static func check(_ text: String, path: String) throws {
        var depth = 0
        // Split on scalars: Swift reads "\r\n" as one Character, so splitting a CRLF text on "\n" finds one line.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        for (number, line) in lines.enumerated() {
            let characters = Array(line.unicodeScalars)
            let indentation = characters.prefix { $0 == " " || $0 == "\t" }.count
            if indentation > maxIndentation {
                throw ExposureError("nested too deeply (indented \(indentation) columns)", path: "\(path):\(number + 1)")
            }
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            var index = 0
            // Where a node may start: line start, after "- ", ": ", "? ", "[", "{", ",".
            var nodeStart = true
            while index < characters.count {
                let c = characters[index]
                if let open = quote {
                    if c == open {
                        if open == "'" && index + 1 < characters.count && characters[index + 1] == "'" { index += 1 } else { quote = nil }
                    } else if c == "\\" && open == "\"" {
                        index += 1
                    }
                } else if c == "#" && (previous == " " || previous == "\t" || index == 0) {
                    break
                } else if c == "\"" || c == "'" {
                    if nodeStart { quote = c }
                    nodeStart = false
                } else if (c == "&" || c == "*") && nodeStart {
                    throw ExposureError("anchors and aliases (&name, *name) are not allowed in scenario files; write each value out (or quote text that starts with \(c))", path: "\(path):\(number + 1)")
                } else if c == "[" || c == "{" {
                    depth += 1
                    if depth > maxFlowDepth { throw ExposureError("nested too deeply (more than \(maxFlowDepth) brackets)", path: "\(path):\(number + 1)") }
                    nodeStart = true
                } else if c == "]" || c == "}" {
                    depth = max(0, depth - 1)
                    nodeStart = false
                } else if c == "," {
                    nodeStart = depth > 0
                } else if c == " " || c == "\t" {
                    if previous == ":" || previous == "-" || previous == "?" { nodeStart = true }
                } else if c == "!" && nodeStart {
                    // A tag: the node starts after it.
                    while index + 1 < characters.count && characters[index + 1] != " " { index += 1 }
                } else {
                    nodeStart = false
                }
                previous = c
                index += 1
            }
        }
    }
}
