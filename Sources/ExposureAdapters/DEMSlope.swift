import ExposureCore
import Foundation
import GDALSwift

/// Slope in degrees of a DEM on a scene's grid, read window by window: the DEM is read with the same rules
/// as every input (nodata in its own type, its mask band) into a Float32 copy whose nodata gdaldem honours,
/// gdaldem computes the slope on the DEM's own grid (`-compute_edges`; `-s 111120` on a geographic DEM) into
/// a second file, and a warped VRT resamples it bilinearly onto the scene's grid as it is read. The two files
/// are GeoTIFFs at the given scratch paths (the caller removes them); memory stays at a strip of the DEM.
/// The values are those of the in-memory ``SceneReader/slope(fromDEM:)``.
public final class DEMSlope {
    public let demPath: String
    public let grid: Grid
    /// What each thread opens its reader from.
    public let source: DEMSlopeSource
    /// Whether the DEM has no elevation at all (every cell nodata, masked or NaN).
    public let noElevation: Bool

    public init(demPath: String, grid: Grid, crs: SpatialReference, scratch: (copy: String, slope: String)) throws {
        self.demPath = demPath
        self.grid = grid
        let input = try RasterInput(path: demPath, band: 1, role: "DEM")
        let demCRS = try input.spatialReference()
        var anyElevation = false
        let copy = try Driver.named("GTiff").createRaster(
            path: scratch.copy, width: input.grid.width, height: input.grid.height, bands: 1, type: .float32,
            options: ["TILED=YES", "COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=3", "BIGTIFF=IF_SAFER"])
        try copy.setGeoTransform(input.grid.transform.coefficients)
        try copy.setSpatialReference(demCRS)
        let band = try copy.band(1)
        try band.setNoDataValue(.nan)
        let reader = try input.openReader()
        var values: [Double] = []
        let stripHeight = max(1, (1 << 20) / max(1, input.grid.width))
        for row in stride(from: 0, to: input.grid.height, by: stripHeight) {
            let strip = GridWindow(column: 0, row: row, width: input.grid.width, height: min(stripHeight, input.grid.height - row))
            try reader.read(strip, into: &values)
            let elevations = values.prefix(strip.cellCount).map { Float($0) }
            if !anyElevation { anyElevation = elevations.contains { !$0.isNaN } }
            try band.write(strip, values: elevations)
        }
        try copy.close()
        do {
            var arguments = ["-of", "GTiff", "-compute_edges", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "ZLEVEL=1",
                             "-co", "PREDICTOR=3", "-co", "BIGTIFF=IF_SAFER"]
            if demCRS.isGeographic { arguments += ["-s", "111120"] }
            let slope = try Utilities.demProcessing(try Dataset.open(scratch.copy, kinds: .raster), processing: "slope",
                                                    arguments: arguments, destination: scratch.slope)
            try slope.close()
            let file = MemoryFile(extension: "vrt")
            let b = grid.bounds
            let warped = try Utilities.warp(try Dataset.open(scratch.slope, kinds: .raster), arguments: [
                "-of", "VRT", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
                "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)", "-ts", "\(grid.width)", "\(grid.height)", "-t_srs", try crs.wkt(),
            ], destination: file.path)
            try warped.close()
            source = DEMSlopeSource(demPath: demPath, file: file)
        } catch let error as GDALError {
            throw ExposureError("cannot compute the slope (gdaldem slope, then resampled onto the scene): \(error.message)", path: demPath)
        }
        noElevation = !anyElevation
    }

    /// The warnings about the DEM, once every pixel of the grid has been read once and `known` of them had a
    /// slope: no elevation at all, no slope on the scene, or none on more than a tenth of it.
    public func warnings(known: Int) -> [String] {
        if noElevation {
            return ["\(demPath): the DEM has no elevation at all (every cell is nodata, masked or NaN): no pixel is removed as steep"]
        }
        // A DEM beside the scene, or too small for a slope (a single cell), gives none: say so rather than
        // remove nothing quietly.
        let count = grid.cellCount
        if known == 0 {
            return ["\(demPath): the DEM gives no slope on the scene (it does not cover it, or is too small to have a slope): no pixel is removed as steep"]
        } else if known * 10 < count * 9 {
            let share = String(format: "%.1f", Double(count - known) / Double(count) * 100)
            return ["\(demPath): the DEM gives no slope on \(share) % of the scene's pixels (it does not cover them, or has no elevation there); none of those is removed as steep"]
        }
        return []
    }
}

/// What a thread needs to open its own reader of a ``DEMSlope`` (no GDAL handle: Sendable).
public struct DEMSlopeSource: Sendable {
    public let demPath: String
    /// The file readers open: the warped VRT, or a copy of its values.
    let readablePath: String
    /// The warped VRT, kept while any source lives.
    let file: MemoryFile

    init(demPath: String, file: MemoryFile, readablePath: String? = nil) {
        self.demPath = demPath
        self.file = file
        self.readablePath = readablePath ?? file.path
    }

    /// The warped VRT for one thread (to copy its values once: see ``reading(copy:)``).
    public func openWarped() throws -> Dataset {
        do {
            return try Dataset.open(file.path, kinds: .raster)
        } catch let error as GDALError {
            throw ExposureError("cannot compute the slope (gdaldem slope, then resampled onto the scene): \(error.message)", path: demPath)
        }
    }

    /// The slope read from band 1 of a Float32 GeoTIFF holding the warped VRT's values: the same values, each
    /// block warped once.
    public func reading(copy path: String) -> DEMSlopeSource {
        DEMSlopeSource(demPath: demPath, file: file, readablePath: path)
    }

    /// A reader for the calling thread, with its own GDAL handle.
    public func makeReader() throws -> DEMSlopeReader {
        do {
            return DEMSlopeReader(source: self, band: try Dataset.open(readablePath, kinds: .raster).band(1))
        } catch let error as GDALError {
            throw ExposureError("cannot compute the slope (gdaldem slope, then resampled onto the scene): \(error.message)", path: demPath)
        }
    }
}

/// Reads windows of a DEM's slope on the scene's grid (degrees, NaN where there is none) for one thread.
public final class DEMSlopeReader {
    public let source: DEMSlopeSource
    private let band: RasterBand

    init(source: DEMSlopeSource, band: RasterBand) {
        self.source = source
        self.band = band
    }

    /// Fills `values[0..<window.cellCount]` (grown if shorter) with the slope of `window`.
    public func read(_ window: GridWindow, into values: inout [Float]) throws {
        if values.count < window.cellCount { values = [Float](repeating: .nan, count: window.cellCount) }
        do {
            try values.withUnsafeMutableBufferPointer { try band.read(window, into: $0) }
        } catch let error as GDALError {
            throw ExposureError("cannot compute the slope (gdaldem slope, then resampled onto the scene): \(error.message)", path: source.demPath)
        }
    }
}
