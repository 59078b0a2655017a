import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// run.json: what `exposure run` read (sizes, SHA-256), computed with which parameters, by which versions,
/// in how long, and the scenario totals.
struct RunManifest: Encodable {
    struct Hazard: Encodable {
        let scenario: String
        let returnPeriod: Double
        let input: Manifest.Input
        let sampling: String
        let generatedFrom: String?
        let waterLevel: Double?
    }

    struct ScenarioTotals: Encodable {
        let scenario: String
        let population: Double
        let aaeExposed: Double
        let aadDisplaced: Double
        let aadPer100k: Double
        let pmd: [String: Double]
    }

    struct CensusGrid: Encodable {
        let censusTotal: Double
        let gridTotal: Double
        let width: Int
        let height: Int
    }

    let tool: String
    let createdAt: String
    let commandLine: [String]
    let gdalVersion: String
    let projVersion: String
    let scenarioFile: Manifest.Input
    let name: String
    let population: Manifest.Input
    let censusGrid: CensusGrid?
    let regions: [Manifest.Input]
    let hazards: [Hazard]
    let classes: [Manifest.ClassEntry]
    let preset: String?
    let hazardUnit: String?
    let aadMethod: String
    let totalsOfFirstRegionSet: [ScenarioTotals]
    let outputs: [String]
    /// Per table (by_return_period.csv, annual.csv, regions.geojson): each column's meaning and unit.
    let columns: [String: [String: String]]
    let unknownThreshold: Double
    /// Per region set, the regions hatched as "hazard data incomplete".
    let incompleteRegions: [String: [String]]
    let warnings: [String]
    let timingsSeconds: [String: Double]
    /// Population groups: each group's source (a raster with its checksum, or a ratio file), and the ratios
    /// and needs profile used.
    let populationGroups: [Group]?
    let groupRatios: Manifest.RatiosEntry?
    let needs: Needs?
    /// The parts the figures were added up from, when `exposure merge` wrote them.
    let mergedFrom: MergedParts?

    struct Group: Encodable {
        let name: String
        let source: String
        let input: Manifest.Input?
        let alignment: String?
        /// Over the first region set.
        let population: Double
    }

    struct Needs: Encodable {
        let profile: Manifest.NeedsEntry
        let returnPeriod: Double
        let computedAs: String
    }

    static func write(file: ScenarioFile, population: RasterInput, census: CensusGridReport?, sets: [ScenarioRun.RegionSetResult],
                      layers: [ScenarioRun.HazardLayer], groups: GroupPlan, totals: [(scenario: String, population: Double, aae: Double, aad: Double, pmd: [Double])],
                      outputs: [String], columns: [String: [ResultColumn]], unknownThreshold: Double,
                      incompleteRegions: [(set: String, regions: [String])],
                      warnings: [String], timings: [String: Double], commandLine: [String], mergedFrom: MergedParts?, to path: String,
                      outputSet: OutputSet) throws {
        let classes = file.classes
        let manifest = RunManifest(
            tool: "exposure \(ExposureVersionInfo.version)",
            createdAt: ISO8601DateFormatter().string(from: Date()),
            commandLine: commandLine,
            gdalVersion: GDALEnvironment.gdalVersion,
            projVersion: GDALEnvironment.projVersion,
            scenarioFile: try Manifest.Input(role: "scenario file", path: file.path, crs: "", epsg: nil, details: [:]),
            name: file.name,
            population: try InputFingerprint.raster(population, role: "population"),
            censusGrid: census.map { CensusGrid(censusTotal: $0.censusTotal, gridTotal: $0.gridTotal, width: $0.grid.width, height: $0.grid.height) },
            regions: try sets.map { set in
                try Manifest.Input(role: "regions (\(set.label))", path: set.regions.path, crs: set.regions.spatialReference.name,
                               epsg: set.regions.spatialReference.epsgCode,
                               details: ["layer": set.regions.layerName, "idField": set.regions.idField ?? "",
                                         "nameField": set.regions.nameField ?? "", "regions": String(set.regions.count)])
            },
            hazards: try layers.map { layer in
                let scenario = file.scenarios[layer.scenario]
                return Hazard(scenario: scenario.name, returnPeriod: scenario.returnPeriods.years[layer.period],
                              input: try InputFingerprint.raster(layer.input, role: "hazard"), sampling: layer.mode.description,
                              generatedFrom: layer.generated?.dem, waterLevel: layer.generated?.level)
            },
            classes: Manifest.classEntries(classes),
            preset: classes.preset,
            hazardUnit: classes.unit,
            aadMethod: "trapezoid on the exceedance curve: sum (p_i - p_i+1)(D_i + D_i+1)/2 + p_n D_n, p = 1/T (docs/methodology.md)",
            totalsOfFirstRegionSet: totals.map { t in
                let years = file.scenarios.first { $0.name == t.scenario }!.returnPeriods.years
                return ScenarioTotals(scenario: t.scenario, population: t.population, aaeExposed: t.aae, aadDisplaced: t.aad,
                                      aadPer100k: t.population > 0 ? t.aad / t.population * 100_000 : 0,
                                      pmd: Dictionary(uniqueKeysWithValues: zip(years.map(formatYears), t.pmd)))
            },
            outputs: outputs,
            columns: columns.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0.description) }) },
            unknownThreshold: unknownThreshold,
            incompleteRegions: Dictionary(incompleteRegions.map { ($0.set, $0.regions) }, uniquingKeysWith: { a, _ in a }),
            warnings: warnings, timingsSeconds: timings,
            populationGroups: try sets.first.flatMap { set -> [Group]? in
                if set.groups.isEmpty { return nil }
                let fingerprints = try InputFingerprint.rasters(groups.rasters.map { ($0.input, "population group '\($0.name)'") })
                return set.groups.map { series in
                    let index = groups.rasters.firstIndex { $0.name == series.name }
                    return Group(name: series.name, source: index == nil ? "ratio" : "raster", input: index.map { fingerprints[$0] },
                                 alignment: index.map { groups.rasters[$0].alignment } ?? nil, population: series.populations.reduce(0, +))
                }
            },
            groupRatios: groups.ratios.map { Manifest.RatiosEntry($0, regionIDs: sets.flatMap(\.regions.ids)) },
            needs: try groups.needs.map { profile in
                let set = sets[0]
                let totals = try profile.items.map { item -> Double in
                    let years = file.needs!.returnPeriod
                    guard let s = file.scenarios.firstIndex(where: { $0.returnPeriods.years.contains(years) }) else { return 0 }
                    let p = file.scenarios[s].returnPeriods.years.firstIndex(of: years)!
                    guard let group = item.group else { return set.figures[s][p].reduce(0) { $0 + $1.displaced } * item.amount }
                    guard let series = set.groups.first(where: { $0.name == group }) else {
                        throw ExposureError("the needs item '\(item.id)' is for the group '\(group)', which the run does not have", path: profile.path)
                    }
                    return series.displaced[s][p].reduce(0, +) * item.amount
                }
                return Needs(profile: Manifest.NeedsEntry(profile, totals: totals), returnPeriod: file.needs!.returnPeriod,
                             computedAs: "amount per displaced person x displaced people (or displaced people of the item's group) at the \(formatYears(file.needs!.returnPeriod))-year return period; item totals are for the first scenario with that return period, over the first region set")
            },
            mergedFrom: mergedFrom)
        try ResultWriter.writeJSON(manifest, to: path, outputs: outputSet)
    }
}
