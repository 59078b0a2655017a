import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// A multiband scene (optical reflectance or SAR backscatter) read as Float32 arrays with invalid pixels as
/// NaN: nodata, masked (mask or alpha band), zero (fill) and, for integer data, saturated pixels (the type's
/// maximum). The declared scale and offset are applied. Optionally resampled (bilinear, through gdalwarp)
/// onto another grid.
public final class SceneReader {
    public let path: String
    public let grid: Grid
    public let crs: SpatialReference
    public let bandCount: Int
    private let source: Dataset
    private let readable: Dataset
    private let warped: Bool

    /// Scenes are processed in memory: about 4 bytes per pixel per band read, plus the masks.
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
            var arguments = ["-of", "MEM", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
                             "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                             "-ts", "\(target.grid.width)", "\(target.grid.height)", "-t_srs", try target.crs.wkt()]
            if fileCRS == nil { arguments += ["-s_srs", try ownCRS.wkt()] }
            readable = try Utilities.warp(source, arguments: arguments)
            grid = target.grid
            crs = target.crs
            warped = true
        } else {
            readable = source
            grid = ownGrid
            crs = ownCRS
            warped = false
        }
        guard grid.cellCount <= SceneReader.maxPixels else {
            throw ExposureError("the scene has \(grid.cellCount) pixels; clip it to the area of interest first (gdal_translate -projwin); up to \(SceneReader.maxPixels) are handled", path: path)
        }
    }

    /// Warnings about the bands read so far (a band with no valid pixel, many saturated pixels), naming
    /// the file; each said once.
    public private(set) var warnings: [String] = []

    private func warn(_ text: String) {
        let line = "\(path): \(text)"
        if !warnings.contains(line) { warnings.append(line) }
    }

    /// Band `index` (1-based) as physical values, invalid pixels NaN: nodata (compared in the band's own
    /// type), masked by the file's mask or alpha band, NaN or infinite, zero (fill) and, read on the scene's
    /// own grid, saturated (the integer type's maximum). Read in strips, so the Double buffer stays small.
    public func band(_ index: Int) throws -> [Float] {
        guard index >= 1, index <= bandCount else {
            throw ExposureError("band \(index) does not exist; the scene has \(bandCount) band(s) (check --sensor or --bands)", path: path)
        }
        let original = try source.band(index)
        let decoding = try CellDecoding(band: original, role: "scene")
        let scale = Float(decoding.scale), offset = Float(decoding.offset)
        let saturated: Double? = switch original.dataType {
        case .byte: 255
        case .int8: 127
        case .uint16: 65535
        case .int16: 32767
        default: nil
        }
        // The warped copy is Float32 with NaN for whatever gdalwarp found invalid (nodata, mask, alpha).
        let band = warped ? try readable.band(index) : original
        let reader = try RasterCellReader(band: band, decoding: warped ? try CellDecoding(band: band, role: "scene") : decoding,
                                          infinities: .noData, applyScale: false)
        var values = [Float](repeating: .nan, count: grid.cellCount)
        var raw: [Double] = []
        var zeros = 0, saturatedCount = 0, valid = 0
        let stripHeight = max(1, (1 << 20) / max(1, grid.width))
        for row in stride(from: 0, to: grid.height, by: stripHeight) {
            let strip = GridWindow(column: 0, row: row, width: grid.width, height: min(stripHeight, grid.height - row))
            try reader.read(strip, into: &raw)
            let base = row * grid.width
            for i in 0..<strip.cellCount {
                let v = raw[i]
                if v.isNaN { continue }
                if v == 0 { zeros += 1; continue }
                if !warped, v == saturated { saturatedCount += 1; continue }
                values[base + i] = Float(v) * scale + offset
                valid += 1
            }
        }
        let name = "band \(index)"
        if valid == 0 {
            var reasons: [String] = []
            if zeros > 0 { reasons.append("\(zeros) are 0 (fill)") }
            if saturatedCount > 0 { reasons.append("\(saturatedCount) saturated (\(Int(saturated ?? 0)))") }
            let other = grid.cellCount - zeros - saturatedCount
            if other > 0 { reasons.append("\(other) nodata, masked or not a number") }
            warn("\(name) has no valid pixel (of \(grid.cellCount): \(reasons.joined(separator: ", "))); every result from it is no data")
        } else if saturatedCount * 100 >= (valid + saturatedCount) {
            let share = Double(saturatedCount) / Double(valid + saturatedCount) * 100
            warn("\(String(format: "%.1f", share)) % of the pixels of \(name) are saturated (\(Int(saturated ?? 0)), the type's maximum) and treated as no data")
        }
        return values
    }

    /// Slope in degrees of a DEM, on this scene's grid (computed on the DEM's own grid with gdaldem, then
    /// resampled bilinearly). The DEM is read first with the same rules as every input (nodata in its own
    /// type, its mask band), into a Float32 copy whose nodata gdaldem honours.
    public func slope(fromDEM demPath: String) throws -> [Float] {
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
