import ExposureCore
import Foundation
import GDALSwift

/// How one hazard raster is brought onto the population grid, decided once on the main thread: whether
/// its CRS differs, how many hazard cells fit in a population cell, and so the sampling rule
/// (docs/methodology.md, "Hazard on the population grid"). Each worker makes its own sampler from it (GDAL
/// handles are per thread), and after the pass the plan says what the user should know.
/// `analyze`, `run`, `flood-extent` and the habitable mask of `grid` all use it.
public struct HazardPlan: Sendable {
    public let input: RasterInput
    public let classes: HazardClasses
    public let sameCRS: Bool
    /// Hazard cells per population cell, measured at the population grid's centre.
    public let ratio: Double
    public let mode: HazardSamplingMode
    public let populationGrid: Grid
    public let populationWKT: String

    public init(hazard input: RasterInput, classes: HazardClasses, population grid: Grid, populationCRS: SpatialReference,
                populationWKT: String) throws {
        let hazardCRS = try input.spatialReference()
        self.input = input
        self.classes = classes
        self.populationGrid = grid
        self.populationWKT = populationWKT
        sameCRS = hazardCRS.isSame(as: populationCRS)
        do {
            ratio = try HazardPlan.cellRatio(populationGrid: grid, hazard: input, sameCRS: sameCRS,
                                             populationCRS: populationCRS, hazardCRS: hazardCRS)
        } catch let error as GDALError {
            throw ExposureError("cannot be brought onto the population grid: PROJ finds no transformation from the population's CRS (\(populationCRS.name)) to this raster's (\(hazardCRS.name)): \(error.message)",
                                path: input.path)
        }
        mode = .choose(hazardCellsPerPopulationCell: ratio, sameCRS: sameCRS)
    }

    /// A sampler for one worker thread, with its own GDAL handles; `blocks`, the pass's shared block codes of
    /// this hazard (``codeBlocks(chunks:budgetBytes:)``), when there are.
    public func makeSampler(blocks: HazardCodeBlocks? = nil) throws -> HazardSampler {
        HazardSampler(populationGrid: populationGrid, classes: classes, mode: mode,
                      reader: try GDALHazardReader(input, populationCRS: populationWKT, sameCRS: sameCRS, blocks: blocks),
                      hazardCellsPerPopulationCell: ratio)
    }

    /// The block codes a pass over `chunks` (of the population grid) shares among its workers, so that each
    /// hazard block is decoded once; nil in another CRS, where the cells read follow PROJ's transformation.
    public func codeBlocks(chunks: some Sequence<GridWindow>, budgetBytes: Int) -> HazardCodeBlocks? {
        guard sameCRS else { return nil }
        return HazardCodeBlocks(hazard: input.grid, population: populationGrid, blockSize: input.blockSize, chunks: chunks,
                                budgetBytes: budgetBytes)
    }

    /// The bytes of block codes one of `hazards` hazards of a pass may hold: 128 MB shared among them.
    public static func codeBudget(hazards: Int) -> Int { (128 << 20) / max(1, hazards) }

    /// The share of people whose hazard is unknown above which a run says so. Any amount is worth saying:
    /// unknown is never safe.
    public static let unknownWarningShare = 0.0

    /// What the user should know after the pass, from this hazard's totals over all regions: the hazard
    /// unknown for everyone (it probably does not cover the regions), or for part of the population.
    public func warnings(totals: [RegionTotals]) -> [String] {
        HazardPlan.unknownWarnings(paths: [input.path], population: totals.reduce(0) { $0 + $1.population },
                                   unknown: totals.reduce(0) { $0 + $1.hazardUnknown })
    }

    public static func unknownWarnings(paths: [String], population: Double, unknown: Double) -> [String] {
        guard population > 0, unknown > unknownWarningShare * population else { return [] }
        let files = RegionSet.list(paths, limit: 2)
        if unknown >= population * (1 - 1e-9) {
            return ["\(files): the hazard is unknown (nodata or outside the raster) for everyone in the regions: check that it covers them"]
        }
        return ["\(files): hazard unknown for \(formatShare(unknown / population)) of the population (nodata or outside the hazard raster), reported as hazard_unknown"]
    }

    /// One warning per distinct share for many hazard rasters (a scenario run), naming the rasters.
    public static func unknownWarnings(_ plans: [HazardPlan], totals: [[RegionTotals]]) -> [String] {
        var byMessage: [String: [String]] = [:]
        var order: [String] = []
        for (plan, hazardTotals) in zip(plans, totals) {
            let population = hazardTotals.reduce(0) { $0 + $1.population }
            let unknown = hazardTotals.reduce(0) { $0 + $1.hazardUnknown }
            guard population > 0, unknown > unknownWarningShare * population else { continue }
            let key = unknown >= population * (1 - 1e-9) ? "all" : formatShare(unknown / population)
            if byMessage[key] == nil { order.append(key) }
            byMessage[key, default: []].append(plan.input.path)
        }
        return order.map { key in
            let paths = byMessage[key]!
            let files = "\(paths.count) hazard raster(s) (\(RegionSet.list(paths, limit: 2)))"
            if key == "all" {
                return "the hazard is unknown (nodata or outside the raster) for everyone in the regions in \(files): check that they cover them"
            }
            return "hazard unknown (nodata or outside the raster) for \(key) of the population in \(files); reported as hazard_unknown, not as exposed"
        }
    }

    public static func formatShare(_ share: Double) -> String {
        String(format: "%.2f %%", share * 100)
    }

    /// How many hazard cells cover one population cell, measured at the population grid's centre.
    public static func cellRatio(populationGrid: Grid, hazard: RasterInput, sameCRS: Bool,
                          populationCRS: SpatialReference, hazardCRS: SpatialReference) throws -> Double {
        let p = populationGrid.transform, h = hazard.grid.transform
        if sameCRS { return p.cellArea / h.cellArea }
        let column = Double(populationGrid.width / 2), row = Double(populationGrid.height / 2)
        var xs: [Double] = [], ys: [Double] = []
        for (dc, dr) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
            let point = p.mapPoint(column: column + dc, row: row + dr)
            xs.append(point.x)
            ys.append(point.y)
        }
        let transformation = try CoordinateTransformation(from: populationCRS, to: hazardCRS)
        let ok = try transformation.transform(x: &xs, y: &ys)
        guard !ok.contains(false) else { return 1 }
        var area = 0.0
        for i in 0..<4 { area += xs[i] * ys[(i + 1) % 4] - xs[(i + 1) % 4] * ys[i] }
        return abs(area) / 2 / h.cellArea
    }
}
