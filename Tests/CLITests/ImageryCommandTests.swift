import Foundation
import GDALSwift
import TestSupport
import Testing

@Suite struct ImageryCommandTests {
    @Test func olindaNDWIEqualsTheHandComputationAndFindsTheSea() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["water", "--image", CLI.olinda("L7_ETMs.tif"), "--sensor", "landsat7",
                                  "--output", dir.path("water.tif"), "--index-output", dir.path("ndwi.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("NDWI threshold 0.3410 (Otsu); water 16.08 %"))
        let scene = try Dataset.open(CLI.olinda("L7_ETMs.tif"))
        let green = try scene.band(2).readAll(as: Double.self), nir = try scene.band(4).readAll(as: Double.self)
        let ndwi = try Dataset.open(dir.path("ndwi.tif")).band(1).readAll(as: Float.self)
        var checked = 0
        for i in green.indices {
            let valid = green[i] > 0 && nir[i] > 0 && green[i] < 255 && nir[i] < 255
            if valid {
                #expect(abs(Double(ndwi[i]) - (green[i] - nir[i]) / (green[i] + nir[i])) < 1e-6)
                checked += 1
            } else {
                #expect(ndwi[i] == -9999)
            }
        }
        #expect(checked == 122_837)
        // The Atlantic fills the scene's south-east corner; the hills in the north-west are land.
        let water = try Dataset.open(dir.path("water.tif"))
        let mask = try water.band(1).readAll(as: UInt8.self)
        func share(_ rows: Range<Int>, _ columns: Range<Int>) -> Double {
            var wet = 0, all = 0
            for r in rows { for c in columns { all += 1; if mask[r * 349 + c] == 1 { wet += 1 } } }
            return Double(wet) / Double(all)
        }
        #expect(share(300..<352, 300..<349) > 0.95)
        #expect(share(0..<100, 0..<100) < 0.02)
        #expect(water.metadata()["THRESHOLD_METHOD"]?.hasPrefix("otsu") == true)
        #expect(try water.band(1).noDataValue == 255)
    }

    @Test func sarFloodGoesStraightToPeople() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run([
            "flood-extent", "--kind", "sar", "--before", "sample-rasters/sar_before.tif", "--after", "sample-rasters/sar_after.tif",
            "--threshold", "otsu", "--dem", "sample-rasters/dem.tif", "--output", dir.path("flood.tif"),
            "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
            "--region-id", "code", "--region-name", "name", "--exposure-output", dir.path("people.geojson"), "--csv", dir.path("people.csv"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let flood = try Dataset.open(dir.path("flood.tif"))
        #expect(flood.width == 400 && flood.height == 300)
        #expect(flood.metadata()["UNITS"] == "linear")
        let values = Set(try flood.band(1).readAll(as: UInt8.self))
        #expect(values.isSubset(of: [0, 1, 255]) && values.contains(1))
        let geojson = try CLI.json(String(contentsOfFile: dir.path("people.geojson"), encoding: .utf8))
        #expect((geojson["features"] as? [[String: Any]])?.count == 12)
        let csv = try String(contentsOfFile: dir.path("people.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("region_id,region_name,population,exposed,displaced,exposed_share,displaced_per_100k,hazard_unknown,hazard_unknown_share,exposed_class_1,displaced_class_1\n"))
        #expect(FileManager.default.fileExists(atPath: dir.path("people.csv.manifest.json")))
    }

    @Test func badImageryInputIsExplained() throws {
        let dir = try TemporaryDirectory()
        let noSensor = try CLI.run(["water", "--image", CLI.olinda("L7_ETMs.tif"), "--output", dir.path("w.tif")])
        #expect(noSensor.status != 0)
        #expect(noSensor.stderr.contains("--sensor or --bands"))
        // Landsat 8's layout puts SWIR1 in band 6 and SWIR2 in band 7: a 6-band Landsat 7 file has no band 7.
        let wrongSensor = try CLI.run(["water", "--image", CLI.olinda("L7_ETMs.tif"), "--sensor", "sentinel2", "--output", dir.path("w.tif")])
        #expect(wrongSensor.status == 1)
        #expect(wrongSensor.stderr.contains("band 8 does not exist; the scene has 6 band(s)"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("w.tif")))
        let badThreshold = try CLI.run(["water", "--image", CLI.olinda("L7_ETMs.tif"), "--sensor", "landsat7", "--threshold", "high",
                                        "--output", dir.path("w.tif")])
        #expect(badThreshold.status == 1)
        #expect(badThreshold.stderr.contains("a threshold is 'otsu' or a number"))
    }

    @Test func ndviIsNIRAgainstRed() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["index", "--image", CLI.olinda("L7_ETMs.tif"), "--sensor", "landsat7", "--index", "ndvi",
                                  "--output", dir.path("ndvi.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        let scene = try Dataset.open(CLI.olinda("L7_ETMs.tif"))
        let red = try scene.band(3).readAll(as: Double.self), nir = try scene.band(4).readAll(as: Double.self)
        let ndvi = try Dataset.open(dir.path("ndvi.tif")).band(1).readAll(as: Float.self)
        for i in stride(from: 0, to: red.count, by: 97) where red[i] > 0 && nir[i] > 0 && red[i] < 255 && nir[i] < 255 {
            #expect(abs(Double(ndvi[i]) - (nir[i] - red[i]) / (nir[i] + red[i])) < 1e-6)
        }
    }

    @Test func usageMistakesAlsoStartWithError() throws {
        let result = try CLI.run(["water", "--image", CLI.olinda("L7_ETMs.tif"), "--sensor", "landsat7", "--index", "ndvi", "--output", "/tmp/never.tif"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: --index takes ndwi or mndwi\n")
        let missing = try CLI.run(["analyze", "--population", "p.tif"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("error: Missing expected argument '--regions <regions>'"))
    }
}

/// `exposure water` streams: its peak memory stays far under 400 MB and hardly grows with the scene.
@Suite struct ImageryMemoryTests {
    /// The Olinda scene resampled to `side` x `side` pixels (six Byte bands, tiled, DEFLATE).
    func scene(_ dir: TemporaryDirectory, side: Int) throws -> String {
        let path = dir.path("scene-\(side).tif")
        let warped = try Utilities.warp(try Dataset.open(CLI.olinda("L7_ETMs.tif"), kinds: .raster), arguments: [
            "-of", "GTiff", "-ts", "\(side)", "\(side)", "-r", "bilinear",
            "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "ZLEVEL=1",
        ], destination: path)
        try warped.close()
        return path
    }

    /// Peak resident memory (KB) of `exposure ARGUMENTS`, through /usr/bin/time.
    func peakKB(_ arguments: [String]) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "peak %M", CLI.executable.path] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        // GDAL's block cache (64 MB during a pass) fills up with the scene's blocks; a small one shows what the
        // command itself holds.
        process.environment = ProcessInfo.processInfo.environment.merging(["GDAL_CACHEMAX": "16"]) { $1 }
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        let line = text.split(separator: "\n").last { $0.hasPrefix("peak ") }
        return try #require(line.flatMap { Int($0.dropFirst(5)) }, "\(text)")
    }

    @Test func waterPeakMemoryDoesNotGrowWithTheScene() throws {
        let dir = try TemporaryDirectory()
        var peaks: [Int] = []
        for side in [800, 2000] {
            let path = try scene(dir, side: side)
            peaks.append(try peakKB(["water", "--image", path, "--sensor", "landsat7", "--threshold", "0.3", "--output", dir.path("w\(side).tif"),
                                     "--index-output", dir.path("i\(side).tif"), "--quiet"]))
        }
        // Holding the scene takes about 25 bytes a pixel (two bands, the index, the mask, their copies): 84 MB more
        // for the larger scene; streaming, only the wider windows (2000 x 256 instead of 800 x 256 pixels: about
        // 25 bytes a pixel for each of the two workers' windows and 5 for each of four waiting results: 24 MB).
        #expect(peaks[1] < 400_000, "peak \(peaks[1]) KB")
        #expect(peaks[1] - peaks[0] < 48_000, "peaks \(peaks) KB")
    }

    /// `flood-extent` streams too (SAR with the Lee filter and optical with Otsu, both with a DEM, the before scene
    /// on another grid): holding the scenes took about 35 bytes a pixel for SAR and 45 for optical (an 8000 x 8000
    /// pair: 2.2 and 2.9 GB), 180 MB or more for the larger scene here; streaming, strips keep about half a million
    /// pixels whatever the width, and only the copies' block rows (128 rows) and the rows kept across strips grow
    /// with it (measured: 10 to 60 MB, as the threads' malloc arenas happen to fill).
    @Test(arguments: ["sar", "optical"])
    func floodExtentPeakMemoryDoesNotGrowWithTheScene(kind: String) throws {
        let dir = try TemporaryDirectory()
        var peaks: [Int] = []
        for side in [800, 2400] {
            let after = try scene(dir, side: side), before = try scene(dir, side: side - 7)
            var arguments = ["flood-extent", "--kind", kind, "--before", before, "--after", after, "--dem", CLI.olinda("olinda_dem_utm25s.tif"),
                             "--output", dir.path("f\(side).tif"), "--quiet"]
            arguments += kind == "sar" ? ["--sar-band", "4", "--units", "linear", "--threshold", "otsu"] : ["--sensor", "landsat7"]
            peaks.append(try peakKB(arguments))
            #expect(try Dataset.open(dir.path("f\(side).tif")).width == side)
        }
        #expect(peaks[1] < 300_000, "peak \(peaks[1]) KB")
        #expect(peaks[1] - peaks[0] < 90_000, "peaks \(peaks) KB")
    }
}
