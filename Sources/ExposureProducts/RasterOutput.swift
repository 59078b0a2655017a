import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift

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
