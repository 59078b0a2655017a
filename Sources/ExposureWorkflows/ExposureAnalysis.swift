import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// How a workflow says how far it is: the fraction done, 0...1, possibly from several threads. The CLI
/// draws it as a progress bar; a library user may ignore it.
public typealias ProgressReport = @Sendable (Double) -> Void

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
    /// Regions whose share of people with the hazard unknown is above this are "hazard data incomplete":
    /// hatched in styles and maps, named in the summary, their exposed read as a lower bound.
    public var unknownThreshold = AnalysisOptions.defaultUnknownThreshold
    public static let defaultUnknownThreshold = 0.05
    /// Population groups from rasters (`--population-group NAME=RASTER`), summed in the same pass.
    public var groupRasters: [GroupRasterOption] = []
    /// Population groups from shares (`--group-ratios FILE`), applied to the figures after the pass.
    public var groupRatiosPath: String?
    /// Minimum needs of displaced people (`--needs PROFILE`).
    public var needsPath: String?

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
    /// Population groups, from rasters first (in the order given), then from ratios (in the file's order).
    public var groups: PopulationGroups = PopulationGroups()
    /// The needs profile, when `--needs` was given (needs are computed from the figures).
    public var needs: NeedsProfile?
    /// The parts the figures were added up from (`exposure merge`), nil for a single pass.
    public var mergedFrom: MergedParts?

    public var classes: HazardClasses? { options.classes }

    /// The indices of regions whose hazard is unknown for more than the threshold's share of their people.
    public var incompleteRegions: [Int] {
        guard hazard != nil else { return [] }
        return figures.indices.filter {
            figures[$0].population > 0 && figures[$0].hazardUnknown / figures[$0].population > options.unknownThreshold
        }
    }

    /// The same result with its warnings rewritten (e.g. a temporary file's name replaced by the output's).
    public func mappingWarnings(_ transform: (String) -> String) -> AnalysisResult {
        var result = AnalysisResult(options: options, regions: regions, figures: figures, population: population, hazard: hazard,
                                    samplingMode: samplingMode, warnings: warnings.map(transform), seconds: seconds, chunkCount: chunkCount)
        result.groups = groups
        result.needs = needs
        result.mergedFrom = mergedFrom
        return result
    }
}

/// Population (and hazard exposure and displacement) per region, in one streaming pass.
public enum ExposureAnalysis {
    public static func run(_ options: AnalysisOptions, progress: ProgressReport? = nil) throws -> AnalysisResult {
        let prepared = try prepare(options)
        let pass = try prepared.pass(chunks: nil, progress: progress)
        return try prepared.finish(pass)
    }

    /// Everything checked and planned before the pass: inputs, regions on the population grid, hazard and
    /// group plans, the engine and its chunks. `exposure merge` prepares again from the same options and
    /// finishes with the parts' sums.
    struct Prepared {
        let options: AnalysisOptions
        let start: Date
        let population: RasterInput
        let regions: RegionSet
        let shapes: [RegionShape]
        let plan: HazardPlan?
        let groupPlan: GroupPlan
        private(set) var engine: ZonalEngine
        /// How the grid was cut into chunks when not as usual (parts of a small grid need smaller chunks).
        private(set) var chunking: Chunking?
        let warnings: [String]

        /// Chunks of about `targetCells` cells made of `blockWidth x blockHeight` units.
        struct Chunking: Codable, Sendable, Equatable {
            var targetCells: Int
            var blockWidth: Int
            var blockHeight: Int
        }

        /// The chunking that gives `parts` parts at least two chunks each: the usual one when the grid has enough
        /// chunks, else chunks of rows and columns smaller than a block (still never sharing a cell).
        mutating func chunk(forParts parts: Int) {
            guard engine.chunks.count < 2 * parts else { return }
            let cells = population.grid.cellCount
            use(Chunking(targetCells: max(64, cells / (8 * parts)), blockWidth: 1, blockHeight: 1))
        }

        mutating func use(_ chunking: Chunking?) {
            self.chunking = chunking
            engine = ExposureAnalysis.engine(population: population, shapes: shapes, classes: plan?.classes,
                                             groupCount: groupPlan.rasters.count, chunking: chunking)
        }

        /// The sums of one pass (over the chunks in `chunks`, all by default) and what the readers counted.
        struct Pass: Sendable {
            let result: ZonalResult
            let undeclaredNaN: Int
            let groupUndeclaredNaN: [Int]
        }

        func pass(chunks: Range<Int>?, progress: ProgressReport?) throws -> Pass {
            let population = self.population, hazardPlan = plan, groupPlan = self.groupPlan
            let nanCount = UndeclaredNaNCount()
            let blocks = hazardPlan?.codeBlocks(chunks: engine.chunks[chunks ?? engine.chunks.indices],
                                                budgetBytes: HazardPlan.codeBudget(hazards: 1))
            let result = try GDALEnvironment.withCacheSize(bytes: ExposureAnalysis.streamingCacheBytes) { try engine.run(
                threads: options.threads, chunks: chunks,
                makeInputs: {
                    WorkerInputs(population: try GDALPopulationReader(population, nanCount: nanCount),
                                 groups: try groupPlan.readers(),
                                 hazard: try hazardPlan?.makeSampler(blocks: blocks))
                },
                progress: { done, total in progress?(Double(done) / Double(max(total, 1))) }) }
            return Pass(result: result, undeclaredNaN: nanCount.value, groupUndeclaredNaN: groupPlan.nanCounts.map(\.value))
        }

        /// The figures, groups and warnings of a complete pass.
        func finish(_ pass: Pass) throws -> AnalysisResult {
            let result = pass.result
            var warnings = self.warnings
            try PassChecks.checkSums(result, regionIDs: regions.ids, populationPath: options.populationPath)
            try groupPlan.checkSums(result, regionIDs: regions.ids)
            if let warning = PassChecks.nanWarning(pass.undeclaredNaN, path: options.populationPath) { warnings.append(warning) }
            if result.validCellsInRegions == 0 {
                throw ExposureError("the population raster has no data (only nodata) inside the regions", path: options.populationPath)
            }
            if result.negativeCells > 0 {
                warnings.append("\(options.populationPath): \(result.negativeCells) cell(s) inside the regions hold a negative population; counted as zero")
            }
            let figures = result.totals.map { RegionFigures(totals: $0, classes: plan?.classes) }
            if let plan { warnings += plan.warnings(totals: result.totals) }
            warnings += groupPlan.passWarnings(result, populations: result.populations, regionIDs: regions.ids,
                                               undeclaredNaN: pass.groupUndeclaredNaN)
            let groups = try groupPlan.figures(result, hazard: plan == nil ? nil : 0, range: regions.ids.indices, figures: figures,
                                               classes: plan?.classes, regionIDs: regions.ids)
            var analysis = AnalysisResult(options: options, regions: regions, figures: figures, population: population, hazard: plan?.input,
                                          samplingMode: plan?.mode, warnings: warnings, seconds: Date().timeIntervalSince(start),
                                          chunkCount: result.chunkCount)
            analysis.groups = groups
            analysis.needs = groupPlan.needs
            return analysis
        }
    }

    static func prepare(_ options: AnalysisOptions) throws -> Prepared {
        let start = Date()
        // The manifest's checksums, hashed while the regions are read and the pass planned.
        ChecksumPrefetch.shared.start([options.populationPath, options.regionsPath] + [options.hazardPath].compactMap { $0 }
                                      + options.groupRasters.map(\.path) + [options.groupRatiosPath, options.needsPath].compactMap { $0 })
        var warnings: [String] = []
        let population = try RasterInput(path: options.populationPath, band: options.populationBand,
                                         assumeCRS: options.assumeCRS, role: "population")
        if population.crsWasAssumed {
            warnings.append("\(population.path): the population raster has no CRS; assuming \(options.assumeCRS ?? "") as --assume-crs says")
        }
        let populationCRS = try population.spatialReference()
        let regions = try RegionSet(path: options.regionsPath, layer: options.layer, idField: options.idField,
                                    nameField: options.nameField, targetCRS: populationCRS,
                                    targetCellSize: min(population.grid.transform.cellWidth, population.grid.transform.cellHeight),
                                    assumeCRS: options.assumeCRS)
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

        var plan: HazardPlan?
        if let hazardPath = options.hazardPath {
            guard let classes = options.classes else { throw ExposureError("a hazard needs classes: give --classes or --preset") }
            let input = try RasterInput(path: hazardPath, band: options.hazardBand, assumeCRS: options.assumeCRS, role: "hazard")
            if input.crsWasAssumed {
                warnings.append("\(hazardPath): the hazard raster has no CRS; assuming \(options.assumeCRS ?? "") as --assume-crs says")
            }
            plan = try HazardPlan(hazard: input, classes: classes, population: population.grid, populationCRS: populationCRS,
                                  populationWKT: population.crsWKT)
        }
        // Groups and needs are checked before the pass: a mistake in them should not cost a national pass.
        let groupPlan = try GroupPlan(rasters: options.groupRasters, ratiosPath: options.groupRatiosPath, needsPath: options.needsPath,
                                      hasHazard: plan != nil, assumeCRS: options.assumeCRS, population: population)
        warnings += groupPlan.warnings

        let engine = ExposureAnalysis.engine(population: population, shapes: shapes, classes: plan?.classes,
                                             groupCount: groupPlan.rasters.count, chunking: nil)
        return Prepared(options: options, start: start, population: population, regions: regions, shapes: shapes, plan: plan,
                        groupPlan: groupPlan, engine: engine, chunking: nil, warnings: warnings)
    }

    static func engine(population: RasterInput, shapes: [RegionShape], classes: HazardClasses?, groupCount: Int,
                       chunking: Prepared.Chunking?) -> ZonalEngine {
        guard let chunking else {
            return ZonalEngine(grid: population.grid, regions: shapes, classes: classes, groupCount: groupCount, blockSize: population.blockSize)
        }
        return ZonalEngine(grid: population.grid, regions: shapes, classes: classes, groupCount: groupCount,
                           blockSize: (chunking.blockWidth, chunking.blockHeight), targetChunkCells: chunking.targetCells)
    }

    /// Each population block is read once, so a large block cache only costs memory: 64 MB during a pass,
    /// unless GDAL_CACHEMAX says otherwise.
    static let streamingCacheBytes = 64 << 20

    /// A hazard block is read by every chunk it overlaps (chunks are made of population blocks): with many
    /// hazards whose blocks are not shared through ``HazardCodeBlocks`` (those in another CRS), 4 MB more per
    /// hazard keeps the blocks neighbouring chunks share (up to 160 MB in all).
    static func streamingCacheBytes(hazards: Int) -> Int {
        min(160 << 20, streamingCacheBytes + max(0, hazards - 1) * (4 << 20))
    }
}
