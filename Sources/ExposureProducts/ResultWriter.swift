import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift

/// Writes per-region results that open ready in QGIS: GeoJSON (RFC 7946) with its style `NAME.qml` beside it,
/// GeoPackage with the style in its `layer_styles` table, the columns' titles and descriptions in
/// `gpkg_data_columns` and the manifest in `gpkg_metadata`, CSV with `NAME.csvt` (the column types), and
/// beside each output its manifest `OUTPUT.manifest.json`. Everything goes through the command's
/// ``OutputSet``: all or nothing.
public enum ResultWriter {
    /// The files written for a vector output: the layer, its sidecar style (GeoJSON and FlatGeobuf; a
    /// GeoPackage holds its own), its manifest.
    public static func vectorFiles(_ path: String) -> [String] {
        let isPackage = (path as NSString).pathExtension.lowercased() == "gpkg"
        return [path] + (isPackage ? [] : [stylePath(for: path)]) + [manifestPath(for: path)]
    }

    /// The files written for a CSV output: the table, its column types, its manifest.
    public static func csvFiles(_ path: String) -> [String] {
        [path, csvtPath(for: path), manifestPath(for: path)]
    }

    /// The files `writeAll` writes for these options, with the option each comes from.
    public static func plannedOutputs(vector: String?, csv: String?, vectorRole: String = "--output",
                                      csvRole: String = "--csv") -> [(path: String, role: String)] {
        var planned: [(path: String, role: String)] = []
        if let vector {
            planned += vectorFiles(vector).enumerated().map { ($1, $0 == 0 ? vectorRole : "the \(sidecarKind($1)) of \(vectorRole)") }
        }
        if let csv {
            planned += csvFiles(csv).enumerated().map { ($1, $0 == 0 ? csvRole : "the \(sidecarKind($1)) of \(csvRole)") }
        }
        return planned
    }

    public static func sidecarKind(_ path: String) -> String {
        path.hasSuffix(".manifest.json") ? "manifest" : path.hasSuffix(".qml") ? "QGIS style" : "column types (.csvt)"
    }

    /// Declares the outputs of `writeAll` in `outputs` (before any work, so conflicts stop the command early).
    public static func declare(vector: String?, csv: String?, in outputs: OutputSet, vectorRole: String = "--output",
                               csvRole: String = "--csv") throws {
        if let vector { try checkVectorFormat(vector, role: vectorRole) }
        for (path, role) in plannedOutputs(vector: vector, csv: csv, vectorRole: vectorRole, csvRole: csvRole) {
            try outputs.add(path, role: role)
        }
    }

    /// The table as CSV text (RFC 4180): the header, then a line per row.
    public static func csvText(_ table: ResultTable) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((table.rows.count + 1) * table.columns.count * 12)
        text += table.columnNames.map { csvField(.string($0), column: .regionID) }.joined(separator: ",").utf8
        text.append(UInt8(ascii: "\n"))
        for row in table.rows {
            for (index, value) in row.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                // Numbers, most of the table, as printf writes them but made here (FixedDecimals): through
                // printf or String(format:) they cost several times more per field (a table of a country's
                // municipalities has a hundred thousand).
                if case .real(let v) = value, FixedDecimals.append(v, decimals: table.columns[index].csvDecimals, to: &text) {
                    continue
                }
                text += csvField(value, column: table.columns[index]).utf8
            }
            text.append(UInt8(ascii: "\n"))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes `table` as CSV with its `.csvt`; `text`, its ``csvText(_:)`` when already made (on another thread).
    public static func writeCSV(_ table: ResultTable, to path: String, outputs: OutputSet, text made: String? = nil) throws {
        let text = made ?? csvText(table)
        try outputs.write(path) { temporary in
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        }
        // GDAL's and QGIS's convention: the column types beside the CSV, so numbers load as numbers.
        let types = table.columns.map { $0.isText ? "\"String\"" : "\"Real\"" }.joined(separator: ",") + "\n"
        try outputs.write(csvtPath(for: path)) { temporary in
            try Data(types.utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }

    public static func csvField(_ value: FieldValue, column: ResultColumn) -> String {
        switch value {
        case .string(let s):
            // RFC 4180: quote fields holding a comma, a quote or a line break (checked on scalars: "\r\n" is
            // one Character in Swift, equal to neither "\r" nor "\n").
            if s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        case .real(let v):
            return v.isNaN ? "" : String(format: "%.\(column.csvDecimals)f", v)
        case .integer(let v):
            return String(v)
        case .null:
            return ""
        }
    }

    /// GeoJSON (RFC 7946: WGS84, right-hand winding, 7 decimals), GeoPackage (in the regions' CRS) or
    /// FlatGeobuf, one feature per region with its geometry and the table's columns as properties; with
    /// `style`, QGIS's default style (a sidecar `.qml`, or the GeoPackage's `layer_styles`); with `manifest`,
    /// the manifest embedded in a GeoPackage's `gpkg_metadata`. GeoJSON of many regions is written in parts
    /// on up to `threads` threads (``GeoJSONParts``).
    public static func writeVector(_ table: ResultTable, regions: RegionSet, to path: String, style: LayerStyle? = nil,
                                   manifest: String? = nil, threads: Int = 1, outputs: OutputSet) throws {
        let driver = try checkVectorFormat(path, role: "--output")
        try outputs.write(path) { temporary in
            let parts = driver.name == "GeoJSON" ? GeoJSONParts.count(rows: table.rows.count, threads: threads) : 1
            // Another GDAL may write in a form the parts cannot be joined in: then on one thread.
            if parts > 1, try GeoJSONParts.write(table, regions: regions, to: temporary, parts: parts) { return }
            let dataset = try driver.createVector(path: temporary)
            try writeLayer(table, rows: table.rows.indices, geometries: { try regions.geometries[$0]?.asMultiPolygon() },
                           spatialReference: regions.spatialReference, into: dataset)
            if driver.name == "GPKG" {
                try GeoPackageExtras.describeColumns(table.columns, table: layerName, in: dataset)
                if let style { try GeoPackageExtras.addDefaultStyle(style.qml(), name: "exposure default", table: layerName, in: dataset) }
                if let manifest { try GeoPackageExtras.embedManifest(manifest, table: layerName, in: dataset) }
            }
            try dataset.close()
        }
        if let style, driver.name != "GPKG" {
            let qml = style.qml()
            try outputs.write(stylePath(for: path)) { try Data(qml.utf8).write(to: URL(fileURLWithPath: $0)) }
        }
    }

    /// The name of the layer in every vector output.
    static let layerName = "exposure"

    /// Writes the layer of `rows` of `table` into `dataset`, feature `i` with geometry `geometries(i)` (made a
    /// multipolygon) in `spatialReference`.
    static func writeLayer(_ table: ResultTable, rows: Range<Int>, geometries: (Int) throws -> Geometry?,
                           spatialReference: SpatialReference, into dataset: Dataset) throws {
        let driverName = dataset.driverName
        var options: [String] = []
        if driverName == "GeoJSON" {
            options = ["RFC7946=YES", "WRITE_NAME=NO", "DESCRIPTION=exposure per region; inputs and parameters in the manifest beside this file"]
        }
        let layer = try dataset.createLayer(name: layerName, spatialReference: spatialReference,
                                            geometryType: .multiPolygon, options: options)
        for column in table.columns {
            try layer.createField(FieldDefinition(name: column.name, type: column.isText ? .string : .real,
                                                  alternativeName: driverName == "GPKG" ? column.title : ""))
        }
        // GeoPackage writes in one transaction (much faster); a failed commit is a failed output.
        let inTransaction = dataset.beginTransaction()
        for i in rows { try layer.addFeature(values: table.rows[i], geometry: try geometries(i)) }
        if inTransaction { try dataset.commitTransaction() }
    }

    /// The vector driver for an output path: GeoJSON, GeoPackage or FlatGeobuf, from the extension.
    @discardableResult
    public static func checkVectorFormat(_ path: String, role: String) throws -> Driver {
        let known = ["geojson": "GeoJSON", "json": "GeoJSON", "gpkg": "GPKG", "fgb": "FlatGeobuf"]
        guard let name = known[(path as NSString).pathExtension.lowercased()] else {
            throw ExposureError("\(role) takes .geojson, .gpkg or .fgb (use --csv for a table)", path: path)
        }
        return try Driver.named(name)
    }

    /// `flood.geojson` -> `flood.geojson.manifest.json`: named after the whole output, so the manifests of
    /// `flood.geojson` and `flood.csv` never clash.
    public static func manifestPath(for output: String) -> String { output + ".manifest.json" }

    /// `flood.geojson` -> `flood.qml`, where QGIS looks for a layer's default style.
    public static func stylePath(for output: String) -> String { (output as NSString).deletingPathExtension + ".qml" }

    /// `flood.csv` -> `flood.csvt`, where GDAL and QGIS look for a CSV's column types.
    public static func csvtPath(for output: String) -> String { (output as NSString).deletingPathExtension + ".csvt" }

    /// Pretty, sorted JSON (a manifest), with temporary names replaced by the outputs' names. A figure that
    /// is not a finite number is an error, not a file JSON readers reject.
    public static func writeJSON<T: Encodable>(_ value: T, to path: String, outputs: OutputSet) throws {
        let text = try json(value, outputs: outputs, path: path)
        try outputs.write(path) { temporary in
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }

    public static func json<T: Encodable>(_ value: T, outputs: OutputSet, path: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch let EncodingError.invalidValue(value, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ExposureError("\(field) is \(value), not a finite number: check the inputs for infinite or huge values", path: path)
        }
        return outputs.publicText(String(decoding: data, as: UTF8.self)) + "\n"
    }
}
