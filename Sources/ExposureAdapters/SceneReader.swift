import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// A multiband scene (optical reflectance or SAR backscatter) read as Float32 values with invalid pixels as
/// NaN: nodata, masked (mask or alpha band), zero (fill) and, for integer data, saturated pixels (the type's
/// maximum). The declared scale and offset are applied. Optionally resampled (bilinear, through a warped VRT
/// that gdalwarp computes block by block as it is read) onto another grid.
///
/// Read window by window (``bandReader(_:)``, one reader per thread, each with its own GDAL handle) or a whole
/// band at once (``band(_:)``, for small scenes).
public final class SceneReader {
    public let path: String
    public let grid: Grid
    public let crs: SpatialReference
    public let bandCount: Int
    private let source: Dataset
    /// What readers open: the scene itself, or the warped VRT (a GDAL memory file) on the target grid.
    private let readablePath: String
    private let warpedFile: MemoryFile?

    /// ``band(_:)`` and ``slope(fromDEM:)`` hold a whole band in memory (about 4 bytes per pixel); window reads
    /// have no limit.
    public static let maxPixels = 150_000_000

    public init(path: String, assumeCRS: String?, onto target: (grid: Grid, crs: SpatialReference)? = nil) throws {
        self.path = path
        source = try Dataset.open(path, kinds: .raster)
        guard source.bandCount > 0 else { throw ExposureError("the scene has no raster bands", path: path) }
        guard let coefficients = try source.geoTransform() else { throw ExposureError("the scene has no georeference", path: path) }
        let ownGrid = Grid(width: source.width, height: source.height, transform: try GeoTransform(coefficients: coefficients, path: path))
        let fileCRS = try source.spatialReference()
        var srs = fileCRS
        if srs == nil, let assumeCRS { srs = try SpatialReference(definition: assumeCRS) }
        guard let ownCRS = srs else {
            throw ExposureError("the scene has no CRS; give one with --assume-crs", path: path)
        }
        bandCount = source.bandCount
        if let target, !(target.grid == ownGrid && target.crs.isSame(as: ownCRS)) {
            let b = target.grid.bounds
            var arguments = ["-of", "VRT", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
                             "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                             "-ts", "\(target.grid.width)", "\(target.grid.height)", "-t_srs", try target.crs.wkt()]
            if fileCRS == nil { arguments += ["-s_srs", try ownCRS.wkt()] }
            // The VRT names the scene by the path it was opened with: absolute, so any thread opens the same file.
            let absolute = path.hasPrefix("/") || !FileManager.default.fileExists(atPath: path)
                ? path : FileManager.default.currentDirectoryPath + "/" + path
            let file = MemoryFile(extension: "vrt")
            do {
                let opened = absolute == path ? source : try Dataset.open(absolute, kinds: .raster)
                let warped = try Utilities.warp(opened, arguments: arguments, destination: file.path)
                try warped.close()
            } catch let error as GDALError {
                throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: path)
            }
            warpedFile = file
            readablePath = file.path
            grid = target.grid
            crs = target.crs
        } else {
            warpedFile = nil
            readablePath = path
            grid = ownGrid
            crs = ownCRS
        }
    }

    /// Warnings about the bands read so far (a band with no valid pixel, many saturated pixels), naming
    /// the file; each said once.
    public private(set) var warnings: [String] = []

    private func warn(_ text: String) {
        let line = "\(path): \(text)"
        if !warnings.contains(line) { warnings.append(line) }
    }

    /// What a thread needs to open its own reader of band `index` (1-based): paths and decodings, no handle.
    /// Checked here, on the calling thread.
    public func bandSource(_ index: Int) throws -> SceneBandSource {
        guard index >= 1, index <= bandCount else {
            throw ExposureError("band \(index) does not exist; the scene has \(bandCount) band(s) (check --sensor or --bands)", path: path)
        }
        let original = try source.band(index)
        let decoding = try CellDecoding(band: original, role: "scene")
        let saturated: Double? = switch original.dataType {
        case .byte: 255
        case .int8: 127
        case .uint16: 65535
        case .int16: 32767
        default: nil
        }
        // The warped VRT is Float32 with NaN for whatever gdalwarp found invalid (nodata, mask, alpha).
        var readDecoding = decoding
        if warpedFile != nil {
            do {
                readDecoding = try CellDecoding(band: try Dataset.open(readablePath, kinds: .raster).band(index), role: "scene")
            } catch let error as GDALError {
                throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: path)
            }
        }
        var bandSource = SceneBandSource(path: path, readablePath: readablePath, bandIndex: index, grid: grid, decoding: readDecoding,
                                         scale: Float(decoding.scale), offset: Float(decoding.offset),
                                         saturated: warpedFile == nil ? saturated : nil, saturatedValue: saturated, warpedFile: warpedFile)
        if warpedFile == nil { bandSource.blockRows = original.blockSize.height }
        return bandSource
    }

    /// A reader of band `index` for the calling thread (its own GDAL handle). Other threads make theirs from
    /// ``bandSource(_:)`` (``SceneBandSource/makeReader()``).
    public func bandReader(_ index: Int) throws -> SceneBandReader {
        try bandSource(index).makeReader()
    }

    /// Turns the counts of every window read of band `index` (all workers' ``SceneBandReader/counts`` added up,
    /// covering the grid once) into the warnings: no valid pixel, many saturated pixels.
    public func record(_ counts: SceneBandCounts, band index: Int) {
        let name = "band \(index)"
        let saturatedValue = Int(counts.saturatedValue ?? 0)
        if counts.valid == 0 {
            var reasons: [String] = []
            if counts.zeros > 0 { reasons.append("\(counts.zeros) are 0 (fill)") }
            if counts.saturated > 0 { reasons.append("\(counts.saturated) saturated (\(saturatedValue))") }
            let other = counts.cells - counts.zeros - counts.saturated
            if other > 0 { reasons.append("\(other) nodata, masked or not a number") }
            warn("\(name) has no valid pixel (of \(counts.cells): \(reasons.joined(separator: ", "))); every result from it is no data")
        } else if counts.saturated * 100 >= (counts.valid + counts.saturated) {
            let share = Double(counts.saturated) / Double(counts.valid + counts.saturated) * 100
            warn("\(String(format: "%.1f", share)) % of the pixels of \(name) are saturated (\(saturatedValue), the type's maximum) and treated as no data")
        }
    }

    /// Band `index` (1-based) as physical values, invalid pixels NaN: nodata (compared in the band's own
    /// type), masked by the file's mask or alpha band, NaN or infinite, zero (fill) and, read on the scene's
    /// own grid, saturated (the integer type's maximum). The whole band in memory (up to ``maxPixels``), read in
    /// strips of `stripCells` cells; the warnings as ``record(_:band:)`` gives them.
    public func band(_ index: Int, stripCells: Int = 1 << 20) throws -> [Float] {
        let reader = try bandReader(index)
        guard grid.cellCount <= SceneReader.maxPixels else {
            throw ExposureError("the scene has \(grid.cellCount) pixels; clip it to the area of interest first (gdal_translate -projwin); up to \(SceneReader.maxPixels) are handled", path: path)
        }
        var values = [Float](repeating: .nan, count: grid.cellCount)
        var strip: [Float] = []
        let stripHeight = max(1, stripCells / max(1, grid.width))
        for row in stride(from: 0, to: grid.height, by: stripHeight) {
            let window = GridWindow(column: 0, row: row, width: grid.width, height: min(stripHeight, grid.height - row))
            try reader.read(window, into: &strip)
            let base = row * grid.width
            for i in 0..<window.cellCount { values[base + i] = strip[i] }
        }
        record(reader.counts, band: index)
        return values
    }

    /// Slope in degrees of a DEM, on this scene's grid (computed on the DEM's own grid with gdaldem, then
    /// resampled bilinearly). The DEM is read first with the same rules as every input (nodata in its own
    /// type, its mask band), into a Float32 copy whose nodata gdaldem honours.
    public func slope(fromDEM demPath: String) throws -> [Float] {
        guard grid.cellCount <= SceneReader.maxPixels else {
            throw ExposureError("the scene has \(grid.cellCount) pixels; clip it to the area of interest first (gdal_translate -projwin); up to \(SceneReader.maxPixels) are handled with a DEM", path: path)
        }
        let input = try RasterInput(path: demPath, band: 1, role: "DEM")
        let (elevation, _) = try input.readAll()
        let noElevation = !elevation.contains(where: { !$0.isNaN })
        if noElevation {
            let line = "\(demPath): the DEM has no elevation at all (every cell is nodata, masked or NaN): no pixel is removed as steep"
            if !warnings.contains(line) { warnings.append(line) }
        }
        let dem = try Driver.named("MEM").createRaster(path: "", width: input.grid.width, height: input.grid.height, bands: 1, type: .float32)
        try dem.setGeoTransform(input.grid.transform.coefficients)
        let demCRS = try input.spatialReference()
        try dem.setSpatialReference(demCRS)
        let band = try dem.band(1)
        try band.setNoDataValue(.nan)
        try band.write(RasterWindow(column: 0, row: 0, width: input.grid.width, height: input.grid.height),
                       values: elevation.map { Float($0) })
        var arguments = ["-of", "MEM", "-compute_edges"]
        if demCRS.isGeographic { arguments += ["-s", "111120"] }
        let slope = try Utilities.demProcessing(dem, processing: "slope", arguments: arguments)
        let b = grid.bounds
        let onGrid = try Utilities.warp(slope, arguments: [
            "-of", "MEM", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
            "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)", "-ts", "\(grid.width)", "\(grid.height)", "-t_srs", try crs.wkt(),
        ])
        let slopes = try onGrid.band(1).readAll(as: Float.self)
        if !noElevation {
            // A DEM beside the scene, or too small for a slope (a single cell), gives none: say so rather than
            // remove nothing quietly.
            let known = slopes.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
            if known == 0 {
                warnings.append("\(demPath): the DEM gives no slope on the scene (it does not cover it, or is too small to have a slope): no pixel is removed as steep")
            } else if known * 10 < slopes.count * 9 {
                let share = String(format: "%.1f", Double(slopes.count - known) / Double(slopes.count) * 100)
                warnings.append("\(demPath): the DEM gives no slope on \(share) % of the scene's pixels (it does not cover them, or has no elevation there); none of those is removed as steep")
            }
        }
        return slopes
    }
}

/// Counts of the pixels of one band read so far: added up over workers, turned into warnings by
/// ``SceneReader/record(_:band:)``.
public struct SceneBandCounts: Sendable, Equatable {
    public var cells = 0
    /// Zero (fill) pixels.
    public var zeros = 0
    /// Pixels at the integer type's maximum, on the scene's own grid.
    public var saturated = 0
    public var valid = 0
    /// The band type's maximum (for the warning's text), nil for other types.
    public var saturatedValue: Double?

    public init(saturatedValue: Double? = nil) { self.saturatedValue = saturatedValue }

    public mutating func add(_ other: SceneBandCounts) {
        cells += other.cells
        zeros += other.zeros
        saturated += other.saturated
        valid += other.valid
        if saturatedValue == nil { saturatedValue = other.saturatedValue }
    }

    /// What was counted since `earlier` (counts of the same reader).
    public func subtracting(_ earlier: SceneBandCounts) -> SceneBandCounts {
        var part = SceneBandCounts(saturatedValue: saturatedValue)
        part.cells = cells - earlier.cells
        part.zeros = zeros - earlier.zeros
        part.saturated = saturated - earlier.saturated
        part.valid = valid - earlier.valid
        return part
    }
}

/// Everything a thread needs to open its own reader of one band of a scene (no GDAL handle: Sendable).
public struct SceneBandSource: Sendable {
    /// The scene, as given (errors name it).
    public let path: String
    /// The file readers open: the scene, or the warped VRT on the target grid.
    let readablePath: String
    public let bandIndex: Int
    public let grid: Grid
    /// Of the band readers open (the warped VRT's band when resampled).
    let decoding: CellDecoding
    let scale: Float
    let offset: Float
    /// The value taken as saturated (nil when resampled, or not an integer type).
    let saturated: Double?
    let saturatedValue: Double?
    /// Keeps the warped VRT while any source or reader lives.
    let warpedFile: MemoryFile?
    /// The rows of the scene's blocks (0 when resampled): strips of whole blocks decode each block once.
    public var blockRows = 0

    /// A reader for the calling thread, with its own GDAL handle.
    public func makeReader() throws -> SceneBandReader {
        try SceneBandReader(self, dataset: nil)
    }

    /// Readers of `sources` for the calling thread, those of one file sharing one GDAL handle: the bands of a
    /// pixel-interleaved scene are decoded together, so a band read after another of the same window finds its
    /// blocks in that handle's cache instead of decoding the file's blocks again.
    public static func makeReaders(_ sources: [SceneBandSource]) throws -> [SceneBandReader] {
        var opened: [String: Dataset] = [:]
        return try sources.map { source in
            if opened[source.readablePath] == nil {
                do {
                    opened[source.readablePath] = try Dataset.open(source.readablePath, kinds: .raster)
                } catch let error as GDALError where source.warpedFile != nil {
                    throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: source.path)
                }
            }
            return try SceneBandReader(source, dataset: opened[source.readablePath])
        }
    }
}

/// Reads windows of one band of a scene for one thread, with today's rules for invalid pixels, and counts
/// what it read (``counts``).
public final class SceneBandReader {
    public let source: SceneBandSource
    private let dataset: Dataset
    private let reader: RasterCellReader
    private var raw: [Double] = []
    /// What the windows read so far held.
    public private(set) var counts: SceneBandCounts

    init(_ source: SceneBandSource, dataset shared: Dataset?) throws {
        self.source = source
        do {
            dataset = try shared ?? Dataset.open(source.readablePath, kinds: .raster)
            reader = try RasterCellReader(band: try dataset.band(source.bandIndex), decoding: source.decoding,
                                          infinities: .noData, applyScale: false)
        } catch let error as GDALError where source.warpedFile != nil {
            throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: source.path)
        }
        counts = SceneBandCounts(saturatedValue: source.saturatedValue)
    }

    /// Fills `values[0..<window.cellCount]` (row-major; grown if shorter) with the physical values of `window`,
    /// invalid pixels NaN: nodata (in the band's own type), masked, NaN or infinite, zero (fill), saturated (on
    /// the scene's own grid); the declared scale and offset applied.
    public func read(_ window: GridWindow, into values: inout [Float]) throws {
        let n = window.cellCount
        if values.count < n { values = [Float](repeating: .nan, count: n) }
        // The raw Doubles in pieces of about 256K pixels: a strip's Double copy would be twice its Floats.
        let rowsPerPiece = max(1, (1 << 18) / max(1, window.width))
        var row = window.row
        while row < window.endRow {
            let piece = GridWindow(column: window.column, row: row, width: window.width, height: min(rowsPerPiece, window.endRow - row))
            do {
                try reader.read(piece, into: &raw)
            } catch let error as GDALError where source.warpedFile != nil {
                throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: source.path)
            }
            convert(count: piece.cellCount, into: &values, at: (row - window.row) * window.width)
            row = piece.endRow
        }
        counts.cells += n
    }

    /// The physical values of the first `count` raw values, into `values[start...]`, counted.
    private func convert(count n: Int, into values: inout [Float], at start: Int) {
        let saturated = source.saturated ?? .nan, scale = source.scale, offset = source.offset
        var zeros = 0, saturatedCount = 0, valid = 0
        raw.withUnsafeBufferPointer { raw in
            values.withUnsafeMutableBufferPointer { values in
                let out = values.baseAddress! + start
                for i in 0..<n {
                    let v = raw[i]
                    if v.isNaN { out[i] = .nan; continue }
                    if v == 0 { zeros += 1; out[i] = .nan; continue }
                    if v == saturated { saturatedCount += 1; out[i] = .nan; continue }
                    out[i] = Float(v) * scale + offset
                    valid += 1
                }
            }
        }
        counts.zeros += zeros
        counts.saturated += saturatedCount
        counts.valid += valid
    }
}
