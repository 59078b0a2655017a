import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift
@testable import ExposureProducts
import TestSupport
import Testing

/// Geometries of GeoJSON made by exposure, compared with what GDAL's driver makes of the same features: numbers
/// as printf and OGR print them, rings turned as OGR turns them, and whole files byte for byte.
@Suite struct RFC7946GeometryTests {
    static let olinda = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/olinda/olinda1.shp").path

    /// Values of every kind a coordinate takes, and the edges of the rounding: ties, runs of zeros and nines.
    static func values() -> [Double] {
        var random = SeededGenerator(seed: 11)
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1e-9, -1e-9, 5e-8, 4.9999999e-8, 1.5e-7, 2.5e-7, 0.00000005,
                                179.99999999, -179.99999995, 90, -77.1000001, 123.0000001, 45.9999999, 12345.000000011,
                                1234.5000001, 5.00000049, 999_999_999_999_999, 1e15, 1e20, 1e50, 1e51, .leastNonzeroMagnitude,
                                Double.leastNormalMagnitude, 0.1, 0.2, 0.3, 1.0 / 3]
        for _ in 0..<20_000 {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: values.append(Double.random(in: -180...180, using: &random))
            case 1: values.append(Double.random(in: -2...2, using: &random))
            case 2: values.append(Double.random(in: -1e9...1e9, using: &random))
            // Exactly 7 decimals (a tie at the 8th is never exact in binary, but close).
            case 3: values.append((Double.random(in: -180...180, using: &random) * 1e7).rounded() / 1e7)
            // Runs of zeros and nines in the decimals.
            case 4: values.append((Double.random(in: -180...180, using: &random) * 1e3).rounded() / 1e3
                                  + Double(Int.random(in: -2...2, using: &random)) * 1e-7)
            default: values.append((Double.random(in: -180...180, using: &random) * 1e2).rounded() / 1e2
                                   + Double(Int.random(in: -3...3, using: &random)) * 5e-8)
            }
        }
        return values
    }

    /// Fixed decimals made by FixedDecimals, as coordinates (7) and CSV fields (0 to 8) are written, are what
    /// printf writes.
    @Test func fixedDecimalsAreWhatPrintfWrites() {
        var number = [CChar](repeating: 0, count: 64)
        // Exact ties at every count of decimals, values that round to zero, the largest handled, and a quarter
        // of the random ones (all of them at 7 decimals).
        let ties: [Double] = [0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.004, 0.0625, 1.0 / 1024, 123.456, -0.0, -1e-9, 4.5e-9,
                              999_999_999_999_999, 123_456_789_012_345.6]
        let values = ties + Self.values().enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        let all = ties + Self.values()
        for decimals in 0...FixedDecimals.maximumDecimals {
            var checked = 0
            for v in decimals == 7 ? all : values {
                var ours: [UInt8] = []
                guard FixedDecimals.append(v, decimals: decimals, to: &ours) else {
                    #expect(abs(v) >= 1e15)
                    continue
                }
                let printf = number.withUnsafeMutableBufferPointer { buffer in
                    withVaList([Int32(decimals), v]) { _ = vsnprintf(buffer.baseAddress, buffer.count, "%.*f", $0) }
                    return String(cString: buffer.baseAddress!)
                }
                #expect(String(decoding: ours, as: UTF8.self) == printf, "\(v) at \(decimals) decimals")
                checked += 1
            }
            #expect(checked > 4_000)
        }
        var out: [UInt8] = []
        #expect(!FixedDecimals.append(.nan, decimals: 6, to: &out) && !FixedDecimals.append(.infinity, decimals: 6, to: &out))
        #expect(!FixedDecimals.append(1, decimals: 9, to: &out) && out.isEmpty)
    }

    @Test func coordinatesAreWhatOGRWrites() throws {
        var fast = 0
        for v in Self.values() {
            var ours: [UInt8] = []
            #expect(try RFC7946Geometry.appendCoordinate(v, to: &ours))
            let theirs = try RFC7946Geometry.ogrCoordinate(v)
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: theirs, as: UTF8.self), "\(v)")
            if let digits = FixedDecimals.split(v, decimals: 7), !String(digits.fraction + 10_000_000).contains("0000"),
               !String(digits.fraction).contains("9999") { fast += 1 }
        }
        // Most values are made here, not asked of OGR.
        #expect(fast > 10_000)
        var out: [UInt8] = []
        #expect(try !RFC7946Geometry.appendCoordinate(.nan, to: &out))
        #expect(try !RFC7946Geometry.appendCoordinate(-.infinity, to: &out))
    }

    /// Rings OGR turns by its pivot vertex and rings it turns by the shoelace sum (a repeated lowest vertex, a
    /// neighbour within 1e-5), in both orientations, with holes, as polygons and multipolygons, in WGS 84.
    static func trickyRegions(in dir: TemporaryDirectory, crs: String = "EPSG:4326") throws -> String {
        let path = dir.path("tricky.gpkg")
        let dataset = try Driver.named("GPKG").createVector(path: path)
        let layer = try dataset.createLayer(name: "regions", spatialReference: try SpatialReference(definition: crs), geometryType: .multiPolygon)
        try layer.createField(FieldDefinition(name: "code", type: .string))
        var random = SeededGenerator(seed: 5)
        for i in 0..<240 {
            let x = -75 + Double(i % 20) * 0.01 + Double.random(in: 0..<1e-6, using: &random)
            let y = 5 + Double(i / 20) * 0.01 + Double.random(in: 0..<1e-6, using: &random)
            let s = i % 3 == 0 ? 4e-6 : 0.004  // some rings smaller than OGR's 1e-5 tolerance
            var exterior = [MapPoint(x: x, y: y), MapPoint(x: x + s, y: y), MapPoint(x: x + s, y: y + s),
                            MapPoint(x: x + s / 3, y: y + s * 1.1), MapPoint(x: x, y: y + s)]
            if i % 5 == 1 { exterior.insert(MapPoint(x: x + s, y: y), at: 2) }  // the lowest rightmost vertex repeated
            if i % 7 == 2 { exterior.insert(MapPoint(x: x + s - 3e-6, y: y + 2e-6), at: 2) }  // a near neighbour
            exterior.append(exterior[0])
            if i % 2 == 0 { exterior.reverse() }
            var hole = [MapPoint(x: x + s * 0.3, y: y + s * 0.3), MapPoint(x: x + s * 0.6, y: y + s * 0.3),
                        MapPoint(x: x + s * 0.6, y: y + s * 0.6), MapPoint(x: x + s * 0.3, y: y + s * 0.3)]
            if i % 4 < 2 { hole.reverse() }
            let polygon = i % 3 == 1 ? [exterior, hole] : [exterior]
            let geometry: GeometryValue = i % 6 == 5
                ? .multiPolygon([polygon, [[MapPoint(x: x, y: y - 0.002), MapPoint(x: x + 0.001, y: y - 0.002),
                                            MapPoint(x: x, y: y - 0.001), MapPoint(x: x, y: y - 0.002)]]])
                : .multiPolygon([polygon])
            try layer.addFeature(values: [.string("T\(i)")], geometry: try Geometry(geometry))
        }
        try dataset.close()
        return path
    }

    /// Squares of 30 km in UTM zone 1N, every other one across the antimeridian (cut there by GDAL's
    /// transformer into a two-part multipolygon).
    static func antimeridianRegions(in dir: TemporaryDirectory) throws -> String {
        let path = dir.path("antimeridian.gpkg")
        let dataset = try Driver.named("GPKG").createVector(path: path)
        let layer = try dataset.createLayer(name: "regions", spatialReference: try SpatialReference(epsg: 32601), geometryType: .multiPolygon)
        try layer.createField(FieldDefinition(name: "code", type: .string))
        for i in 0..<220 {
            // 180 degrees east is near x = 166 000 m at these latitudes.
            let x = (i % 2 == 0 ? 150_000 : 200_000) + Double(i % 7) * 1000.5, y = 500_000 + Double(i) * 31_000
            let ring = [MapPoint(x: x, y: y), MapPoint(x: x + 30_000, y: y), MapPoint(x: x + 30_000, y: y + 30_000),
                        MapPoint(x: x, y: y + 30_000), MapPoint(x: x, y: y)]
            try layer.addFeature(values: [.string("A\(i)")], geometry: try Geometry(.multiPolygon([[ring]])))
        }
        try dataset.close()
        return path
    }

    /// The GeoJSON of one driver (1 thread) and of the parts with geometries made here (2 threads): the same bytes.
    /// Also in OGC:CRS84 (the same as WGS 84 to the driver: no reprojection) and in WGS 84 with heights (3 axes:
    /// the driver reprojects to EPSG:4979, and writes those geometries itself).
    @Test(arguments: ["tricky", "olinda", "utm", "antimeridian", "crs84", "heights"])
    func filesAreTheBytesOfGDALsDriver(regions name: String) throws {
        let dir = try TemporaryDirectory()
        let path: String, idField: String
        switch name {
        case "tricky": (path, idField) = (try Self.trickyRegions(in: dir), "code")
        case "antimeridian": (path, idField) = (try Self.antimeridianRegions(in: dir), "code")
        case "crs84": (path, idField) = (try Self.trickyRegions(in: dir, crs: "OGC:CRS84"), "code")
        case "heights": (path, idField) = (try Self.trickyRegions(in: dir, crs: "EPSG:4326+5773"), "code")
        case "olinda": (path, idField) = (Self.olinda, "CD_GEOCODI")
        default:
            // Olinda's tracts in UTM 25S: reprojected by GDAL, as the driver reprojects them.
            path = dir.path("utm.gpkg")
            let source = try Dataset.open(Self.olinda, kinds: .vector)
            let target = try Driver.named("GPKG").createVector(path: path)
            let layer = try target.createLayer(name: "utm", spatialReference: try SpatialReference(epsg: 31985), geometryType: .multiPolygon)
            try layer.createField(FieldDefinition(name: "code", type: .string))
            let sourceLayer = try source.layer(at: 0)
            let transformation = try CoordinateTransformation(from: try sourceLayer.spatialReference()!, to: try SpatialReference(epsg: 31985))
            for feature in try sourceLayer.readFeatures() {
                let geometry = try feature.geometry!.asMultiPolygon().clone()
                try geometry.transform(with: transformation)
                try layer.addFeature(values: [feature["CD_GEOCODI"]!], geometry: geometry)
            }
            try target.close()
            idField = "code"
        }
        let crs = try #require(try SpatialReference.of(file: path))
        let regions = try RegionSet(path: path, layer: nil, idField: idField, nameField: nil, targetCRS: crs,
                                    targetCellSize: crs.isGeographic ? 1e-4 : 10, assumeCRS: nil)
        // Nearly every geometry is made here (none falls back to the driver in these files).
        let maker = try RFC7946Geometry(crs: regions.spatialReference)
        if name == "heights" {
            #expect(maker == nil)
        } else {
            let made = try regions.geometries.compactMap { try $0.flatMap { try maker!.text(try $0.asMultiPolygon()) } }
            #expect(made.count == regions.geometries.compactMap { $0 }.count)
        }
        // Property values holding what the joining looks for: quotes, a line break, the driver's null geometry.
        var random = SeededGenerator(seed: 2)
        let table = ResultTable(columns: [.regionID, .population], rows: regions.ids.enumerated().map { i, id in
            [.string(i % 5 == 1 ? "\(id) \"geometry\": null }\n\\" : id), .real(Double.random(in: 0..<1e5, using: &random))]
        })
        var written: [Data] = []
        for threads in [1, 2] {
            let output = dir.path("out-\(threads).geojson")
            let outputs = try OutputSet(inputs: [path])
            try outputs.add(output, role: "--output")
            try ResultWriter.writeVector(table, regions: regions, to: output, threads: threads, outputs: outputs)
            try outputs.commit()
            written.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(written[0].count > 10_000)
        if name == "antimeridian" { #expect(String(decoding: written[0], as: UTF8.self).contains("MultiPolygon")) }
        #expect(written[0] == written[1])
        // The parts were joined with the geometries made here (not left to one driver because they could not be).
        let direct = dir.path("direct.geojson")
        #expect(try GeoJSONParts.write(table, regions: regions, to: direct, parts: 3))
        #expect(try Data(contentsOf: URL(fileURLWithPath: direct)) == written[0])
    }

    /// Parts that do not hold one line per feature, or a feature whose line does not end in the driver's null
    /// geometry, are not joined (the layer is then written by one driver).
    @Test func partsThatDoNotMatchTheirGeometriesAreNotJoined() {
        let head = "{\n\"type\": \"FeatureCollection\",\n\"features\": [\n", tail = "\n]\n}\n"
        let two = Data((head + "{ \"type\": \"Feature\", \"geometry\": null },\n{ \"type\": \"Feature\", \"geometry\": null }" + tail).utf8)
        let text = "{ \"type\": \"Point\" }"
        let joined = GeoJSONParts.join([two], geometries: [[text, nil]])
        #expect(joined.map { String(decoding: $0, as: UTF8.self) }
                == head + "{ \"type\": \"Feature\", \"geometry\": \(text) },\n{ \"type\": \"Feature\", \"geometry\": null }" + tail)
        #expect(GeoJSONParts.join([two], geometries: [[text]]) == nil)
        #expect(GeoJSONParts.join([two], geometries: [[text, nil, nil]]) == nil)
        #expect(GeoJSONParts.join([two], geometries: [[]]) == nil)
        #expect(GeoJSONParts.join([two], geometries: []) == nil)
        let drawn = Data((head + "{ \"type\": \"Feature\", \"geometry\": { } },\n{ \"type\": \"Feature\", \"geometry\": null }" + tail).utf8)
        #expect(GeoJSONParts.join([drawn], geometries: [[text, nil]]) == nil)
    }
}
