import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// A multiband scene (optical reflectance or SAR backscatter) read as Float32 arrays with invalid pixels as
/// NaN: nodata, zero (fill) and, for integer data, saturated pixels (the type's maximum). The declared
/// scale and offset are applied. Optionally resampled (bilinear, through gdalwarp) onto another grid.
final class SceneReader {
    let path: String
    let grid: Grid
    let crs: SpatialReference
    let bandCount: Int
    private let source: Dataset
    private let readable: Dataset
    private let warped: Bool

    /// Scenes are processed in memory: about 4 bytes per pixel per band read, plus the masks.
    static let maxPixels = 150_000_000

    init(path: String, assumeCRS: String?, onto target: (grid: Grid, crs: SpatialReference)? = nil) throws {
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

    /// Band `index` (1-based) as physical values, invalid pixels NaN.
    func band(_ index: Int) throws -> [Float] {
        guard index >= 1, index <= bandCount else {
            throw ExposureError("band \(index) does not exist; the scene has \(bandCount) band(s) (check --sensor or --bands)", path: path)
        }
        let original = try source.band(index)
        let noData = try original.noDataValue
        let scale = Float(try original.scale ?? 1), offset = Float(try original.offset ?? 0)
        let saturated: Float? = switch original.dataType {
        case .byte: 255
        case .uint16: 65535
        case .int16: 32767
        default: nil
        }
        var values = try readable.band(index).readAll(as: Float.self)
        for i in values.indices {
            let raw = values[i]
            if raw.isNaN || raw == 0 || (noData.map { Float($0) == raw } ?? false) || (!warped && saturated == raw) {
                values[i] = .nan
            } else {
                values[i] = raw * scale + offset
            }
        }
        return values
    }

    /// Slope in degrees of a DEM, on this scene's grid (computed on the DEM's own grid with gdaldem, then
    /// resampled bilinearly).
    func slope(fromDEM demPath: String) throws -> [Float] {
        let dem = try Dataset.open(demPath, kinds: .raster)
        var arguments = ["-of", "MEM", "-compute_edges"]
        if let demCRS = try dem.spatialReference(), demCRS.isGeographic { arguments += ["-s", "111120"] }
        let slope = try Utilities.demProcessing(dem, processing: "slope", arguments: arguments)
        let b = grid.bounds
        let onGrid = try Utilities.warp(slope, arguments: [
            "-of", "MEM", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
            "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)", "-ts", "\(grid.width)", "\(grid.height)", "-t_srs", try crs.wkt(),
        ])
        return try onGrid.band(1).readAll(as: Float.self)
    }
}
