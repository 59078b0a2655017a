import Foundation
import GDALSwift
import TestSupport
import Testing

/// Every output opened in QGIS itself (headless, through its Python bindings, Debian python3-qgis) by
/// scripts/qgis-check.py: it loads, vector layers get the default style (rules per class and the hatch of
/// incomplete hazard data, labels on), numbers are numbers (CSV included), masks show their category
/// names, and each layer drawn with its default style is a real map. `make test` installs the bindings
/// and sets EXPOSURE_REQUIRE_QGIS=1, so there a missing QGIS fails instead of skipping.
@Suite struct QGISTests {
    static let python = "/usr/bin/python3"

    static var qgisAvailable: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import qgis.core"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static var required: Bool { ProcessInfo.processInfo.environment["EXPOSURE_REQUIRE_QGIS"] == "1" }

    func check(_ files: [String], in dir: TemporaryDirectory) throws -> [String: [String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [CLI.packageRoot.appendingPathComponent("scripts/qgis-check.py").path, dir.path("qgis.json"), dir.path("")] + files
        var environment = ProcessInfo.processInfo.environment
        environment["QT_QPA_PLATFORM"] = "offscreen"
        environment["XDG_RUNTIME_DIR"] = dir.path("")
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("qgis.json")))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { (($0["path"] as? String) ?? "", $0) })
    }

    /// Distinct colours of a PNG QGIS drew, read back with GDAL.
    func colours(_ png: String) throws -> Set<UInt32> {
        let dataset = try Dataset.open(png)
        var set = Set<UInt32>()
        let bands = try (1...min(3, dataset.bandCount)).map { try dataset.band($0).readAll(as: UInt8.self) }
        for i in stride(from: 0, to: bands[0].count, by: 7) {
            set.insert(bands.reduce(UInt32(0)) { $0 << 8 | UInt32($1[i]) })
        }
        return set
    }

    @Test func everyOutputOpensStyledAndSelfDescribing() throws {
        guard Self.qgisAvailable else {
            #expect(!Self.required, "QGIS's Python bindings are missing: install python3-qgis (make test does)")
            return
        }
        let dir = try TemporaryDirectory()
        let sample = "sample-rasters"
        let people = ["--population", "\(sample)/population.tif", "--regions", "\(sample)/municipalities.geojson",
                      "--region-id", "code", "--region-name", "name", "--quiet"]
        var result = try CLI.run(["analyze"] + people + ["--hazard", "\(sample)/flood_baseline_rp100.tif", "--preset", "flood-depth",
                                                        "--output", dir.path("flood.gpkg"), "--csv", dir.path("flood.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["analyze"] + people + ["--hazard", "\(sample)/flood_baseline_rp100.tif", "--preset", "flood-depth",
                                                    "--output", dir.path("flood.geojson")])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("run"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["water", "--image", "\(sample)/optical_after.tif", "--sensor", "landsat8", "--output", dir.path("water.tif"),
                              "--index-output", dir.path("ndwi.tif"), "--distance-output", dir.path("distance.tif"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["flood-extent", "--kind", "optical", "--sensor", "landsat8", "--before", "\(sample)/optical_before.tif",
                              "--after", "\(sample)/optical_after.tif", "--output", dir.path("flood_mask.tif")] + people
                             + ["--exposure-output", dir.path("flood_people.gpkg")])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CLI.run(["inundate", "--dem", "\(sample)/dem.tif", "--sea-level", "3", "--sea-edge", "east",
                              "--output", dir.path("surge.tif"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")

        let vectors = ["flood.gpkg", "flood.geojson", "run/regions.geojson", "flood_people.gpkg"].map { dir.path($0) }
        let tables = ["flood.csv", "run/annual.csv", "run/by_return_period.csv"].map { dir.path($0) }
        let masks = ["water.tif", "flood_mask.tif"].map { dir.path($0) }
        let ramps = ["ndwi.tif", "distance.tif", "surge.tif"].map { dir.path($0) }
        let seen = try check(vectors + tables + masks + ramps, in: dir)

        for path in vectors {
            let layer = try #require(seen[path], "\(path)")
            #expect(layer["valid"] as? Bool == true, "\(path)")
            #expect(layer["renderer"] as? String == "RuleRenderer", "\(path)")
            let rules = (layer["rules"] as? [[String: Any]]) ?? []
            #expect(rules.contains { ($0["label"] as? String)?.hasPrefix("hazard data incomplete (> 5 % of people)") == true }, "\(path)")
            #expect(rules.contains { $0["label"] as? String == "0" }, "\(path): zero is its own class")
            #expect(rules.count >= 3, "\(path)")
            #expect(layer["labels"] as? Bool == true, "\(path)")
            let numeric = (layer["numericFields"] as? [String]) ?? []
            #expect(numeric.contains("population") && numeric.contains("hazard_unknown_share"), "\(path): \(numeric)")
            #expect((layer["aliases"] as? [String: String])?["population"] == "Population", "\(path)")
            #expect((layer["displayPrecision"] as? [String: Int])?["population"] == 0, "\(path)")
            // The map QGIS drew: classes in several colours, plus the hatch's dark lines.
            let png = try #require(layer["png"] as? String)
            let drawn = try colours(png)
            #expect(drawn.count >= 4, "\(path): \(drawn.count) colours")
            #expect(drawn.contains { ($0 >> 16) & 255 < 60 && ($0 >> 8) & 255 < 60 && $0 & 255 < 60 }, "\(path): no hatch lines")
        }
        // El Carmen (RV04) has 46 % of its people outside the hazard raster: the hatch rule's filter catches it.
        let analyzeRules = (seen[dir.path("flood.gpkg")]?["rules"] as? [[String: Any]]) ?? []
        #expect(analyzeRules.last?["filter"] as? String == "\"hazard_unknown_share\" > 0.05")

        for path in tables {
            let table = try #require(seen[path], "\(path)")
            #expect(table["valid"] as? Bool == true, "\(path)")
            let numeric = (table["numericFields"] as? [String]) ?? []
            #expect(numeric.contains("hazard_unknown_share"), "\(path): \(numeric)")
            #expect(!numeric.contains("region_id"), "\(path)")
        }
        for path in masks {
            let mask = try #require(seen[path], "\(path)")
            #expect(mask["renderer"] as? String == "paletted", "\(path)")
            let labels = ((mask["classes"] as? [[String: Any]]) ?? []).compactMap { $0["label"] as? String }
            #expect(labels.contains("no data"), "\(path): \(labels)")
            #expect(labels.contains(path.hasSuffix("water.tif") ? "water" : "flooded"), "\(path): \(labels)")
            #expect(labels.contains(path.hasSuffix("water.tif") ? "not water" : "not flooded"), "\(path): \(labels)")
        }
        for path in ramps {
            let raster = try #require(seen[path], "\(path)")
            #expect(raster["renderer"] as? String == "singlebandpseudocolor", "\(path)")
        }
    }
}
