import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// `exposure grid`: census counts per polygon spread over a population grid (see ``CensusGridder``).
public struct CensusGridOptions: Sendable {
    public var censusPath: String
    public var layer: String?
    public var countField: String
    /// A raster whose CRS, cell size and cell alignment the grid takes (its extent grows to cover every polygon).
    public var likePath: String?
    /// Or a cell size and CRS (cells aligned on multiples of the size).
    public var resolution: Double?
    public var crs: String?
    public var maskPath: String?
    public var maskBand = 1
    public var assumeCRS: String?
    public var outputPath: String
    /// How errors name the resolution: "--resolution", or a scenario file's line.
    public var resolutionName = "--resolution"

    public init(censusPath: String, countField: String, outputPath: String) {
        self.censusPath = censusPath
        self.countField = countField
        self.outputPath = outputPath
    }
}

public struct CensusGridReport: Sendable {
    public let polygonCount: Int
    public let censusTotal: Double
    public let gridTotal: Double
    public let grid: Grid
    public let warnings: [String]
}

public enum CensusGridding {
    public static func run(_ options: CensusGridOptions, outputs: OutputSet, progress: ProgressReport? = nil) throws -> CensusGridReport {
        let crs: SpatialReference
        var alignment: GeoTransform
        var likeGrid: Grid?
        if let likePath = options.likePath {
            let like = try RasterInput(path: likePath, assumeCRS: options.assumeCRS, role: "--like")
            crs = try like.spatialReference()
            alignment = like.grid.transform
            likeGrid = like.grid
        } else if let resolution = options.resolution, let crsText = options.crs {
            guard resolution > 0 else { throw ExposureError("--resolution must be positive") }
            crs = try SpatialReference(definition: crsText)
            alignment = GeoTransform(originX: 0, originY: 0, cellWidth: resolution, cellHeight: resolution)
        } else {
            throw ExposureError("give --like RASTER, or --resolution and --crs")
        }
        var warnings: [String] = []
        let census = try RegionSet(path: options.censusPath, layer: options.layer, idField: nil, nameField: nil,
                                   targetCRS: crs, targetCellSize: min(alignment.cellWidth, alignment.cellHeight),
                                   assumeCRS: options.assumeCRS, requiredFields: [options.countField])
        warnings += census.warnings
        let countIndex = census.fieldNames.firstIndex(of: options.countField)!
        var negative: [String] = []
        let counts = census.attributes.enumerated().map { index, values -> Double in
            guard let count = values[countIndex].doubleValue, count.isFinite else {
                warnings.append("\(options.censusPath): feature \(census.ids[index]) has no number in '\(options.countField)'; counted as 0")
                return 0
            }
            if count < 0 {
                negative.append("\(census.ids[index]) (\(count))")
                return 0
            }
            return count
        }
        if !negative.isEmpty {
            warnings.append("\(options.censusPath): \(negative.count) feature(s) have a negative '\(options.countField)' (\(RegionSet.list(negative))); counted as 0")
        }
        guard counts.reduce(0, +).isFinite else {
            throw ExposureError("the counts in '\(options.countField)' add up to more than the largest number a Double holds (about 1.8e308): they cannot be counts of people", path: options.censusPath)
        }

        // The grid: the alignment's cells, covering every polygon (and the --like raster's own extent).
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for polygon in census.polygons.joined() {
            for point in polygon.joined() {
                minX = min(minX, point.x); maxX = max(maxX, point.x)
                minY = min(minY, point.y); maxY = max(maxY, point.y)
            }
        }
        guard minX.isFinite else { throw ExposureError("the census layer has no polygons", path: options.censusPath) }
        if let likeGrid {
            let b = likeGrid.bounds
            minX = min(minX, b.minX); maxX = max(maxX, b.maxX); minY = min(minY, b.minY); maxY = max(maxY, b.maxY)
        }
        let w = alignment.cellWidth, h = alignment.cellHeight
        let originX = alignment.originX + ((minX - alignment.originX) / w).rounded(.down) * w
        let originY = alignment.originY - ((alignment.originY - maxY) / h).rounded(.down) * h
        // Sized in floating point first: a tiny resolution must be an error, not an integer overflow.
        let columns = ((maxX - originX) / w).rounded(.up), rows = ((originY - minY) / h).rounded(.up)
        guard columns.isFinite, rows.isFinite, columns >= 1, rows >= 1, columns * rows < 4_000_000_000 else {
            throw ExposureError("the grid would be \(columns) x \(rows) cells (at most 4 billion); check \(options.resolutionName) and the CRS units",
                                path: options.censusPath)
        }
        let width = Int(columns), height = Int(rows)
        let grid = Grid(width: width, height: height, transform: GeoTransform(originX: originX, originY: originY, cellWidth: w, cellHeight: h))

        let shapes = census.polygons.map { RegionShape(polygons: $0, grid: grid) }
        var gridder = CensusGridder(grid: grid, shapes: shapes, counts: counts, geographic: crs.isGeographic)
        let crsWKT = try crs.wkt()
        let mask = try options.maskPath.map {
            try MaskSampler(path: $0, band: options.maskBand, grid: grid, crs: crs, crsWKT: crsWKT, assumeCRS: options.assumeCRS)
        }
        let stripHeight = max(256, (1 << 20) / max(1, width) / 256 * 256)
        let strips = stride(from: 0, to: height, by: stripHeight).map {
            GridWindow(column: 0, row: $0, width: width, height: min(stripHeight, height - $0))
        }
        var scratch = CoverageScratch()
        var fractions: [Double] = []
        // The mask is sampled again in the second pass rather than kept: keeping it would cost memory for
        // the whole grid, and the two passes are what keep memory to one strip.
        for (index, strip) in strips.enumerated() {
            if fractions.count < strip.cellCount { fractions = [Double](repeating: 0, count: strip.cellCount) }
            gridder.measure(strip, habitable: try mask?.shares(strip), scratch: &scratch, fractions: &fractions)
            progress?(Double(index + 1) / Double(strips.count * 2))
        }
        var gridTotal = 0.0, densest = 0.0
        var metadata = ["SOURCE": "exposure grid: \((options.censusPath as NSString).lastPathComponent) field \(options.countField)"]
        metadata["EXPOSURE_MANIFEST"] = try Provenance.json(
            inputs: [options.censusPath] + [options.likePath, options.maskPath].compactMap { $0 }, parameters: metadata, outputs: outputs)
        try outputs.write(options.outputPath) { temporary in
            let writer = try GridRasterWriter(
                path: temporary, grid: grid, crs: crs, type: .float64, noData: nil, description: "people per cell", unit: "people",
                metadata: metadata)
            var values: [Double] = []
            for (index, strip) in strips.enumerated() {
                if values.count < strip.cellCount { values = [Double](repeating: 0, count: strip.cellCount) }
                gridder.distribute(strip, habitable: try mask?.shares(strip), into: &values, scratch: &scratch, fractions: &fractions)
                try writer.write(strip, values: Array(values.prefix(strip.cellCount)))
                gridTotal += values.prefix(strip.cellCount).reduce(0, +)
                densest = max(densest, values.prefix(strip.cellCount).max() ?? 0)
                progress?(Double(strips.count + index + 1) / Double(strips.count * 2))
            }
            try writer.close()
        }
        try outputs.writeStyle(.people(maximum: densest), for: options.outputPath)
        for index in gridder.fullyMasked {
            warnings.append("\(options.censusPath): feature \(census.ids[index]) (\(counts[index]) people) lies entirely on masked cells; spread over its whole area instead")
        }
        for index in gridder.unplaced {
            warnings.append("\(options.censusPath): feature \(census.ids[index]) has no area; its \(counts[index]) people are not on the grid")
        }
        return CensusGridReport(polygonCount: census.count, censusTotal: counts.reduce(0, +), gridTotal: gridTotal,
                                grid: grid, warnings: warnings)
    }
}
