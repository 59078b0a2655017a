import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// `exposure inundate`: coastal flood depth from a DEM and a water level (see ``CoastalInundation``).
public struct InundationOptions: Sendable {
    public var demPath: String
    public var band = 1
    public var seaLevel: Double
    /// A raster marking the sea (value >= 0.5), sampled at the DEM's cell centres.
    public var seaMaskPath: String?
    /// Or edges of the DEM that touch the sea.
    public var seaEdges: Set<CoastalInundation.Edge> = []
    public var assumeCRS: String?
    public var outputPath: String
    /// Rows per strip; nil chooses them from the DEM's width (tests force tiny strips: results never depend on it).
    public var stripRows: Int?
    /// Threads labelling strips; nil uses every core (results never depend on it).
    public var threads: Int?
    /// Told the share of the work done (0...1) as strips finish: a progress bar.
    public var progress: ProgressReport?

    public init(demPath: String, seaLevel: Double, outputPath: String) {
        self.demPath = demPath
        self.seaLevel = seaLevel
        self.outputPath = outputPath
    }
}

public struct InundationReport: Sendable {
    public let floodedCells: Int
    public let maxDepth: Double
    public let grid: Grid
    /// What looks wrong (an empty sea, a DEM without data or with NaN cells, an absurd level), each naming the file.
    public let warnings: [String]
}

/// The DEM is streamed by strips of rows in two passes (see ``StripInundation``): pass 1 labels each strip's
/// cells below every water level (on all cores) and merges the components across strip boundaries in order;
/// pass 2 labels the strips again and writes the depths of every level. The DEM (and the sea mask) is read
/// twice whatever the number of levels; memory is a few strips per thread plus the components that cross
/// strip boundaries, whatever the DEM's size.
public enum InundationMapping {
    /// Bytes of working memory a strip may take (its elevations, labels, sea mask and depths of every level).
    static let stripBytes = 48 << 20
    /// The depth rasters' tile height (``GridRasterWriter``).
    static let outputTileRows = 256

    /// Rows per strip: whole output tile rows (256) when they fit in ``stripBytes``, otherwise a divisor of 256.
    static func stripRows(width: Int, levels: Int, mask: Bool) -> Int {
        let bytesPerCell = 8 + 4 + 4 * levels + (mask ? 9 : 0)
        let fit = max(1, stripBytes / bytesPerCell / max(1, width))
        if fit >= outputTileRows { return fit / outputTileRows * outputTileRows }
        var rows = outputTileRows
        while rows > fit { rows /= 2 }
        return rows
    }

    public static func run(_ options: InundationOptions, outputs: OutputSet) throws -> InundationReport {
        try run(options, levels: [(options.seaLevel, options.outputPath)], outputs: outputs)[0]
    }

    /// One thread's readers and buffers (its own GDAL handles).
    private struct StripReader {
        let reader: RasterCellReader
        let mask: MaskSampler?
        var labeler = StripLabeler()
        /// Reused from strip to strip (reallocated only for the shorter last strip).
        private var elevation: [Double] = []

        init(dem: RasterInput, options: InundationOptions) throws {
            reader = try dem.openReader()
            if let maskPath = options.seaMaskPath {
                mask = try MaskSampler(path: maskPath, band: 1, grid: dem.grid, crs: dem.spatialReference(), crsWKT: dem.crsWKT,
                                       assumeCRS: options.assumeCRS)
            } else {
                mask = nil
            }
        }

        /// The strip's elevations (NaN where none), its seeds, and the NaN cells not declared nodata.
        mutating func read(_ rows: Range<Int>, grid: Grid, edges: Set<CoastalInundation.Edge>) throws -> (elevation: [Double], seeds: StripSeeds, nan: Int) {
            let window = GridWindow(column: 0, row: rows.lowerBound, width: grid.width, height: rows.count)
            if elevation.count != window.cellCount { elevation = [Double](repeating: 0, count: window.cellCount) }
            let before = reader.undeclaredNaN
            try reader.read(window, into: &elevation)
            let seeds: StripSeeds
            if let mask {
                seeds = StripSeeds(mask: try mask.shares(window).map { $0 >= 0.5 })
            } else {
                seeds = StripSeeds(edges: edges, firstRow: rows.lowerBound, rows: rows.count, height: grid.height)
            }
            return (elevation, seeds, reader.undeclaredNaN - before)
        }
    }

    /// What pass 1 keeps of a strip.
    private struct LabelledStrip: Sendable {
        var summaries: [StripSummary]
        var nan: Int
        var anyElevation: Bool
        var anySea: Bool
    }

    /// Several water levels over one DEM (read twice whatever their number): one depth raster per level.
    public static func run(_ options: InundationOptions, levels: [(level: Double, output: String)],
                           outputs: OutputSet) throws -> [InundationReport] {
        guard levels.allSatisfy({ $0.level.isFinite }) else { throw ExposureError("water levels must be numbers") }
        let dem = try RasterInput(path: options.demPath, band: options.band, assumeCRS: options.assumeCRS, role: "DEM")
        let grid = dem.grid
        let crs = try dem.spatialReference()
        guard options.seaMaskPath != nil || !options.seaEdges.isEmpty else {
            throw ExposureError("say where the sea is: --sea MASK or --sea-edge north|south|east|west")
        }
        let edges = options.seaEdges
        let values = levels.map(\.level)
        let stripRows = options.stripRows ?? stripRows(width: grid.width, levels: levels.count, mask: options.seaMaskPath != nil)
        let layout = StripLayout(height: grid.height, rows: stripRows)
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        // Opens the mask once here so that a bad mask fails before any work.
        if options.seaMaskPath != nil { _ = try StripReader(dem: dem, options: options) }
        // Strips of whole tile rows read each DEM block once and fill each output block at once: a small block
        // cache will do. Tile rows that strips straddle are held in it until complete: the outputs' (one per
        // level) and each thread's DEM tile row (at 4 bytes a cell: a wider DEM type may decode twice).
        let straddled = stripRows % outputTileRows == 0 ? 0 : (levels.count + threads) * 4 * grid.width * outputTileRows
        let cacheBytes = (16 << 20) + straddled

        let progress = options.progress.map { PassProgress(passes: 2, report: $0) }
        return try GDALEnvironment.withCacheSize(bytes: cacheBytes) {
            // Pass 1: label every strip at every level, merge in order.
            let first = progress?.beginPass()
            var mergers = levels.map { _ in StripMerger(width: grid.width) }
            var nan = 0, anyElevation = false, anySea = false
            try OrderedPipeline.run(
                count: layout.count, threads: threads,
                makeState: { try StripReader(dem: dem, options: options) },
                work: { reader, s in
                    let (elevation, seeds, nan) = try reader.read(layout.rows(of: s), grid: grid, edges: edges)
                    var summaries: [StripSummary] = []
                    for level in values {
                        reader.labeler.label(elevation, width: grid.width, level: level, seeds: seeds)
                        summaries.append(reader.labeler.summary())
                    }
                    return LabelledStrip(summaries: summaries, nan: nan, anyElevation: elevation.contains { !$0.isNaN },
                                         anySea: seeds.mask?.contains(true) ?? false)
                },
                consume: { s, strip in
                    if let progress, let first { progress.update(pass: first, done: s + 1, of: layout.count) }
                    for l in mergers.indices { mergers[l].add(strip.summaries[l]) }
                    nan += strip.nan
                    anyElevation = anyElevation || strip.anyElevation
                    anySea = anySea || strip.anySea
                })
            let connectivity = mergers.indices.map { mergers[$0].finish() }
            mergers = []

            var warnings: [String] = []
            if !anyElevation {
                warnings.append("\(options.demPath): the DEM has no elevation at all (every cell is nodata, masked or NaN): nothing can flood")
            } else if nan > 0 {
                warnings.append("\(options.demPath): \(nan) DEM cell(s) hold NaN (not declared nodata); treated as no data, never flooded")
            }
            if let maskPath = options.seaMaskPath, !anySea {
                warnings.append("\(maskPath): the sea mask marks no cell of the DEM as sea (value >= 0.5): nothing can be flooded")
            }
            for level in values where abs(level) > 100 {
                warnings.append("\(options.demPath): a water level of \(level) m is far outside coastal flooding; check the level (metres in the DEM's datum)")
                break
            }

            // Pass 2: label again, write every level's depths (one writer per level, all open together).
            let noData = -9999.0
            let deepest = zip(values, connectivity).map { $1.maxDepth(level: $0) }
            func pass2(_ writers: [GridRasterWriter]) throws {
                let second = progress?.beginPass()
                try OrderedPipeline.run(
                    count: layout.count, threads: threads, ahead: threads + 1,
                    makeState: { try StripReader(dem: dem, options: options) },
                    work: { reader, s in
                        let (elevation, seeds, _) = try reader.read(layout.rows(of: s), grid: grid, edges: edges)
                        return values.indices.map { l in
                            reader.labeler.label(elevation, width: grid.width, level: values[l], seeds: seeds)
                            return reader.labeler.depths(elevation, level: values[l], strip: s, connectivity: connectivity[l],
                                                         noData: Float(noData))
                        }
                    },
                    consume: { s, depths in
                        let rows = layout.rows(of: s)
                        let window = GridWindow(column: 0, row: rows.lowerBound, width: grid.width, height: rows.count)
                        for (writer, strip) in zip(writers, depths) { try writer.write(window, values: strip) }
                        if let progress, let second { progress.update(pass: second, done: s + 1, of: layout.count) }
                    })
            }
            func write(_ l: Int, _ writers: [GridRasterWriter]) throws {
                guard l < levels.count else { return try pass2(writers) }
                let (level, output) = levels[l]
                try outputs.writeRaster(output, grid: grid, crs: crs, type: .float32, noData: noData,
                                        description: "coastal inundation depth (water level \(level) m, connected to the sea)", unit: "m",
                                        metadata: ["WATER_LEVEL": String(level), "DEM": (options.demPath as NSString).lastPathComponent],
                                        style: .depth(maximum: deepest[l]), inputs: [options.demPath] + [options.seaMaskPath].compactMap { $0 }) { writer in
                    try write(l + 1, writers + [writer])
                    return [:]
                }
            }
            try write(0, [])
            return levels.indices.map {
                InundationReport(floodedCells: connectivity[$0].flooded, maxDepth: deepest[$0], grid: grid, warnings: warnings)
            }
        }
    }
}
