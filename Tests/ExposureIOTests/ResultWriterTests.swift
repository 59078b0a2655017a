import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift
@testable import ExposureProducts
import TestSupport
import Testing

/// The per-region tables as files: CSV numbers as printf writes them, and GeoJSON written in parts on several
/// threads byte for byte as one GDAL driver writes it.
@Suite struct ResultWriterTests {
    static let columns = [ResultColumn.regionID, ResultColumn.population, ResultColumn.hazardUnknownShare,
                          ResultColumn("per_100k", .per100k, "Per 100k", "a rate")]

    /// `count` regions: squares of 1 km in UTM 18N, every seventh without geometry, in a GeoJSON file.
    static func regions(_ count: Int, in dir: TemporaryDirectory) throws -> RegionSet {
        let crs = try SpatialReference(epsg: 32618)
        let path = dir.path("regions.geojson")
        let dataset = try Driver.named("GeoJSON").createVector(path: path)
        let layer = try dataset.createLayer(name: "regions", spatialReference: crs, geometryType: .polygon)
        try layer.createField(FieldDefinition(name: "code", type: .string))
        for i in 0..<count {
            let x = 500_000 + Double(i % 40) * 1000, y = 1_000_000 + Double(i / 40) * 1000
            let ring = [MapPoint(x: x, y: y), MapPoint(x: x + 1000, y: y), MapPoint(x: x + 1000, y: y + 1000),
                        MapPoint(x: x + 330.3, y: y + 1000), MapPoint(x: x, y: y)]
            try layer.addFeature(values: [.string("R\(i)")], geometry: i % 7 == 3 ? nil : try Geometry(.polygon([ring])))
        }
        try dataset.close()
        return try RegionSet(path: path, layer: nil, idField: "code", nameField: nil, targetCRS: crs, targetCellSize: 100,
                             assumeCRS: nil)
    }

    static func table(_ regions: RegionSet) -> ResultTable {
        var random = SeededGenerator(seed: 4)
        let rows: [[FieldValue]] = regions.ids.map { id in
            [.string(id), .real(Double.random(in: 0..<1e6, using: &random)), .real(Double.random(in: 0..<1, using: &random)),
             Bool.random(using: &random) ? .null : .real(Double.random(in: -5..<5, using: &random))]
        }
        return ResultTable(columns: columns, rows: rows)
    }

    @Test(arguments: [2, 3])
    func geoJSONInPartsIsTheGeoJSONOfOneDriver(threads: Int) throws {
        let dir = try TemporaryDirectory()
        let regions = try Self.regions(350, in: dir)
        let table = Self.table(regions)
        #expect(GeoJSONParts.count(rows: table.rows.count, threads: threads) == threads)
        var written: [Data] = []
        for t in [1, threads] {
            let path = dir.path("out-\(t).geojson")
            let outputs = try OutputSet(inputs: [dir.path("regions.geojson")])
            try outputs.add(path, role: "--output")
            try ResultWriter.writeVector(table, regions: regions, to: path, threads: t, outputs: outputs)
            try outputs.commit()
            written.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(written[0] == written[1])
        // Nothing but the output is left beside it (the parts are removed).
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") || $0.contains("part") }
        #expect(left.isEmpty, "\(left)")
        // And it is a collection of every region, the regions without geometry included.
        let read = try Dataset.open(dir.path("out-\(threads).geojson"), kinds: .vector)
        #expect(try read.layer(at: 0).featureCount == 350)
    }

    @Test func partsInAnUnknownFormAreNotJoined() {
        let part = Data("{\n\"type\": \"FeatureCollection\",\n\"features\": [\n{ \"type\": \"Feature\" }\n]\n}\n".utf8)
        #expect(GeoJSONParts.join([part, part]) != nil)
        let otherHeader = Data("{\n\"type\": \"FeatureCollection\", \"name\": \"x\",\n\"features\": [\n{ }\n]\n}\n".utf8)
        #expect(GeoJSONParts.join([part, otherHeader]) == nil)
        let noFeatures = Data("{\n\"type\": \"FeatureCollection\",\n\"features\": [\n]\n}\n".utf8)
        #expect(GeoJSONParts.join([part, noFeatures]) == nil)
        let bbox = Data("{\n\"type\": \"FeatureCollection\",\n\"features\": [\n{ }\n],\n\"bbox\": [0, 0, 1, 1]\n}\n".utf8)
        #expect(GeoJSONParts.join([part, bbox]) == nil)
    }

    /// CSV numbers go through C's printf: the same text as String(format:), large values included.
    @Test func csvNumbersAreWhatPrintfWrites() {
        let values: [Double] = [0, -0.0, 1, -1, 0.5, 1e-9, 123_456.789_012_345_6, -9_876_543.210_987, 1e15, 1e300, -1e300,
                                .greatestFiniteMagnitude, .leastNonzeroMagnitude, 2.5e-7, 0.999_999_995]
        let columns = [ResultColumn.regionID] + Self.columns.dropFirst()
        let rows: [[FieldValue]] = values.map { v in [.string("a,\"b\""), .real(v), .real(v), .real(v)] }
            + [[.string("n"), .real(.nan), .null, .integer(42)]]
        let text = ResultWriter.csvText(ResultTable(columns: columns, rows: rows))
        var expected = "region_id,population,hazard_unknown_share,per_100k\n"
        for v in values {
            expected += "\"a,\"\"b\"\"\",\(String(format: "%.6f", v)),\(String(format: "%.8f", v)),\(String(format: "%.4f", v))\n"
        }
        expected += "n,,,42\n"
        #expect(text == expected)
    }
}
