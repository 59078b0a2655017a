import ExposureAdapters
import ExposureProducts
import ExposureWorkflows

/// The human-readable form of `exposure info`.
enum InfoText {
    static func render(_ description: DatasetDescription) -> String {
        switch description {
        case .raster(let r): raster(r)
        case .vector(let v): vector(v)
        }
    }

    private static func crs(_ epsg: Int?, _ name: String?) -> String {
        guard let name else { return "none" }
        return epsg.map { "\(name) (EPSG:\($0))" } ?? "\(name) (no EPSG code identified)"
    }

    private static func raster(_ r: RasterDescription) -> String {
        var lines = [
            "Raster: \(r.path)",
            "Driver: \(r.driver)",
            "Size: \(r.width) x \(r.height) cells, \(r.bandCount) band(s)",
            "CRS: \(crs(r.epsg, r.crsName))",
        ]
        if let g = r.geoTransform {
            lines.append("Origin: (\(g[0]), \(g[3]))  cell size: \(g[1]) x \(g[5])")
            if g[2] != 0 || g[4] != 0 { lines.append("Rotation terms: \(g[2]), \(g[4]) (rotated grid)") }
        } else {
            lines.append("Geotransform: none")
        }
        for band in r.bands {
            var parts = ["Band \(band.index): \(band.dataType)", "block \(band.blockWidth)x\(band.blockHeight)"]
            parts.append("nodata \(band.noData.map { String($0) } ?? "none")")
            if let s = band.scale { parts.append("scale \(s)") }
            if let o = band.offset { parts.append("offset \(o)") }
            if !band.unit.isEmpty { parts.append("unit \(band.unit)") }
            if !band.description.isEmpty { parts.append("\"\(band.description)\"") }
            lines.append(parts.joined(separator: ", "))
        }
        if !r.subdatasets.isEmpty {
            lines.append("Subdatasets (open one by its path):")
            lines += r.subdatasets.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private static func vector(_ v: VectorDescription) -> String {
        var lines = ["Vector: \(v.path)", "Driver: \(v.driver)"]
        for layer in v.layers {
            lines.append("Layer \(layer.name): \(layer.featureCount) feature(s), \(layer.geometryType)")
            lines.append("  CRS: \(crs(layer.epsg, layer.crsName))")
            if let e = layer.extent { lines.append("  Extent: (\(e[0]), \(e[1])) - (\(e[2]), \(e[3]))") }
            for field in layer.fields { lines.append("  \(field.name): \(field.type)") }
        }
        return lines.joined(separator: "\n")
    }
}
