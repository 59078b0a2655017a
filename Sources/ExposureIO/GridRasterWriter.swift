import Foundation
import ExposureCore
import GDALSwift

/// Creates a tiled, DEFLATE-compressed GeoTIFF on a grid, to be filled window by window (so a large output
/// never has to fit in memory).
public final class GridRasterWriter {
    public let path: String
    let dataset: Dataset
    let band: RasterBand

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
        try band.write(RasterWindow(column: window.column, row: window.row, width: window.width, height: window.height), values: values)
    }

    /// Flushes and closes; throws if GDAL reports a failure while writing.
    public func close() throws {
        try dataset.close()
    }
}

extension OutputSet {
    /// Writes a declared raster output in one go (tiled, compressed GeoTIFF) with its style: a mask's
    /// categories inside the file, a ramp's QML beside it (declared too: see ``rasterFiles(_:style:)``), and
    /// the provenance of the command in the file's metadata (`EXPOSURE_MANIFEST`).
    public func writeRaster<T: RasterElement>(_ path: String, grid: Grid, crs: SpatialReference, type: RasterDataType, noData: Double?,
                                              description: String, unit: String, metadata: [String: String], style: RasterStyle,
                                              inputs: [String], values: [T]) throws {
        var metadata = metadata
        metadata["EXPOSURE_MANIFEST"] = try Provenance.json(inputs: inputs, parameters: metadata, outputs: self)
        let categories: [RasterCategory]
        if case .categories(let list) = style { categories = list } else { categories = [] }
        try write(path) { temporary in
            let writer = try GridRasterWriter(path: temporary, grid: grid, crs: crs, type: type, noData: noData, description: description,
                                              unit: unit, metadata: metadata, categories: categories)
            try writer.write(grid.fullWindow, values: values)
            try writer.close()
        }
        try writeStyle(style, for: path)
    }

    /// The QML beside a raster whose style is a ramp.
    public func writeStyle(_ style: RasterStyle, for raster: String) throws {
        guard let qml = style.qml else { return }
        try write(RasterStyle.sidecarPath(for: raster)) { try Data(qml.utf8).write(to: URL(fileURLWithPath: $0)) }
    }

    /// Declares a raster output, GDAL's side file and its QML.
    public func addRaster(_ path: String, role: String) throws {
        try addGDALRaster(path, role: role)
        try add(RasterStyle.sidecarPath(for: path), role: "the QGIS style of \(role)")
    }
}
