import Foundation
import GDALSwift
import TestSupport
import Testing

/// `analyze --part I/N` and `merge`: the parts of any split add up to the whole run, and merge refuses
/// parts that are missing, repeated or from another analysis (docs/methodology.md, "Parts and merge").
@Suite struct PartsCommandTests {
    let base = ["analyze", "--region-id", "code", "--region-name", "name", "--regions", "sample-rasters/municipalities.geojson",
                "--hazard", "sample-rasters/flood_baseline_rp100.tif", "--preset", "flood-depth"]

    /// Every numeric property of every feature of a GeoJSON output (full doubles), by region id.
    func figures(_ path: String) throws -> [String: [String: Double]] {
        let json = try CLI.json(String(contentsOfFile: path, encoding: .utf8))
        var out: [String: [String: Double]] = [:]
        for feature in try #require(json["features"] as? [[String: Any]]) {
            let properties = try #require(feature["properties"] as? [String: Any])
            out[try #require(properties["region_id"] as? String)] = properties.compactMapValues { $0 as? Double }
        }
        return out
    }

    func expectEqual(_ merged: [String: [String: Double]], _ whole: [String: [String: Double]]) {
        #expect(merged.keys.sorted() == whole.keys.sorted())
        for (id, values) in whole {
            #expect(merged[id]?.keys.sorted() == values.keys.sorted())
            for (key, value) in values {
                let other = merged[id]?[key] ?? .nan
                #expect(abs(other - value) <= 1e-12 * max(1, abs(value)), "\(id) \(key): \(other) vs \(value)")
            }
        }
    }

    func runParts(_ arguments: [String], parts: Int, in dir: TemporaryDirectory, name: String) throws -> [String] {
        try (0..<parts).map { i in
            let path = dir.path("\(name)-\(i)-of-\(parts).json")
            let run = try CLI.run(arguments + ["--part", "\(i)/\(parts)", "--partial", path])
            #expect(run.status == 0, "\(run.stderr)")
            return path
        }
    }

    @Test(arguments: [1, 2, 3, 7])
    func partsMergeToTheWholeRunOnTheSampleBasin(parts: Int) throws {
        let dir = try TemporaryDirectory()
        let arguments = base + ["--population", "sample-rasters/population.tif",
                                "--population-group", "women=sample-rasters/population_female.tif",
                                "--group-ratios", "examples/groups/generic-ratios.yaml", "--needs", "examples/needs/sphere.yaml"]
        let whole = try CLI.run(arguments + ["--output", dir.path("whole.geojson")])
        #expect(whole.status == 0, "\(whole.stderr)")
        let paths = try runParts(arguments, parts: parts, in: dir, name: "part")
        // Any order.
        let merged = try CLI.run(["merge"] + paths.reversed() + ["--output", dir.path("merged.geojson"), "--csv", dir.path("merged.csv")])
        #expect(merged.status == 0, "\(merged.stderr)")
        expectEqual(try figures(dir.path("merged.geojson")), try figures(dir.path("whole.geojson")))
        let manifest = try CLI.json(String(contentsOfFile: dir.path("merged.csv.manifest.json"), encoding: .utf8))
        #expect(((manifest["mergedFrom"] as? [String: Any])?["files"] as? [String])?.count == parts)
    }

    /// A generated population (random counts on a 64 x 64-tiled grid over the sample basin, so the grid has
    /// many chunks of its own) without a hazard.
    @Test(arguments: [2, 7])
    func partsMergeToTheWholeRunOnAGeneratedGrid(parts: Int) throws {
        let dir = try TemporaryDirectory()
        let source = try Dataset.open(CLI.packageRoot.path + "/sample-rasters/population.tif", kinds: .raster)
        let width = source.width * 3, height = source.height * 3
        let raster = try Driver.named("GTiff").createRaster(path: dir.path("random.tif"), width: width, height: height, bands: 1,
                                                            type: .float32, options: ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"])
        var transform = try #require(try source.geoTransform())
        transform[1] /= 3
        transform[5] /= 3
        try raster.setGeoTransform(transform)
        try raster.setSpatialReference(try #require(try source.spatialReference()))
        var state: UInt64 = 12345
        let values = (0..<(width * height)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 30
        }
        try raster.band(1).write(RasterWindow(column: 0, row: 0, width: width, height: height), values: values)
        try raster.close()
        let arguments = ["analyze", "--population", dir.path("random.tif"), "--regions", "sample-rasters/municipalities.geojson",
                         "--region-id", "code"]
        let whole = try CLI.run(arguments + ["--output", dir.path("whole.geojson")])
        #expect(whole.status == 0, "\(whole.stderr)")
        let paths = try runParts(arguments, parts: parts, in: dir, name: "g")
        let merged = try CLI.run(["merge"] + paths + ["--output", dir.path("merged.geojson")])
        #expect(merged.status == 0, "\(merged.stderr)")
        expectEqual(try figures(dir.path("merged.geojson")), try figures(dir.path("whole.geojson")))
    }

    @Test func mergeRefusesMissingRepeatedAndForeignParts() throws {
        let dir = try TemporaryDirectory()
        let arguments = base + ["--population", "sample-rasters/population.tif"]
        let paths = try runParts(arguments, parts: 3, in: dir, name: "a")
        let missing = try CLI.run(["merge", paths[0], paths[2], "--csv", dir.path("m.csv")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("part(s) 1 of 3 are missing"), "\(missing.stderr)")
        let twice = try CLI.run(["merge", paths[0], paths[1], paths[1], paths[2], "--csv", dir.path("m.csv")])
        #expect(twice.stderr.contains("part 1 of 3 is given twice"), "\(twice.stderr)")
        // A part of another analysis (another hazard raster).
        let other = base.map { $0 == "sample-rasters/flood_baseline_rp100.tif" ? "sample-rasters/flood_baseline_rp10.tif" : $0 }
        let foreign = try runParts(other + ["--population", "sample-rasters/population.tif"], parts: 3, in: dir, name: "b")
        let mixed = try CLI.run(["merge", paths[0], foreign[1], paths[2], "--csv", dir.path("m.csv")])
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains(foreign[1]) && mixed.stderr.contains("another analysis"), "\(mixed.stderr)")
        // Parts of another split.
        let split = try runParts(arguments, parts: 2, in: dir, name: "c")
        let splits = try CLI.run(["merge", paths[0], paths[1], split[1], "--csv", dir.path("m.csv")])
        #expect(splits.stderr.contains("different splits"), "\(splits.stderr)")
        // Not a partial result at all.
        try "{}".write(toFile: dir.path("junk.json"), atomically: true, encoding: .utf8)
        let junk = try CLI.run(["merge", dir.path("junk.json"), "--csv", dir.path("m.csv")])
        #expect(junk.stderr.contains("junk.json") && junk.stderr.contains("not a partial result"), "\(junk.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("m.csv")))
        // --part needs --partial, and no outputs.
        let noPartial = try CLI.run(arguments + ["--part", "0/3", "--csv", dir.path("m.csv")])
        #expect(noPartial.status != 0)
        let badPart = try CLI.run(arguments + ["--part", "3/3", "--partial", dir.path("p.json")])
        #expect(badPart.stderr.contains("0 <= I < N"), "\(badPart.stderr)")
    }

    @Test func mergeRefusesInputsChangedSinceTheParts() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: CLI.packageRoot.path + "/sample-rasters/population.tif", toPath: dir.path("pop.tif"))
        let arguments = base + ["--population", dir.path("pop.tif")]
        let paths = try runParts(arguments, parts: 2, in: dir, name: "p")
        try FileManager.default.removeItem(atPath: dir.path("pop.tif"))
        try FileManager.default.copyItem(atPath: CLI.packageRoot.path + "/sample-rasters/population_female.tif", toPath: dir.path("pop.tif"))
        let merged = try CLI.run(["merge"] + paths + ["--csv", dir.path("m.csv")])
        #expect(merged.status != 0)
        #expect(merged.stderr.contains("pop.tif") && merged.stderr.contains("changed since"), "\(merged.stderr)")
    }

    @Test(arguments: [1, 2, 3, 7])
    func runPartsMergeToTheWholeRun(parts: Int) throws {
        let dir = try TemporaryDirectory()
        let whole = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("whole")])
        #expect(whole.status == 0, "\(whole.stderr)")
        let paths = try (0..<parts).map { i -> String in
            let path = dir.path("run-\(i).json")
            let run = try CLI.run(["run", "examples/sample-floods.yaml", "--part", "\(i)/\(parts)", "--partial", path])
            #expect(run.status == 0, "\(run.stderr)")
            return path
        }
        let merged = try CLI.run(["merge"] + paths.reversed() + ["--output-dir", dir.path("merged")])
        #expect(merged.status == 0, "\(merged.stderr)")
        expectEqual(try figures(dir.path("merged/regions.geojson")), try figures(dir.path("whole/regions.geojson")))
        for table in ["annual.csv", "by_return_period.csv"] {
            #expect(try String(contentsOfFile: dir.path("merged/\(table)"), encoding: .utf8)
                    == String(contentsOfFile: dir.path("whole/\(table)"), encoding: .utf8), "\(table)")
        }
        let manifest = try CLI.json(String(contentsOfFile: dir.path("merged/run.json"), encoding: .utf8))
        #expect((manifest["mergedFrom"] as? [String: Any])?["parts"] as? Int == parts)
    }

    @Test func runPartsAreRefusedWhereEachPartWouldRedoWork() throws {
        let dir = try TemporaryDirectory()
        // Olinda's scenario file generates its inundation from the DEM: parts would each do it again.
        let olinda = try CLI.run(["run", "examples/olinda-sea-level.yaml", "--part", "0/2", "--partial", dir.path("o.json")])
        #expect(olinda.status != 0)
        #expect(olinda.stderr.contains("exposure inundate") || olinda.stderr.contains("exposure grid"), "\(olinda.stderr)")
        // Parts of a run and of an analysis do not mix, and each merges only its own way.
        let run = try CLI.run(["run", "examples/sample-floods.yaml", "--part", "0/2", "--partial", dir.path("r0.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let analysis = try runParts(base + ["--population", "sample-rasters/population.tif"], parts: 2, in: dir, name: "a")
        let mixed = try CLI.run(["merge", dir.path("r0.json"), analysis[1], "--output-dir", dir.path("m")])
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains("another analysis"), "\(mixed.stderr)")
        let wrongWay = try CLI.run(["merge"] + analysis + ["--output-dir", dir.path("m")])
        #expect(wrongWay.stderr.contains("--output"), "\(wrongWay.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("m")))
    }
}
