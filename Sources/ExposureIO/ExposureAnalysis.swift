import ExposureCore
import Foundation
import GDALSwift

/// What to analyse: the inputs and parameters of `exposure analyze`.
public struct AnalysisOptions: Sendable {
    public var populationPath: String
    public var populationBand = 1
    public var regionsPath: String
    public var layer: String?
    public var idField: String
    public var nameField: String?
    public var hazardPath: String?
    public var hazardBand = 1
    public var classes: HazardClasses?
    public var assumeCRS: String?
    public var threads: Int

    public init(populationPath: String, regionsPath: String, idField: String, threads: Int) {
        self.populationPath = populationPath
        self.regionsPath = regionsPath
        self.idField = idField
        self.threads = threads
    }
}

/// The outcome of an analysis: one row of figures per region, and what is needed to trace them.
public struct AnalysisResult {
    public let options: AnalysisOptions
    public let regions: RegionSet
    public let figures: [RegionFigures]
    public let population: RasterInput
    public let hazard: RasterInput?
    public let samplingMode: HazardSamplingMode?
    public let warnings: [String]
    public let seconds: Double
    public let chunkCount: Int

    public var classes: HazardClasses? { options.classes }

    /// The same result with its warnings rewritten (e.g. a temporary file's name replaced by the output's).
    public func mappingWarnings(_ transform: (String) -> String) -> AnalysisResult {
        AnalysisResult(options: options, regions: regions, figures: figures, population: population, hazard: hazard,
                       samplingMode: samplingMode, warnings: warnings.map(transform), seconds: seconds, chunkCount: chunkCount)
    }
}

/// Population (and hazard exposure and displacement) per region, in one streaming pass.
public enum ExposureAnalysis {
    public static func run(_ options: AnalysisOptions, progress: TerminalProgress? = nil) throws -> AnalysisResult {
        let start = Date()
        var warnings: [String] = []
        let population = try RasterInput(path: options.populationPath, band: options.populationBand,
                                         assumeCRS: options.assumeCRS, role: "population")
        if population.crsWasAssumed {
            warnings.append("\(population.path): the population raster has no CRS; assuming \(options.assumeCRS ?? "") as --assume-crs says")
        }
        let populationCRS = try population.spatialReference()
        let regions = try RegionSet(path: options.regionsPath, layer: options.layer, idField: options.idField,
                                    nameField: options.nameField, targetCRS: populationCRS, assumeCRS: options.assumeCRS)
        warnings += regions.warnings
        let shapes = regions.polygons.map { RegionShape(polygons: $0, grid: population.grid) }

        let outside = shapes.indices.filter { shapes[$0].cellWindow.isEmpty && !regions.polygons[$0].isEmpty }
        if outside.count == shapes.count {
            let b = population.grid.bounds
            throw ExposureError(
                "no region overlaps the population grid (grid extent \(b.minX), \(b.minY) - \(b.maxX), \(b.maxY) in \(population.crsName)); check that the regions and the raster cover the same place",
                path: options.regionsPath)
        }
        if !outside.isEmpty {
            let sample = outside.prefix(5).map { regions.ids[$0] }.joined(separator: ", ")
            warnings.append("\(options.regionsPath): \(outside.count) region(s) lie entirely outside the population grid and get zero population (\(sample)\(outside.count > 5 ? ", ..." : ""))")
        }

        var hazard: RasterInput?
        var mode: HazardSamplingMode?
        var hazardCellsPerPopulationCell = 1.0
        var sameCRS = true
        if let hazardPath = options.hazardPath {
            guard options.classes != nil else { throw ExposureError("a hazard needs classes: give --classes or --preset") }
            let input = try RasterInput(path: hazardPath, band: options.hazardBand, assumeCRS: options.assumeCRS, role: "hazard")
            if input.crsWasAssumed {
                warnings.append("\(hazardPath): the hazard raster has no CRS; assuming \(options.assumeCRS ?? "") as --assume-crs says")
            }
            let hazardCRS = try input.spatialReference()
            sameCRS = hazardCRS.isSame(as: populationCRS)
            hazardCellsPerPopulationCell = try cellRatio(populationGrid: population.grid, hazard: input, sameCRS: sameCRS,
                                                         populationCRS: populationCRS, hazardCRS: hazardCRS)
            mode = HazardSamplingMode.choose(hazardCellsPerPopulationCell: hazardCellsPerPopulationCell, sameCRS: sameCRS)
            hazard = input
        }

        let engine = ZonalEngine(grid: population.grid, regions: shapes, classes: hazard == nil ? nil : options.classes,
                                 blockSize: population.blockSize)
        let classes = options.classes
        let hazardInput = hazard, samplingMode = mode, ratio = hazardCellsPerPopulationCell, same = sameCRS
        let populationWKT = population.crsWKT, grid = population.grid
        let result = try GDALEnvironment.withCacheSize(bytes: streamingCacheBytes) { try engine.run(
            threads: options.threads,
            makeInputs: {
                let reader = try GDALPopulationReader(population)
                var sampler: HazardSampler?
                if let hazardInput, let classes, let samplingMode {
                    let hazardReader = try GDALHazardReader(hazardInput, populationCRS: populationWKT, sameCRS: same)
                    sampler = HazardSampler(populationGrid: grid, classes: classes, mode: samplingMode,
                                            reader: hazardReader, hazardCellsPerPopulationCell: ratio)
                }
                return WorkerInputs(population: reader, hazard: sampler)
            },
            progress: { done, total in progress?.update(Double(done) / Double(max(total, 1))) }) }
        progress?.finish()

        if result.validCellsInRegions == 0 {
            throw ExposureError("the population raster has no data (only nodata) inside the regions", path: options.populationPath)
        }
        if result.negativeCells > 0 {
            warnings.append("\(options.populationPath): \(result.negativeCells) cell(s) inside the regions hold a negative population; counted as zero")
        }
        let figures = result.totals.map { RegionFigures(totals: $0, classes: hazard == nil ? nil : options.classes) }
        if let hazardPath = options.hazardPath {
            let total = figures.reduce(0) { $0 + $1.population }
            let unknown = figures.reduce(0) { $0 + $1.hazardUnknown }
            if total > 0 && unknown >= total * (1 - 1e-9) {
                warnings.append("\(hazardPath): the hazard is unknown (nodata or outside the raster) for everyone in the regions: check that it covers them")
            } else if total > 0 && unknown > 0 {
                warnings.append("\(hazardPath): hazard unknown for \(formatShare(unknown / total)) of the population (nodata or outside the hazard raster), reported as hazard_unknown")
            }
        }
        return AnalysisResult(options: options, regions: regions, figures: figures, population: population, hazard: hazard,
                              samplingMode: mode, warnings: warnings, seconds: Date().timeIntervalSince(start),
                              chunkCount: result.chunkCount)
    }

    /// How many hazard cells cover one population cell, measured at the population grid's centre.
    static func cellRatio(populationGrid: Grid, hazard: RasterInput, sameCRS: Bool,
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

    /// Each block is read once, so a large block cache only costs memory: 64 MB during a pass, unless
    /// GDAL_CACHEMAX says otherwise.
    static let streamingCacheBytes = 64 << 20

    static func formatShare(_ share: Double) -> String {
        String(format: "%.2f %%", share * 100)
    }
}
