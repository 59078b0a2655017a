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
        try writeRaster(path, grid: grid, crs: crs, type: type, noData: noData, description: description, unit: unit,
                        metadata: metadata, style: style, inputs: inputs) { writer in
            try writer.write(grid.fullWindow, values: values)
            return [:]
        }
    }

    /// Writes a declared raster output window by window: `fill` writes every window through the writer (so
    /// the raster never has to be in memory) and returns metadata known only at the end (counts), which is
    /// added to `metadata` and to the provenance. Same file, style and provenance as the one-go form.
    public func writeRaster(_ path: String, grid: Grid, crs: SpatialReference, type: RasterDataType, noData: Double?,
                            description: String, unit: String, metadata: [String: String], style: RasterStyle,
                            inputs: [String], fill: (GridRasterWriter) throws -> [String: String]) throws {
        let categories: [RasterCategory]
        if case .categories(let list) = style { categories = list } else { categories = [] }
        try write(path) { temporary in
            let writer = try GridRasterWriter(path: temporary, grid: grid, crs: crs, type: type, noData: noData, description: description,
                                              unit: unit, metadata: metadata, categories: categories)
            let final = metadata.merging(try fill(writer)) { _, last in last }
            var extra = final.filter { metadata[$0.key] != $0.value }
            extra["EXPOSURE_MANIFEST"] = try Provenance.json(inputs: inputs, parameters: final, outputs: self)
            try writer.setMetadata(extra)
            try writer.close()
        }
        try writeStyle(style, for: path)
    }

    /// As ``writeRaster(_:grid:crs:type:noData:description:unit:metadata:style:inputs:fill:)``, for a ramp whose
    /// range is known only once every window is written (distances): `fill` returns the metadata and the style.
    public func writeRaster(_ path: String, grid: Grid, crs: SpatialReference, type: RasterDataType, noData: Double?,
                            description: String, unit: String, metadata: [String: String], inputs: [String],
                            styledFill: (GridRasterWriter) throws -> (metadata: [String: String], style: RasterStyle)) throws {
        var style: RasterStyle?
        try write(path) { temporary in
            let writer = try GridRasterWriter(path: temporary, grid: grid, crs: crs, type: type, noData: noData, description: description,
                                              unit: unit, metadata: metadata)
            let (more, chosen) = try styledFill(writer)
            if case .categories = chosen { throw ExposureError("internal: a mask's categories are known before its pixels", path: path) }
            style = chosen
            let final = metadata.merging(more) { _, last in last }
            var extra = final.filter { metadata[$0.key] != $0.value }
            extra["EXPOSURE_MANIFEST"] = try Provenance.json(inputs: inputs, parameters: final, outputs: self)
            try writer.setMetadata(extra)
            try writer.close()
        }
        if let style { try writeStyle(style, for: path) }
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
