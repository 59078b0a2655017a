import Foundation
import GDALSwift
import TestSupport
import Testing

@Suite struct RunCommandTests {
    func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    /// annual.csv must follow from by_return_period.csv under the trapezoid formula of docs/methodology.md.
    func checkAnnualAgreesWithReturnPeriods(_ folder: String) throws {
        let byPeriod = try rows("\(folder)/by_return_period.csv")
        let annual = try rows("\(folder)/annual.csv")
        #expect(!annual.isEmpty)
        var firstAAD: [String: Double] = [:]
        for row in annual {
            let points = byPeriod.filter { $0["region_id"] == row["region_id"] && $0["scenario"] == row["scenario"] }
                .map { (t: Double($0["return_period"]!)!, e: Double($0["exposed"]!)!, d: Double($0["displaced"]!)!) }
                .sorted { $0.t < $1.t }
            func average(_ values: [Double]) -> Double {
                let p = points.map { 1 / $0.t }
                var total = p.last! * values.last!
                for i in 0..<(points.count - 1) { total += (p[i] - p[i + 1]) * (values[i] + values[i + 1]) / 2 }
                return total
            }
            let aad = average(points.map(\.d)), aae = average(points.map(\.e))
            #expect(abs(Double(row["aad_displaced"]!)! - aad) < 1e-5, "\(row)")
            #expect(abs(Double(row["aae_exposed"]!)! - aae) < 1e-5, "\(row)")
            for point in points {
                let key = "pmd_\(point.t == point.t.rounded() ? String(Int(point.t)) : String(point.t))"
                #expect(abs(Double(row[key]!)! - point.d) < 1e-5)
            }
            if let first = firstAAD[row["region_id"]!] {
                #expect(abs(Double(row["aad_change"]!)! - (aad - first)) < 1e-5)
            } else {
                firstAAD[row["region_id"]!] = aad
                #expect(row["aad_change"] == "")
            }
        }
    }

    @Test func sampleFloodsProduceTheFourOutputs() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("out")])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["by_return_period.csv", "annual.csv", "regions.geojson", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("out/\(name)")), "\(name)")
        }
        let header = try String(contentsOfFile: dir.path("out/annual.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header == "region_id,region_name,scenario,aae_exposed,aad_displaced,aad_per_100k,pmd_10,pmd_50,pmd_100,pmd_500,aad_change,aad_change_pct,hazard_unknown_share")
        #expect(try rows(dir.path("out/by_return_period.csv")).count == 12 * 2 * 4)
        try checkAnnualAgreesWithReturnPeriods(dir.path("out"))
        // The warmer scenario raises river stages everywhere: no municipality's AAD falls.
        for row in try rows(dir.path("out/annual.csv")) where row["scenario"] == "ssp2-4.5-2050" {
            #expect(Double(row["aad_change"]!)! >= -1e-9)
        }
        let geojson = try CLI.json(String(contentsOfFile: dir.path("out/regions.geojson"), encoding: .utf8))
        let features = try #require(geojson["features"] as? [[String: Any]])
        #expect(features.count == 12)
        let properties = try #require(features[0]["properties"] as? [String: Any])
        #expect(properties["baseline_aad_displaced"] is Double)
        #expect(properties["ssp2_4_5_2050_aad_change_pct"] is Double)
        let run = try CLI.json(String(contentsOfFile: dir.path("out/run.json"), encoding: .utf8))
        let hazards = try #require(run["hazards"] as? [[String: Any]])
        #expect(hazards.count == 8)
        #expect(((hazards[0]["input"] as? [String: Any])?["sha256"] as? String)?.count == 64)
        #expect(run["timingsSeconds"] is [String: Any])
    }

    /// The AVX2 kernels (SIMDKernels, where the processor has AVX2) and the portable Swift ones
    /// (`EXPOSURE_SIMD=portable`) decode and class the sample floods, Float32 DEFLATE rasters with the
    /// floating-point predictor and partial edge tiles, into the same tables, byte for byte.
    @Test func theSIMDKernelsAndThePortableOnesGiveTheSameTables() throws {
        let dir = try TemporaryDirectory()
        let chosen = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("chosen")])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        let portable = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("portable")],
                                   environment: ["EXPOSURE_SIMD": "portable"])
        #expect(portable.status == 0, "\(portable.stderr)")
        for name in ["by_return_period.csv", "annual.csv", "regions.geojson"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("chosen/\(name)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("portable/\(name)")))
            #expect(!a.isEmpty && a == b, "\(name)")
        }
    }

    @Test func olindaSeaLevelRunsOnRealData() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["run", "examples/olinda-sea-level.yaml", "--output-dir", dir.path("olinda")])
        #expect(result.status == 0, "\(result.stderr)")
        for set in ["tracts", "neighbourhoods"] {
            for name in ["by_return_period.csv", "annual.csv", "regions.geojson"] {
                #expect(FileManager.default.fileExists(atPath: dir.path("olinda/\(set)/\(name)")), "\(set)/\(name)")
            }
            try checkAnnualAgreesWithReturnPeriods(dir.path("olinda/\(set)"))
        }
        #expect(try rows(dir.path("olinda/tracts/annual.csv")).count == 470 * 3)
        // The gridded census holds every person of the 2010 census.
        let population = try Dataset.open(dir.path("olinda/population.tif")).band(1).readAll(as: Double.self).reduce(0, +)
        #expect(abs(population - 377_779) <= 1e-6 * 377_779)
        // Higher seas flood more: AAD grows from present to SSP2-4.5 to SSP5-8.5.
        let run = try CLI.json(String(contentsOfFile: dir.path("olinda/run.json"), encoding: .utf8))
        let totals = try #require(run["totalsOfFirstRegionSet"] as? [[String: Any]])
        let aad = totals.compactMap { $0["aadDisplaced"] as? Double }
        #expect(aad.count == 3)
        #expect(aad[0] > 0 && aad[0] <= aad[1] && aad[1] <= aad[2])
        // Neighbourhood totals equal tract totals (the same people, dissolved).
        func total(_ set: String) throws -> Double {
            try rows(dir.path("olinda/\(set)/annual.csv")).filter { $0["scenario"] == "present" }.map { Double($0["aad_displaced"]!)! }.reduce(0, +)
        }
        #expect(abs(try total("tracts") - total("neighbourhoods")) < 1e-3)
    }

    func runYAML(_ yaml: String) throws -> CLI.Result {
        let dir = try TemporaryDirectory()
        let path = CLI.packageRoot.appendingPathComponent("examples/.test-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try CLI.run(["run", path, "--output-dir", dir.path("out")])
    }

    let header = """
        population:
          raster: ../sample-rasters/population.tif
        regions:
          file: ../sample-rasters/municipalities.geojson
          id: code
        hazard:
          preset: flood-depth

        """

    @Test func aWrongKeyIsNamedWithItsLine() throws {
        let result = try runYAML(header + "scenarios:\n  baseline:\n    return_period:\n      10: ../sample-rasters/flood_baseline_rp10.tif\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains(".yaml:10: unknown key 'return_period' in scenario 'baseline' (expected: return_periods, inundation)"), "\(result.stderr)")
    }

    @Test func unsortedReturnPeriodsAreNamedWithTheirLine() throws {
        let result = try runYAML(header + """
            scenarios:
              baseline:
                return_periods:
                  100: ../sample-rasters/flood_baseline_rp100.tif
                  10: ../sample-rasters/flood_baseline_rp10.tif

            """)
        #expect(result.status == 1)
        #expect(result.stderr.contains(".yaml:12: return periods must increase: 10 comes after 100"), "\(result.stderr)")
    }

    @Test func aMissingFileIsNamedWithItsLine() throws {
        let result = try runYAML(header + "scenarios:\n  baseline:\n    return_periods:\n      10: ../sample-rasters/no_such_flood.tif\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains(".yaml:11: hazard raster of 'baseline': no such file"), "\(result.stderr)")
        #expect(result.stderr.contains("no_such_flood.tif"))
    }

    @Test func brokenYAMLIsReported() throws {
        let result = try runYAML("population: [unclosed\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("not valid YAML"), "\(result.stderr)")
    }
}

@Suite struct GridAndInundateCommandTests {
    @Test func inundateLeavesADisconnectedDepressionDry() throws {
        let dir = try TemporaryDirectory()
        // 6 x 3 DEM, sea to the east: a 4 m ridge in column 2 walls off a -1 m depression in columns 0-1.
        let dem = try Driver.named("GTiff").createRaster(path: dir.path("dem.tif"), width: 6, height: 3, bands: 1, type: .float32)
        try dem.setGeoTransform([500_000, 30, 0, 9_100_000, 0, -30])
        try dem.setSpatialReference(SpatialReference(epsg: 31985))
        let elevation: [Float] = [-1, -1, 4, 0.5, 0.2, -3, -1, -1, 4, 0.8, 0.1, -3, -1, -1, 4, 2.0, 0.3, -3]
        try dem.band(1).write(RasterWindow(column: 0, row: 0, width: 6, height: 3), values: elevation)
        try dem.close()
        let result = try CLI.run(["inundate", "--dem", dir.path("dem.tif"), "--sea-level", "1.5", "--sea-edge", "east",
                                  "--output", dir.path("depth.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        let depth = try Dataset.open(dir.path("depth.tif")).band(1).readAll(as: Float.self)
        let expected: [Float] = [0, 0, 0, 1.0, 1.3, 4.5, 0, 0, 0, 0.7, 1.4, 4.5, 0, 0, 0, 0, 1.2, 4.5]
        for (a, b) in zip(depth, expected) { #expect(abs(a - b) < 1e-6) }
        let missing = try CLI.run(["inundate", "--dem", dir.path("dem.tif"), "--sea-level", "1.5", "--output", dir.path("x.tif")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("say where the sea is"))
    }

    @Test func gridConservesCountsWithAMask() throws {
        let dir = try TemporaryDirectory()
        // Two census areas over a 4 x 2 grid of 100 m cells; the mask makes the top-left cell water.
        try """
        {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32618"}},"features":[
        {"type":"Feature","properties":{"pop":120},"geometry":{"type":"Polygon","coordinates":[[[500000,1000000],[500200,1000000],[500200,1000200],[500000,1000200],[500000,1000000]]]}},
        {"type":"Feature","properties":{"pop":80},"geometry":{"type":"Polygon","coordinates":[[[500200,1000000],[500400,1000000],[500400,1000200],[500200,1000200],[500200,1000000]]]}}]}
        """.write(toFile: dir.path("census.geojson"), atomically: true, encoding: .utf8)
        let mask = try Driver.named("GTiff").createRaster(path: dir.path("land.tif"), width: 4, height: 2, bands: 1, type: .byte)
        try mask.setGeoTransform([500_000, 100, 0, 1_000_200, 0, -100])
        try mask.setSpatialReference(SpatialReference(epsg: 32618))
        try mask.band(1).write(RasterWindow(column: 0, row: 0, width: 4, height: 2), values: [UInt8]([0, 1, 1, 1, 1, 1, 1, 1]))
        try mask.close()
        let result = try CLI.run(["grid", "--census", dir.path("census.geojson"), "--count", "pop", "--resolution", "100",
                                  "--crs", "EPSG:32618", "--mask", dir.path("land.tif"), "--output", dir.path("pop.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        let grid = try Dataset.open(dir.path("pop.tif"))
        #expect(grid.width == 4 && grid.height == 2)
        let values = try grid.band(1).readAll(as: Double.self)
        // 120 people over 3 habitable cells, 80 over 4.
        let expected = [0, 40, 20, 20, 40, 40, 20, 20.0]
        for (a, b) in zip(values, expected) { #expect(abs(a - b) < 1e-9) }
    }
}
