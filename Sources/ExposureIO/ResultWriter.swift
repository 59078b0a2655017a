import ExposureCore
import Foundation
import GDALSwift

/// Writes analysis results: CSV, GeoJSON (RFC 7946) or GeoPackage, and the manifest beside them. Every file
/// is written under a temporary name and renamed when complete.
public enum ResultWriter {
    /// Writes the vector and/or CSV table of an analysis and the manifest beside them (one per distinct
    /// name); returns every path written, manifests last.
    public static func writeAll(_ result: AnalysisResult, vector: String?, csv: String?, commandLine: [String]) throws -> [String] {
        let table = ResultTable(result)
        var written: [String] = []
        if let vector {
            try writeVector(table, regions: result.regions, to: vector)
            written.append(vector)
        }
        if let csv {
            try writeCSV(table, to: csv)
            written.append(csv)
        }
        var manifests: [String] = []
        for path in written.map(manifestPath) where !manifests.contains(path) {
            try writeManifest(result, outputs: written, commandLine: commandLine, to: path)
            manifests.append(path)
        }
        return written + manifests
    }

    public static func writeCSV(_ table: ResultTable, to path: String) throws {
        var text = table.columns.joined(separator: ",") + "\n"
        for row in table.rows {
            text += row.enumerated().map { index, value in csvField(value, column: table.columns[index]) }.joined(separator: ",") + "\n"
        }
        try AtomicOutput.write(to: path) { temporary in
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }

    static func csvField(_ value: FieldValue, column: String) -> String {
        switch value {
        case .string(let s):
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        case .real(let v):
            return formatNumber(v, column: column)
        case .integer(let v):
            return String(v)
        case .null:
            return ""
        }
    }

    /// Fixed notation: 6 decimals for people (a millionth of a person), 8 for shares, 4 for rates per 100k
    /// and percentages.
    static func formatNumber(_ value: Double, column: String) -> String {
        if value.isNaN { return "" }
        let decimals = column.hasSuffix("_share") ? 8 : column.hasSuffix("per_100k") || column.hasSuffix("_pct") ? 4 : 6
        return String(format: "%.\(decimals)f", value)
    }

    /// GeoJSON (RFC 7946: WGS84, right-hand winding, 7 decimals) or GeoPackage (in the regions' CRS), one
    /// feature per region with its geometry and the table's columns as properties.
    public static func writeVector(_ table: ResultTable, regions: RegionSet, to path: String) throws {
        let driver = try Driver.vectorDriver(forPath: path)
        guard driver.name == "GeoJSON" || driver.name == "GPKG" || driver.name == "FlatGeobuf" else {
            throw ExposureError("--output takes .geojson, .gpkg or .fgb (use --csv for a table)", path: path)
        }
        try AtomicOutput.write(to: path) { temporary in
            let dataset = try driver.createVector(path: temporary)
            var options: [String] = []
            if driver.name == "GeoJSON" {
                options = ["RFC7946=YES", "WRITE_NAME=NO", "DESCRIPTION=exposure per region; inputs and parameters in the manifest beside this file"]
            }
            let layer = try dataset.createLayer(name: "exposure", spatialReference: regions.spatialReference,
                                                geometryType: .multiPolygon, options: options)
            for (index, column) in table.columns.enumerated() {
                let isText = table.rows.contains { if case .string = $0[index] { return true } else { return false } }
                try layer.createField(FieldDefinition(name: column, type: isText ? .string : .real))
            }
            dataset.beginTransaction()
            for (i, row) in table.rows.enumerated() {
                var geometry = regions.geometries[i]
                if let g = geometry { geometry = try g.asMultiPolygon() }
                try layer.addFeature(values: row, geometry: geometry)
            }
            try? dataset.commitTransaction()
            try dataset.close()
        }
    }

    /// `results.geojson` -> `results.manifest.json`.
    public static func manifestPath(for output: String) -> String {
        (output as NSString).deletingPathExtension + ".manifest.json"
    }

    public static func writeManifest(_ result: AnalysisResult, outputs: [String], commandLine: [String], to path: String) throws {
        let manifest = try Manifest(result, outputs: outputs, commandLine: commandLine)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try AtomicOutput.write(to: path) { temporary in
            try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: temporary))
        }
    }
}
