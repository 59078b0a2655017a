import ExposureCore
import ExposureProducts
import Foundation
import GDALSwift
import Localization

/// What a map is drawn from: a per-region layer (ours or anyone's), the column to draw, and what the
/// manifest beside it says (sources, date, classes, the incomplete-data threshold). A `run` output folder
/// reads as its `regions.geojson` with `run.json`, a scenario picking the column's prefix.
struct MapSource {
    /// The vector file and layer read.
    let path: String
    let layerName: String?
    /// The field drawn, as named in the file (a run's `baseline_aad_per_100k`), and as our tables name it
    /// without the scenario prefix (`aad_per_100k`).
    let field: String
    let baseColumn: String
    /// The scenario whose column is drawn (runs only), and the run's first scenario (changes are against it).
    let scenario: String?
    let baselineScenario: String?
    /// The manifest beside the input (`NAME.manifest.json`) or the run's `run.json`; empty when there is none.
    let manifest: [String: Any]
    let manifestPath: String?
    let isRun: Bool

    /// Whether INPUT names a folder (read as a `run` output folder) rather than a file.
    static func isRunFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    static let runLayer = "regions.geojson"
    static let runManifest = "run.json"

    /// Resolves INPUT, `--layer`, `--scenario` and `--column` against what the input holds.
    static func resolve(input: String, layer: String?, column: String?, scenario: String?) throws -> MapSource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
            throw ExposureError("no such file or folder", path: input)
        }
        if isFolder.boolValue {
            return try resolveRun(folder: input, column: column, scenario: scenario)
        }
        if scenario != nil {
            throw ExposureError("--scenario applies to a `run` output folder; \(input) is a file")
        }
        let manifestPath = input + ".manifest.json"
        let manifest = try readManifest(manifestPath)
        let fields = try numericFields(path: input, layer: layer)
        let chosen: String
        if let column {
            chosen = column
        } else if let headline = (manifest["style"] as? [String: Any])?["headlineColumn"] as? String, fields.contains(headline) {
            chosen = headline
        } else if let first = ["displaced_per_100k", "exposed", "population"].first(where: fields.contains) {
            chosen = first
        } else {
            throw ExposureError("say which column to draw with --column (numeric fields: \(list(fields)))", path: input)
        }
        guard fields.contains(chosen) else {
            throw ExposureError("--column \(chosen): no numeric field of that name (numeric fields: \(list(fields)))", path: input)
        }
        return MapSource(path: input, layerName: layer, field: chosen, baseColumn: chosen, scenario: nil, baselineScenario: nil,
                         manifest: manifest, manifestPath: manifest.isEmpty ? nil : manifestPath, isRun: false)
    }

    private static func resolveRun(folder: String, column: String?, scenario: String?) throws -> MapSource {
        let path = (folder as NSString).appendingPathComponent(runLayer)
        let manifestPath = (folder as NSString).appendingPathComponent(runManifest)
        guard FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: manifestPath) else {
            throw ExposureError("not a `run` output folder (it has no \(runLayer) and \(runManifest)); give a per-region file instead", path: folder)
        }
        let manifest = try readManifest(manifestPath)
        var names: [String] = []
        for hazard in manifest["hazards"] as? [[String: Any]] ?? [] {
            if let name = hazard["scenario"] as? String, !names.contains(name) { names.append(name) }
        }
        let identifiers = ScenarioFile.identifiers(names)
        let fields = try numericFields(path: path, layer: nil)
        var chosenScenario: Int?
        if let scenario {
            guard let index = names.firstIndex(of: scenario) ?? identifiers.firstIndex(of: scenario) else {
                throw ExposureError("--scenario \(scenario): the run has no such scenario (scenarios: \(list(names)))", path: folder)
            }
            chosenScenario = index
        }
        let base = column ?? "aad_per_100k"
        // A column the scenarios share (population, hazard_unknown_share) or a full name is taken as it is.
        if fields.contains(base), chosenScenario == nil {
            let owner = identifiers.indices.first { base.hasPrefix(identifiers[$0] + "_") }
            let stripped = owner.map { String(base.dropFirst(identifiers[$0].count + 1)) } ?? base
            return MapSource(path: path, layerName: nil, field: base, baseColumn: stripped, scenario: owner.map { names[$0] },
                             baselineScenario: names.first, manifest: manifest, manifestPath: manifestPath, isRun: true)
        }
        let index = chosenScenario ?? 0
        guard identifiers.indices.contains(index) else { throw ExposureError("the run names no scenario", path: manifestPath) }
        let field = identifiers[index] + "_" + base
        guard fields.contains(field) else {
            // A run's needs are at one return period: a scenario without that event has none.
            if base.hasPrefix("needs_"), let years = (manifest["needs"] as? [String: Any])?["returnPeriod"] as? Double,
               fields.contains(where: { $0.hasSuffix("_" + base) }) {
                throw ExposureError("--column \(base): scenario \(names[index]) has no \(years == years.rounded() ? String(Int(years)) : String(years))-year event, so no needs figures (the run's needs are at that return period); pick another --scenario", path: path)
            }
            let offered = fields.filter { $0.hasPrefix(identifiers[index] + "_") }.map { String($0.dropFirst(identifiers[index].count + 1)) }
            throw ExposureError("--column \(base): scenario \(names[index]) has no such column (its columns: \(list(offered)); shared: \(list(fields.filter { f in !identifiers.contains { f.hasPrefix($0 + "_") } })))", path: path)
        }
        return MapSource(path: path, layerName: nil, field: field, baseColumn: base, scenario: names[index],
                         baselineScenario: names.first, manifest: manifest, manifestPath: manifestPath, isRun: true)
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }

    static func readManifest(_ path: String) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ExposureError("is not a JSON object", path: path)
            }
            return object
        } catch let error as ExposureError {
            throw error
        } catch {
            throw ExposureError("cannot be read as a manifest (\(OutputSet.reason(error)))", path: path)
        }
    }

    static func numericFields(path: String, layer: String?) throws -> [String] {
        let dataset = try Dataset.open(path, kinds: .vector)
        let l = try layer.map { try dataset.layer(named: $0) } ?? dataset.layer(at: 0)
        return try l.fields.filter { [.integer, .integer64, .real].contains($0.type) }.map(\.name)
    }

    // MARK: what the manifest says

    /// The analysis date (`createdAt`), as the manifest wrote it.
    var createdAt: String? { manifest["createdAt"] as? String }
    var tool: String? { manifest["tool"] as? String }
    var runName: String? { manifest["name"] as? String }
    var hazardUnit: String? { manifest["hazardUnit"] as? String }

    /// The incomplete-data threshold the analysis used (a run's own, or its style's).
    var unknownThreshold: Double? {
        manifest["unknownThreshold"] as? Double ?? (manifest["style"] as? [String: Any])?["unknownThreshold"] as? Double
    }

    /// Each hazard class: (from, to) with `to` nil for the last.
    var hazardClasses: [(from: Double, to: Double?)] {
        (manifest["classes"] as? [[String: Any]] ?? []).compactMap { c in
            guard let from = c["from"] as? Double else { return nil }
            return (from, c["to"] as? Double)
        }
    }

    /// The groups taken as shares of the population (from the ratio file).
    var ratioGroups: Set<String> {
        Set((manifest["populationGroups"] as? [[String: Any]] ?? []).filter { ($0["source"] as? String) == "ratio" }.compactMap { $0["name"] as? String })
    }

    /// The population groups the manifest names, raster groups first (as the columns are).
    var groupNames: [String] {
        (manifest["populationGroups"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// The needs profile of the manifest (an analysis's `needs`, a run's `needs.profile`).
    var needsProfile: [String: Any]? {
        isRun ? (manifest["needs"] as? [String: Any])?["profile"] as? [String: Any] : manifest["needs"] as? [String: Any]
    }

    /// A run's needs are at one return period.
    var needsReturnPeriod: Double? { isRun ? (manifest["needs"] as? [String: Any])?["returnPeriod"] as? Double : nil }

    var needsItems: [ColumnWording.NeedsItemWording] {
        (needsProfile?["items"] as? [[String: Any]] ?? []).compactMap { item in
            guard let id = item["id"] as? String else { return nil }
            return .init(id: id, name: (item["name"] as? String) ?? id, unit: (item["unit"] as? String) ?? "",
                         weekly: (item["frequency"] as? String) == "weekly", group: item["group"] as? String,
                         amount: item["amountPerDisplacedPerson"] as? Double)
        }
    }

    /// The wording of `column` (without its scenario prefix) with everything this manifest says.
    func wording(of column: String, catalog: Catalog, numbers: NumberStyle) -> ColumnWording {
        ColumnWording.of(column, classes: hazardClasses, hazardUnit: hazardUnit, baseline: baselineScenario, groups: groupNames,
                         needs: needsItems, needsReturnPeriod: needsReturnPeriod, catalog: catalog, numbers: numbers)
    }

    /// Every input named by the manifest: (role, path, sha256).
    var inputs: [(role: String, path: String, sha256: String?)] {
        func entry(_ o: [String: Any]) -> (String, String, String?)? {
            guard let path = o["path"] as? String else { return nil }
            return ((o["role"] as? String) ?? "input", path, o["sha256"] as? String)
        }
        if isRun {
            var all: [(String, String, String?)] = []
            if let p = manifest["population"] as? [String: Any], let e = entry(p) { all.append(e) }
            all += (manifest["regions"] as? [[String: Any]] ?? []).compactMap(entry)
            all += (manifest["hazards"] as? [[String: Any]] ?? []).compactMap { ($0["input"] as? [String: Any]).flatMap(entry) }
            // Population groups' rasters, the ratio file and the needs profile, with the roles an analysis gives them.
            for group in manifest["populationGroups"] as? [[String: Any]] ?? [] {
                if let input = group["input"] as? [String: Any], let path = input["path"] as? String, let name = group["name"] as? String {
                    all.append(("population group '\(name)'", path, input["sha256"] as? String))
                }
            }
            if let path = (manifest["groupRatios"] as? [String: Any])?["path"] as? String { all.append(("group ratios", path, nil)) }
            if let path = needsProfile?["path"] as? String { all.append(("needs profile", path, nil)) }
            return all
        }
        return (manifest["inputs"] as? [[String: Any]] ?? []).compactMap(entry)
    }
}
