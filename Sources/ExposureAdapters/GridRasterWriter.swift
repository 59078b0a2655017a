import Foundation
import ExposureCore
import GDALSwift

/// Creates a tiled, DEFLATE-compressed GeoTIFF on a grid, to be filled window by window (so a large output
/// never has to fit in memory).
public final class GridRasterWriter {
    public let path: String
    public let dataset: Dataset
    public let band: RasterBand

    /// `categories` (masks) are written into the file as a colour table and category names.
    public init(path: String, grid: Grid, crs: SpatialReference, type: RasterDataType, noData: Double?,
                description: String, unit: String, metadata: [String: String] = [:], categories: [RasterCategory] = []) throws {
        self.path = path
        let predictor = type.isFloatingPoint ? "3" : "2"
        dataset = try Driver.named("GTiff").createRaster(
            path: path, width: grid.width, height: grid.height, bands: 1, type: type,
            options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=\(predictor)", "BIGTIFF=IF_SAFER"])
        try dataset.setGeoTransform(grid.transform.coefficients)
        try dataset.setSpatialReference(crs)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { try dataset.setMetadataItem(key, value) }
        band = try dataset.band(1)
        if let noData { try band.setNoDataValue(noData) }
        try band.setDescription(description)
        if !unit.isEmpty { try band.setUnitType(unit) }
        if !categories.isEmpty { try band.setCategories(categories) }
    }

    public func write<T: RasterElement>(_ window: GridWindow, values: [T]) throws {
        try band.write(window, values: values)
    }

    /// Adds metadata items (e.g. counts known only once every window is written); GeoTIFF stores them on close.
    public func setMetadata(_ items: [String: String]) throws {
        for (key, value) in items.sorted(by: { $0.key < $1.key }) { try dataset.setMetadataItem(key, value) }
    }

    /// Flushes and closes; throws if GDAL reports a failure while writing.
    public func close() throws {
        try dataset.close()
    }
}
