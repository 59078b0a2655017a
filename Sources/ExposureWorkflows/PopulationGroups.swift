import ExposureAdapters
import ExposureCore
import Foundation

// Who the people are: population groups from rasters (summed in the pass) or from ratios (applied after it),
// and the minimum needs of the displaced (docs/methodology.md, "Population groups" and "Minimum needs").

/// `--population-group NAME=RASTER`, or an entry of the scenario file's `population.groups`.
public struct GroupRasterOption: Sendable, Equatable {
    public var name: String
    public var path: String
    public var band: Int

    public init(name: String, path: String, band: Int = 1) {
        self.name = name
        self.path = path
        self.band = band
    }
}

/// One population group's figures per region.
public struct GroupFigures: Sendable {
    public enum Source: Sendable {
        /// Summed from the group's raster in the pass.
        case raster(GroupRaster)
        /// A share of every figure of the region; one share per region (in the regions' order).
        case ratio(GroupRatios, shares: [Double])
    }

    public let name: String
    public let source: Source
    /// Per region, the group's population, exposed and displaced people (by class, and with the hazard unknown).
    public let figures: [RegionFigures]

    public var isFromRaster: Bool {
        if case .raster = source { return true }
        return false
    }

    /// Where the group's people come from, for column meanings.
    public var origin: String {
        switch source {
        case .raster(let raster): "from the group raster \((raster.input.path as NSString).lastPathComponent)"
        case .ratio(let ratios, _): "share of the region's figure given by \((ratios.path as NSString).lastPathComponent)"
        }
    }
}

/// Every group of an analysis (rasters first, then ratios), with what was said about them.
public struct PopulationGroups: Sendable {
    public var groups: [GroupFigures] = []
    public var ratios: GroupRatios?
    public var warnings: [String] = []

    public init() {}

    public var isEmpty: Bool { groups.isEmpty }
    public var names: [String] { groups.map(\.name) }

    public func group(named name: String) -> GroupFigures? { groups.first { $0.name == name } }
}

/// The groups and needs of a pass, checked before it: names, files, alignment, the needs' groups.
struct GroupPlan {
    let rasters: [GroupRaster]
    let ratios: GroupRatios?
    let needs: NeedsProfile?
    /// NaN cells that are not declared nodata, per group raster.
    let nanCounts: [UndeclaredNaNCount]
    let warnings: [String]

    init(rasters options: [GroupRasterOption], ratiosPath: String?, needsPath: String?, hasHazard: Bool, assumeCRS: String?,
         population: RasterInput) throws {
        var names = Set<String>()
        for option in options {
            try GroupRaster.checkName(option.name, what: "--population-group \(option.name)=\(option.path)")
            guard names.insert(option.name).inserted else {
                throw ExposureError("--population-group: the group '\(option.name)' is given twice (each group once)")
            }
        }
        let ratios = try ratiosPath.map { try GroupRatios.load($0) }
        if let ratios {
            for name in ratios.groups {
                try GroupRaster.checkName(name, what: ratios.path)
                guard names.insert(name).inserted else {
                    throw ExposureError("the group '\(name)' has a raster (--population-group) and a ratio here: give each group once", path: ratios.path)
                }
            }
        }
        let needs = try needsPath.map { try NeedsProfile.load($0) }
        if let needs {
            guard hasHazard else {
                throw ExposureError("needs are amounts per displaced person, and displacement needs a hazard: give --hazard with --needs", path: needs.path)
            }
            for item in needs.items {
                if let group = item.group, !names.contains(group) {
                    let known = names.isEmpty ? "no group is given" : "the groups are \(names.sorted().joined(separator: ", "))"
                    throw ExposureError("the item '\(item.id)' is for the group '\(group)', but \(known): add it with --population-group or --group-ratios", path: needs.path)
                }
            }
        }
        self.rasters = try options.map {
            try GroupRaster(name: $0.name, path: $0.path, band: $0.band, assumeCRS: assumeCRS, population: population)
        }
        self.ratios = ratios
        self.needs = needs
        nanCounts = self.rasters.map { _ in UndeclaredNaNCount() }
        var warnings: [String] = []
        for raster in self.rasters {
            if raster.input.crsWasAssumed {
                warnings.append("\(raster.input.path): the group raster has no CRS; assuming \(assumeCRS ?? "") as --assume-crs says")
            }
            if let alignment = raster.alignment { warnings.append("\(raster.input.path): group '\(raster.name)': \(alignment)") }
        }
        if let ratios, ratios.isGeneric {
            warnings.append("\(ratios.path): these shares are generic defaults, not a census of this country: replace them with national census shares before publishing (docs/methodology.md)")
        }
        self.warnings = warnings
    }

    /// Each worker's readers, in the raster groups' order.
    func readers() throws -> [any PopulationReader] {
        try zip(rasters, nanCounts).map { try $0.makeReader(nanCount: $1) }
    }

    /// The groups' figures for hazard `h` of the pass (none for population only), over the regions
    /// `range` of the pass (one region set), whose totals are `figures` and ids `regionIDs`.
    func figures(_ result: ZonalResult, hazard h: Int?, range: Range<Int>, figures: [RegionFigures], classes: HazardClasses?,
                 regionIDs: [String]) throws -> PopulationGroups {
        var groups = PopulationGroups()
        groups.ratios = ratios
        for (g, raster) in rasters.enumerated() {
            let layer = result.groups[g]
            let regionFigures = range.map { r -> RegionFigures in
                if let h { return RegionFigures(totals: layer.hazardTotals[h][r], classes: classes) }
                var totals = RegionTotals(classCount: 0)
                totals.population = layer.populations[r]
                return RegionFigures(totals: totals, classes: nil)
            }
            groups.groups.append(GroupFigures(name: raster.name, source: .raster(raster), figures: regionFigures))
        }
        if let ratios {
            let shares = try ratios.shares(regionIDs: regionIDs)
            for (g, name) in ratios.groups.enumerated() {
                let regionFigures = figures.indices.map { figures[$0].scaled(by: shares[g][$0], classes: classes) }
                groups.groups.append(GroupFigures(name: name, source: .ratio(ratios, shares: shares[g]), figures: regionFigures))
            }
        }
        return groups
    }

    /// Each group's sums must be finite, as the population's (a raster of absurd values would give inf).
    func checkSums(_ result: ZonalResult, regionIDs: [String]) throws {
        for (g, raster) in rasters.enumerated() {
            let layer = result.groups[g]
            try PassChecks.checkSums(ZonalResult(hazardTotals: layer.hazardTotals, populations: layer.populations,
                                                 validCellsInRegions: layer.validCellsInRegions, negativeCells: layer.negativeCells,
                                                 groups: [], chunkCount: result.chunkCount),
                                     regionIDs: regionIDs, populationPath: raster.input.path)
        }
    }

    /// What to say after the pass about the group rasters: no data, negative or NaN cells, more people in a
    /// group than in the population.
    func passWarnings(_ result: ZonalResult, populations: [Double], regionIDs: [String], undeclaredNaN: [Int]? = nil) -> [String] {
        var warnings: [String] = []
        for (g, raster) in rasters.enumerated() {
            let layer = result.groups[g], path = raster.input.path
            if layer.validCellsInRegions == 0 {
                warnings.append("\(path): group '\(raster.name)': the raster has no data (only nodata) inside the regions, so the group counts nobody")
            }
            if layer.negativeCells > 0 {
                warnings.append("\(path): group '\(raster.name)': \(layer.negativeCells) cell(s) inside the regions hold a negative count; counted as zero")
            }
            if let warning = PassChecks.nanWarning(undeclaredNaN?[g] ?? nanCounts[g].value, path: path) { warnings.append(warning) }
            // A group is part of the population: more people in it than in the whole points at a wrong raster (on
            // another grid, resampling moves people between regions a little, so this says nothing there).
            guard raster.alignment == nil else { continue }
            let over = populations.indices.filter { layer.populations[$0] > populations[$0] * (1 + 1e-6) + 1e-9 }
            if !over.isEmpty {
                warnings.append("\(path): group '\(raster.name)' counts more people than the population in \(over.count) region(s) (\(RegionSet.list(over.map { regionIDs[$0] }, limit: 5))): check that it is a count of the same people on the same date")
            }
        }
        return warnings
    }
}

extension RegionFigures {
    /// The figures of a share of the region's people: every figure times `share`.
    func scaled(by share: Double, classes: HazardClasses?) -> RegionFigures {
        var totals = RegionTotals(classCount: exposedByClass.count)
        totals.population = population * share
        totals.hazardUnknown = hazardUnknown * share
        totals.exposedByClass = exposedByClass.map { $0 * share }
        return RegionFigures(totals: totals, classes: classes)
    }
}

/// Amounts of each needed item per region: amount x displaced people (or displaced people of the item's group).
enum NeedsAmounts {
    /// [item][region].
    static func amounts(_ profile: NeedsProfile, displaced: [Double], groups: PopulationGroups) -> [[Double]] {
        profile.items.map { item in
            let people = item.group.flatMap { groups.group(named: $0)?.figures.map(\.displaced) } ?? displaced
            return people.map { $0 * item.amount }
        }
    }
}
