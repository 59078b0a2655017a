import ExposureCore
import Foundation
import GDALSwift

/// Writes analysis results: CSV, GeoJSON (RFC 7946) or GeoPackage, and the manifest beside them. Every file
/// is written under a temporary name and renamed when complete.
public enum ResultWriter {
    /// The files `writeAll` writes for these options, with the option each comes from: the vector output,
    /// the CSV and the manifest beside them (one per distinct name).
    public static func plannedOutputs(vector: String?, csv: String?, vectorRole: String = "--output",
                                      csvRole: String = "--csv") -> [(path: String, role: String)] {
        var planned: [(path: String, role: String)] = []
        if let vector { planned.append((vector, vectorRole)) }
        if let csv { planned.append((csv, csvRole)) }
        var manifests: [String] = []
        for (path, role) in planned where !manifests.contains(manifestPath(for: path)) {
            manifests.append(manifestPath(for: path))
            planned.append((manifestPath(for: path), "the manifest of \(role)"))
        }
        return planned
    }

    /// Declares the outputs of `writeAll` in `outputs` (before any work, so conflicts stop the command early).
    public static func declare(vector: String?, csv: String?, in outputs: OutputSet, vectorRole: String = "--output",
                               csvRole: String = "--csv") throws {
        if let vector { try checkVectorFormat(vector, role: vectorRole) }
        for (path, role) in plannedOutputs(vector: vector, csv: csv, vectorRole: vectorRole, csvRole: csvRole) {
            try outputs.add(path, role: role)
        }
    }

    /// Writes the vector and/or CSV table of an analysis and the manifest beside them (declared with
    /// `declare` first); returns every path written, manifests last.
    public static func writeAll(_ result: AnalysisResult, vector: String?, csv: String?, commandLine: [String],
                                outputs: OutputSet) throws -> [String] {
        let table = ResultTable(result)
        var written: [String] = []
        if let vector {
            try writeVector(table, regions: result.regions, to: vector, outputs: outputs)
            written.append(vector)
        }
        if let csv {
            try writeCSV(table, to: csv, outputs: outputs)
            written.append(csv)
        }
        var manifests: [String] = []
        for path in written.map(manifestPath) where !manifests.contains(path) {
            try writeManifest(result, outputs: written, commandLine: commandLine, to: path, outputSet: outputs)
            manifests.append(path)
        }
        return written + manifests
    }

    public static func writeCSV(_ table: ResultTable, to path: String, outputs: OutputSet) throws {
        var text = table.columnNames.map { csvField(.string($0), column: .regionID) }.joined(separator: ",") + "\n"
        for row in table.rows {
            text += row.enumerated().map { index, value in csvField(value, column: table.columns[index]) }.joined(separator: ",") + "\n"
        }
        try outputs.write(path) { temporary in
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }

    static func csvField(_ value: FieldValue, column: ResultColumn) -> String {
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

    /// GeoJSON (RFC 7946: WGS84, right-hand winding, 7 decimals) or GeoPackage (in the regions' CRS), one
    /// feature per region with its geometry and the table's columns as properties.
    public static func writeVector(_ table: ResultTable, regions: RegionSet, to path: String, outputs: OutputSet) throws {
        let driver = try checkVectorFormat(path, role: "--output")
        try outputs.write(path) { temporary in
            let dataset = try driver.createVector(path: temporary)
            var options: [String] = []
            if driver.name == "GeoJSON" {
                options = ["RFC7946=YES", "WRITE_NAME=NO", "DESCRIPTION=exposure per region; inputs and parameters in the manifest beside this file"]
            }
            let layer = try dataset.createLayer(name: "exposure", spatialReference: regions.spatialReference,
                                                geometryType: .multiPolygon, options: options)
            for column in table.columns {
                try layer.createField(FieldDefinition(name: column.name, type: column.isText ? .string : .real))
            }
            // GeoPackage writes in one transaction (much faster); a failed commit is a failed output.
            let inTransaction = dataset.beginTransaction()
            for (i, row) in table.rows.enumerated() {
                var geometry = regions.geometries[i]
                if let g = geometry { geometry = try g.asMultiPolygon() }
                try layer.addFeature(values: row, geometry: geometry)
            }
            if inTransaction { try dataset.commitTransaction() }
            try dataset.close()
        }
    }

    /// The vector driver for an output path: GeoJSON, GeoPackage or FlatGeobuf, from the extension.
    @discardableResult
    static func checkVectorFormat(_ path: String, role: String) throws -> Driver {
        let known = ["geojson": "GeoJSON", "json": "GeoJSON", "gpkg": "GPKG", "fgb": "FlatGeobuf"]
        guard let name = known[(path as NSString).pathExtension.lowercased()] else {
            throw ExposureError("\(role) takes .geojson, .gpkg or .fgb (use --csv for a table)", path: path)
        }
        return try Driver.named(name)
    }

    /// `results.geojson` -> `results.manifest.json`.
    public static func manifestPath(for output: String) -> String {
        (output as NSString).deletingPathExtension + ".manifest.json"
    }

    public static func writeManifest(_ result: AnalysisResult, outputs: [String], commandLine: [String], to path: String,
                                     outputSet: OutputSet) throws {
        let manifest = try Manifest(result, outputs: outputs, commandLine: commandLine)
        try writeJSON(manifest, to: path, outputs: outputSet)
    }

    /// Pretty, sorted JSON (a manifest), with temporary names replaced by the outputs' names. A figure that
    /// is not a finite number is an error, not a file JSON readers reject.
    static func writeJSON<T: Encodable>(_ value: T, to path: String, outputs: OutputSet) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch let EncodingError.invalidValue(value, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ExposureError("\(field) is \(value), not a finite number: check the inputs for infinite or huge values", path: path)
        }
        let text = outputs.publicText(String(decoding: data, as: UTF8.self))
        try outputs.write(path) { temporary in
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }
}
