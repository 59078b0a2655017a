import Foundation
import TestSupport
import Testing

/// Population groups and needs end to end: `analyze` with group rasters, ratios and a needs profile, and a
/// scenario file with all three (docs/methodology.md, "Population groups" and "Minimum needs").
@Suite struct GroupsCommandTests {
    let base = ["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                "--region-id", "code", "--region-name", "name", "--hazard", "sample-rasters/flood_baseline_rp100.tif",
                "--preset", "flood-depth"]

    func table(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    struct MissingValue: Error, CustomStringConvertible {
        let description: String
    }

    func number(_ row: [String: String], _ key: String) throws -> Double {
        guard let text = row[key], let value = Double(text) else { throw MissingValue(description: "no number in column \(key): \(row)") }
        return value
    }

    /// CSV values are rounded to 6 decimals.
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) + 2e-6 }

    @Test func groupRastersEqualSeparateAnalysesAndAddUp() throws {
        let dir = try TemporaryDirectory()
        let groups = ["female", "male", "age_0_4"]
        let run = try CLI.run(base + groups.flatMap { ["--population-group", "\($0)=sample-rasters/population_\($0).tif"] }
            + ["--csv", dir.path("groups.csv"), "--output", dir.path("groups.gpkg")])
        #expect(run.status == 0, "\(run.stderr)")
        let together = try table(dir.path("groups.csv"))
        #expect(together.count == 12)
        for group in groups {
            let alone = try CLI.run(Array(base[0...1]) + ["sample-rasters/population_\(group).tif"] + Array(base[3...])
                + ["--csv", dir.path("\(group).csv")])
            #expect(alone.status == 0, "\(alone.stderr)")
            let rows = try table(dir.path("\(group).csv"))
            for (a, b) in zip(together, rows) {
                #expect(a["region_id"] == b["region_id"])
                for figure in ["population", "exposed", "displaced"] {
                    #expect(try close(number(a, "\(figure)_\(group)"), try number(b, figure)), "\(group) \(figure) \(a["region_id"]!)")
                }
            }
        }
        // Women and men partition the population, cell by cell.
        for row in together {
            for figure in ["population", "exposed", "displaced"] {
                #expect(try close(number(row, "\(figure)_female") + number(row, "\(figure)_male"), try number(row, figure)))
            }
        }
        let manifest = try CLI.json(String(contentsOfFile: dir.path("groups.csv.manifest.json"), encoding: .utf8))
        let entries = try #require(manifest["populationGroups"] as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == groups)
        #expect(entries.allSatisfy { $0["source"] as? String == "raster" && $0["alignment"] == nil })
        let columns = try #require(manifest["columns"] as? [String: String])
        #expect(columns["displaced_age_0_4"]?.contains("population_age_0_4.tif") == true)
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.filter { ($0["role"] as? String)?.hasPrefix("population group") == true }.count == 3)
    }

    @Test func ratiosAndNeedsByHand() throws {
        let dir = try TemporaryDirectory()
        // Two groups by ratio: a national share, and one region of its own.
        try """
            name: test shares
            source: written by hand for this test
            national:
              female: 0.5
              elderly: 0.1
            regions:
              RV01: {female: 0.25, elderly: 0.2}
            """.write(toFile: dir.path("ratios.yaml"), atomically: true, encoding: .utf8)
        try """
            name: test needs
            source: written by hand for this test
            items:
              - id: water
                name: Water
                unit: litres
                amount: 105
              - id: kits
                name: Dignity kits
                unit: kits
                amount: 1
                frequency: once
                group: female
            """.write(toFile: dir.path("needs.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(base + ["--group-ratios", dir.path("ratios.yaml"), "--needs", dir.path("needs.yaml"),
                                      "--csv", dir.path("out.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        for row in try table(dir.path("out.csv")) {
            let own = row["region_id"] == "RV01"
            let female = own ? 0.25 : 0.5, elderly = own ? 0.2 : 0.1
            for figure in ["population", "exposed", "displaced"] {
                let total = try number(row, figure)
                #expect(try close(number(row, "\(figure)_female"), female * total))
                #expect(try close(number(row, "\(figure)_elderly"), elderly * total))
            }
            let displaced = try number(row, "displaced")
            // displaced is rounded to 6 decimals in the CSV: 105 times its rounding.
            #expect(try abs(number(row, "needs_water") - 105 * displaced) <= 105 * 1e-6)
            #expect(try close(number(row, "needs_kits"), female * displaced))
        }
        let manifest = try CLI.json(String(contentsOfFile: dir.path("out.csv.manifest.json"), encoding: .utf8))
        let ratios = try #require(manifest["groupRatios"] as? [String: Any])
        #expect((ratios["national"] as? [String: Double])?["female"] == 0.5)
        #expect((ratios["regionsUsingNational"] as? [String])?.count == 11)
        let needs = try #require(manifest["needs"] as? [String: Any])
        #expect((needs["items"] as? [[String: Any]])?.count == 2)
    }

    @Test func mistakesAreRefusedBeforeThePass() throws {
        let dir = try TemporaryDirectory()
        let bad = try CLI.run(base + ["--population-group", "Women=sample-rasters/population_female.tif", "--csv", dir.path("a.csv")])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'Women'"), "\(bad.stderr)")
        let noEquals = try CLI.run(base + ["--population-group", "sample-rasters/population_female.tif", "--csv", dir.path("a.csv")])
        #expect(noEquals.status != 0)
        #expect(noEquals.stderr.contains("NAME=RASTER"), "\(noEquals.stderr)")
        let twice = try CLI.run(base + ["--population-group", "f=sample-rasters/population_female.tif",
                                        "--population-group", "f=sample-rasters/population_male.tif", "--csv", dir.path("a.csv")])
        #expect(twice.stderr.contains("twice"), "\(twice.stderr)")
        let missing = try CLI.run(base + ["--population-group", "f=nowhere.tif", "--csv", dir.path("a.csv")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nowhere.tif"), "\(missing.stderr)")
        // A group named like a column the table already has.
        let clash = try CLI.run(base + ["--population-group", "class_1=sample-rasters/population_female.tif", "--csv", dir.path("a.csv")])
        #expect(clash.status != 0)
        #expect(clash.stderr.contains("exposed_class_1"), "\(clash.stderr)")
        // Needs for a group that is not given.
        try "name: n\nsource: s\nitems:\n  - {id: kits, name: Kits, unit: kits, amount: 1, group: female}\n"
            .write(toFile: dir.path("needs.yaml"), atomically: true, encoding: .utf8)
        let unknownGroup = try CLI.run(base + ["--needs", dir.path("needs.yaml"), "--csv", dir.path("a.csv")])
        #expect(unknownGroup.status != 0)
        #expect(unknownGroup.stderr.contains("'female'"), "\(unknownGroup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.csv")))
    }

    @Test func aGroupOnAnotherGridIsWarpedWithSumsAndSaidSo() throws {
        let dir = try TemporaryDirectory()
        // The female raster at twice the cell size: each coarse cell holds the sum of the four fine ones.
        let warp = Process()
        warp.executableURL = URL(fileURLWithPath: "/usr/bin/gdalwarp")
        warp.arguments = ["-q", "-r", "sum", "-tr", "0.0016666666666666668", "0.0016666666666666668",
                          CLI.packageRoot.path + "/sample-rasters/population_female.tif", dir.path("female_coarse.tif")]
        try warp.run()
        warp.waitUntilExit()
        try #require(warp.terminationStatus == 0)
        let run = try CLI.run(base + ["--population-group", "female=sample-rasters/population_female.tif",
                                      "--population-group", "coarse=\(dir.path("female_coarse.tif"))", "--csv", dir.path("out.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sum resampling"), "\(run.stderr)")
        // Regridding moves people between neighbouring regions a little but keeps them.
        let rows = try table(dir.path("out.csv"))
        let fine = try rows.reduce(0) { $0 + (try number($1, "population_female")) }
        let coarse = try rows.reduce(0) { $0 + (try number($1, "population_coarse")) }
        #expect(abs(coarse - fine) <= 0.01 * fine, "\(coarse) vs \(fine)")
    }

    @Test func aScenarioFileWithGroupsAndNeedsRunsEndToEnd() throws {
        let dir = try TemporaryDirectory()
        let root = CLI.packageRoot.path
        try """
            population:
              raster: \(root)/sample-rasters/population.tif
              groups:
                women: \(root)/sample-rasters/population_female.tif
                age_0_4: {raster: \(root)/sample-rasters/population_age_0_4.tif, band: 1}
              ratios: \(root)/examples/groups/generic-ratios.yaml
            regions: {file: \(root)/sample-rasters/municipalities.geojson, id: code, name: name}
            hazard: {preset: flood-depth}
            needs: {profile: \(root)/examples/needs/inasafe.yaml, return_period: 100}
            scenarios:
              baseline:
                return_periods:
                  10: \(root)/sample-rasters/flood_baseline_rp10.tif
                  100: \(root)/sample-rasters/flood_baseline_rp100.tif
              warmer:
                return_periods:
                  10: \(root)/sample-rasters/flood_ssp2-4.5-2050_rp10.tif
                  50: \(root)/sample-rasters/flood_ssp2-4.5-2050_rp50.tif
            """.write(toFile: dir.path("groups.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", dir.path("groups.yaml"), "--output-dir", dir.path("out")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("generic"), "the generic shares are said to be generic: \(run.stderr)")
        let byPeriod = try table(dir.path("out/by_return_period.csv"))
        for row in byPeriod {
            #expect(try number(row, "displaced_women") <= number(row, "displaced") + 1e-6)
            // The generic ratios apply InaSAFE's 0.496 to every figure.
            #expect(try close(number(row, "displaced_female"), 0.496 * number(row, "displaced")))
        }
        let annual = try table(dir.path("out/annual.csv"))
        #expect(annual.count == 24)
        for row in annual {
            let points = try byPeriod.filter { $0["region_id"] == row["region_id"] && $0["scenario"] == row["scenario"] }
                .map { (t: try number($0, "return_period"), d: try number($0, "displaced_women")) }
            // AAD of the group by the trapezoid rule of docs/methodology.md, from its displaced by return period.
            let p = points.map { 1 / $0.t }
            var aad = p.last! * points.last!.d
            for i in 0..<(points.count - 1) { aad += (p[i] - p[i + 1]) * (points[i].d + points[i + 1].d) / 2 }
            #expect(try abs(number(row, "aad_women") - aad) < 1e-5)
            if row["scenario"] == "baseline" {
                let at100 = try #require(byPeriod.first { $0["region_id"] == row["region_id"] && $0["scenario"] == "baseline" && $0["return_period"] == "100" })
                // InaSAFE's rice: 2.8 kg per displaced person per week.
                #expect(try close(number(row, "needs_rice"), 2.8 * number(at100, "displaced")))
            } else {
                // The warmer scenario has no 100-year event: no needs figure rather than a wrong one.
                #expect(row["needs_rice"] == "")
            }
        }
        let run0 = try CLI.json(String(contentsOfFile: dir.path("out/run.json"), encoding: .utf8))
        let groups = try #require(run0["populationGroups"] as? [[String: Any]])
        let ratioGroups = try #require((run0["groupRatios"] as? [String: Any])?["groups"] as? [String])
        #expect(ratioGroups.contains("female"))
        #expect(groups.compactMap { $0["name"] as? String } == ["women", "age_0_4"] + ratioGroups)
        #expect(groups.prefix(2).allSatisfy { (($0["input"] as? [String: Any])?["sha256"] as? String)?.count == 64 })
        #expect((run0["needs"] as? [String: Any])?["returnPeriod"] as? Double == 100)
        let geojson = try CLI.json(String(contentsOfFile: dir.path("out/regions.geojson"), encoding: .utf8))
        let properties = try #require((geojson["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any])
        #expect(properties["population_women"] is Double)
        #expect(properties["baseline_aad_age_0_4"] is Double)
        #expect(properties["baseline_needs_rice"] is Double)
        #expect(properties["warmer_needs_rice"] == nil)
    }
}
