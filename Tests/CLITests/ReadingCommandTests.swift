import Foundation
import GDALSwift
import TestSupport
import Testing

/// How inputs are read, through the commands a user runs: masks, non-finite values, densified regions,
/// broken geometries, and the warnings that replace quiet zeros.
@Suite struct ReadingCommandTests {
    /// A GeoTIFF of `width` x `height` 1-degree cells with its top-left corner at (0, height), in EPSG:4326.
    @discardableResult
    func raster(_ path: String, width: Int = 4, height: Int = 1, type: RasterDataType = .float32, bands: Int = 1,
                options: [String] = [], _ fill: (Dataset, RasterWindow) throws -> Void) throws -> String {
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: bands, type: type, options: options)
        try dataset.setGeoTransform([0, 1, 0, Double(height), 0, -1])
        try dataset.setSpatialReference(SpatialReference(epsg: 4326))
        try fill(dataset, RasterWindow(column: 0, row: 0, width: width, height: height))
        try dataset.close()
        return path
    }

    func regions(_ dir: TemporaryDirectory, _ geometries: [(String, String)], name: String = "regions.geojson") throws -> String {
        let features = geometries.map { "{\"type\":\"Feature\",\"properties\":{\"id\":\"\($0.0)\"},\"geometry\":\($0.1)}" }
        let path = dir.path(name)
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    let strip = #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,1],[0,1],[0,0]]]}"#

    func csvRow(_ path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(lines[0].split(separator: ",").map(String.init),
                                                    lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }

    @Test func analyzeHonoursAPopulationMaskAndAHazardAlphaBand() throws {
        let dir = try TemporaryDirectory()
        let population = try raster(dir.path("pop.tif")) { d, w in
            try d.band(1).write(w, values: [Float(100), 200, 300, 400])
            try d.createMaskBand()
            try d.band(1).maskBand().write(w, values: [UInt8(255), 255, 255, 0])
        }
        // Depth in band 1, alpha in band 2: the third cell is transparent, its people's hazard unknown.
        let hazard = try raster(dir.path("depth.tif"), type: .byte, bands: 2, options: ["ALPHA=YES"]) { d, w in
            try d.band(1).write(w, values: [UInt8(0), 2, 2, 2])
            try d.band(2).write(w, values: [UInt8(255), 255, 0, 255])
        }
        let regions = try regions(dir, [("all", strip)])
        let result = try CLI.run(["analyze", "--population", population, "--regions", regions, "--region-id", "id",
                                  "--hazard", hazard, "--classes", "1", "--csv", dir.path("out.csv"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let row = try csvRow(dir.path("out.csv"))
        #expect(row["population"] == "600.000000")
        #expect(row["exposed"] == "200.000000")
        #expect(row["hazard_unknown"] == "300.000000")
        let manifest = try CLI.json(String(contentsOfFile: dir.path("out.csv.manifest.json"), encoding: .utf8))
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect((inputs[0]["details"] as? [String: String])?["mask"] == "mask of the dataset (0 masked)")
        #expect((inputs[2]["details"] as? [String: String])?["mask"] == "alpha band (0 transparent)")
        #expect((inputs[1]["details"] as? [String: String])?["densification"] == nil)
    }

    @Test func aSignedBytePopulationWithNoDataMinusOne() throws {
        let dir = try TemporaryDirectory()
        let population = try raster(dir.path("int8.tif"), type: .int8) { d, w in
            try d.band(1).setNoDataValue(-1)
            try d.band(1).write(w, values: [Int8(-1), 3, -1, 4])
        }
        let result = try CLI.run(["analyze", "--population", population, "--regions", try regions(dir, [("all", strip)]),
                                  "--region-id", "id", "--csv", dir.path("out.csv"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try csvRow(dir.path("out.csv"))["population"] == "7.000000")
        let info = try CLI.json(try CLI.run(["info", "--json", population]).stdout)
        let band = try #require((info["bands"] as? [[String: Any]])?.first)
        #expect(band["dataType"] as? String == "Int8")
        #expect(band["noData"] as? Double == -1)
    }

    @Test func overflowingPopulationIsAnErrorNotAnEncodingFailure() throws {
        let dir = try TemporaryDirectory()
        let population = try raster(dir.path("huge.tif"), type: .float64) { d, w in try d.band(1).write(w, values: [1e308, 1e308, 1, 1]) }
        let result = try CLI.run(["analyze", "--population", population, "--regions", try regions(dir, [("all", strip)]),
                                  "--region-id", "id", "--csv", dir.path("out.csv"), "--output", dir.path("out.geojson")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(population): the population of region all adds up to more than the largest number"))
        #expect(!result.stderr.contains("EncodingError") && !result.stderr.contains("invalidValue"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.csv")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.csv.manifest.json")))
    }

    @Test func anInfinitePopulationCellIsNamed() throws {
        let dir = try TemporaryDirectory()
        let population = try raster(dir.path("inf.tif")) { d, w in try d.band(1).write(w, values: [Float(1), 1, 1, -.infinity]) }
        let result = try CLI.run(["analyze", "--population", population, "--regions", try regions(dir, [("all", strip)]),
                                  "--region-id", "id", "--csv", dir.path("out.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(population): the population raster holds -inf at column 3, row 0 (band 1): not a number of people"))
    }

    @Test func aPolarCapReachesItsPeopleOnAPolarStereographicGrid() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("arctic.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 100, height: 100, bands: 1, type: .float32)
        try dataset.setGeoTransform([-1_250_000, 25_000, 0, 1_250_000, 0, -25_000])
        try dataset.setSpatialReference(SpatialReference(epsg: 3413))
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 100, height: 100), values: [Float](repeating: 1, count: 10_000))
        try dataset.close()
        let cap = try regions(dir, [("cap", #"{"type":"Polygon","coordinates":[[[-180,80],[180,80],[180,90],[-180,90],[-180,80]]]}"#)])
        let result = try CLI.run(["analyze", "--population", path, "--regions", cap, "--region-id", "id", "--csv", dir.path("cap.csv"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // pi rho^2 / (25 km)^2 with rho = 1,085,920.3 m, the distance of 80 N from the pole in EPSG:3413.
        let population = try #require(Double(try csvRow(dir.path("cap.csv"))["population"] ?? ""))
        #expect(abs(population - 5_927.4208) < 0.06, "\(population)")
        let manifest = try CLI.json(String(contentsOfFile: dir.path("cap.csv.manifest.json"), encoding: .utf8))
        let regionsInput = try #require((manifest["inputs"] as? [[String: Any]])?.first { $0["role"] as? String == "regions" })
        let note = try #require((regionsInput["details"] as? [String: String])?["densification"])
        #expect(note.hasPrefix("edges densified in the regions' CRS (WGS 84)"))
    }

    @Test func brokenRegionsAndRegionsWithoutPolygonsAreErrorsAboutTheRegionsFile() throws {
        let dir = try TemporaryDirectory()
        let population = try raster(dir.path("pop.tif")) { d, w in try d.band(1).write(w, values: [Float](repeating: 1, count: 4)) }
        let open = try regions(dir, [("R7", #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,1],[0,1]]]}"#)], name: "open.geojson")
        let broken = try CLI.run(["analyze", "--population", population, "--regions", open, "--region-id", "id", "--csv", dir.path("x.csv")])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("error: \(open): region R7: the geometry is broken (the outer ring is not closed"))
        #expect(!broken.stderr.contains("IllegalArgumentException"))

        let points = try regions(dir, [("a", #"{"type":"Point","coordinates":[1,0.5]}"#), ("b", "null")], name: "points.geojson")
        let none = try CLI.run(["analyze", "--population", population, "--regions", points, "--region-id", "id", "--csv", dir.path("x.csv")])
        #expect(none.status == 1)
        #expect(none.stderr.contains("error: \(points): no feature of layer 'points' is a polygon (1 Point, 1 without geometry)"))
        #expect(!none.stderr.contains("no data"))

        let mixed = try regions(dir, [("all", strip), ("town", #"{"type":"Point","coordinates":[1,0.5]}"#)], name: "mixed.geojson")
        let warned = try CLI.run(["analyze", "--population", population, "--regions", mixed, "--region-id", "id",
                                  "--csv", dir.path("m.csv"), "--output", dir.path("m.gpkg")])
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains("warning: \(mixed): region town is a Point, not a polygon"))
    }

    @Test func waterWarnsAboutAnAllZeroBandAndHonoursTheSceneMask() throws {
        let dir = try TemporaryDirectory()
        // A 4-band UInt16 scene: green (band 2) fine, NIR (band 4) all zero.
        let scene = try raster(dir.path("scene.tif"), type: .uint16, bands: 4) { d, w in
            for band in 1...3 { try d.band(band).write(w, values: [UInt16(900), 800, 700, 600]) }
            try d.band(4).write(w, values: [UInt16](repeating: 0, count: 4))
        }
        let result = try CLI.run(["water", "--image", scene, "--bands", "green=2,nir=4", "--threshold", "0", "--output", dir.path("w.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(scene): band 4 has no valid pixel (of 4: 4 are 0 (fill))"))

        let saturated = try raster(dir.path("saturated.tif"), type: .byte, bands: 4) { d, w in
            for band in 1...3 { try d.band(band).write(w, values: [UInt8(90), 80, 70, 60]) }
            try d.band(4).write(w, values: [UInt8(255), 255, 20, 255])
        }
        let hot = try CLI.run(["water", "--image", saturated, "--bands", "green=2,nir=4", "--threshold", "0", "--output", dir.path("s.tif")])
        #expect(hot.status == 0, "\(hot.stderr)")
        #expect(hot.stderr.contains("warning: \(saturated): 75.0 % of the pixels of band 4 are saturated (255, the type's maximum)"))

        // A per-dataset mask: the masked pixel is no data (255) in the water mask.
        let masked = try raster(dir.path("masked.tif"), type: .uint16, bands: 4) { d, w in
            for band in 1...4 { try d.band(band).write(w, values: [UInt16(900), 800, 700, 600]) }
            try d.band(4).write(w, values: [UInt16(100), 100, 100, 2000])
            try d.createMaskBand()
            try d.band(1).maskBand().write(w, values: [UInt8(0), 255, 255, 255])
        }
        let water = try CLI.run(["water", "--image", masked, "--bands", "green=2,nir=4", "--threshold", "0", "--output", dir.path("m.tif")])
        #expect(water.status == 0, "\(water.stderr)")
        #expect(try Dataset.open(dir.path("m.tif")).band(1).readAll(as: UInt8.self) == [255, 1, 1, 0])
    }

    @Test func inundateWarnsAboutAnAllNoDataDEMAndHonoursItsMask() throws {
        let dir = try TemporaryDirectory()
        let empty = try raster(dir.path("empty.tif")) { d, w in
            try d.band(1).setNoDataValue(-32768)
            try d.band(1).write(w, values: [Float](repeating: -32768, count: 4))
        }
        let result = try CLI.run(["inundate", "--dem", empty, "--sea-level", "2", "--sea-edge", "west", "--output", dir.path("d.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(empty): the DEM has no elevation at all (every cell is nodata, masked or NaN): nothing can flood"))

        // Elevations 0, 1, 5, 0 from the west coast; the masked second cell is no data and stops the water.
        let masked = try raster(dir.path("masked.tif")) { d, w in
            try d.band(1).write(w, values: [Float(0), 1, 5, 0])
            try d.createMaskBand()
            try d.band(1).maskBand().write(w, values: [UInt8(255), 0, 255, 255])
        }
        let flooded = try CLI.run(["inundate", "--dem", masked, "--sea-level", "2", "--sea-edge", "west", "--output", dir.path("m.tif")])
        #expect(flooded.status == 0, "\(flooded.stderr)")
        #expect(try Dataset.open(dir.path("m.tif")).band(1).readAll(as: Float.self) == [2, -9999, 0, 0])
    }

    @Test func gridWarnsAboutNegativeCensusCounts() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("census.geojson")
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"people":100},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
        {"type":"Feature","properties":{"people":-40},"geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,1],[2,1],[2,0]]]}}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["grid", "--census", path, "--count", "people", "--resolution", "1", "--crs", "EPSG:4326",
                                  "--output", dir.path("grid.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(path): 1 feature(s) have a negative 'people' (1 (-40.0)); counted as 0"))
        let cells = try Dataset.open(dir.path("grid.tif")).band(1).readAll(as: Double.self)
        #expect(abs(cells.reduce(0, +) - 100) < 1e-9)
        #expect(cells.allSatisfy { $0 >= 0 })
    }
}
