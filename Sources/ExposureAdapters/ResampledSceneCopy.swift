import ExposureCore
import GDALSwift

/// A resampled scene read once into a file: gdalwarp's warped VRT warps a block of every band each time a
/// reader asks for one band's block, and readers on other threads (or in later passes) warp it again. Copying
/// the bands a command needs into a Float32 GeoTIFF, block row by block row (each block warped once, all
/// bands together), lets every later read be a plain read of the same values.
extension SceneBandSource {
    /// Whether this band is read through the warped VRT (the scene is resampled onto another grid).
    public var isResampled: Bool { warpedFile != nil }

    /// The warped VRT for one thread (its bands' blocks are warped together and cached together).
    public func openResampled() throws -> Dataset {
        do {
            return try Dataset.open(readablePath, kinds: .raster)
        } catch let error as GDALError {
            throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: path)
        }
    }

    /// Reads `window` of this band of the warped VRT `dataset` (from ``openResampled()``) as the Float32 values
    /// gdalwarp gives (NaN where it found no valid source).
    public func readResampled(_ dataset: Dataset, _ window: GridWindow) throws -> [Float] {
        do {
            return try dataset.band(bandIndex).read(window, as: Float.self)
        } catch let error as GDALError {
            throw ExposureError("cannot be resampled onto the grid (gdalwarp): \(error.message)", path: path)
        }
    }

    /// This band read from band `band` of a Float32 GeoTIFF holding the warped VRT's values (NaN nodata), with
    /// the rules it is read with today: the same values.
    public func reading(copy copyPath: String, band: Int) throws -> SceneBandSource {
        let decoding = try CellDecoding(band: try Dataset.open(copyPath, kinds: .raster).band(band), role: "scene")
        return SceneBandSource(path: path, readablePath: copyPath, bandIndex: band, grid: grid, decoding: decoding, scale: scale,
                               offset: offset, saturated: saturated, saturatedValue: saturatedValue, warpedFile: warpedFile)
    }

    /// The warped VRT's block height (rows warped together).
    public func resampledBlockRows(_ dataset: Dataset) throws -> Int {
        try dataset.band(bandIndex).blockSize.height
    }
}
