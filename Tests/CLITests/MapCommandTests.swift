import Foundation
import GDALSwift
import Localization
import TestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `exposure map` end to end: the PNG read back pixel by pixel through its world file, the hatching, the
/// PDF's text in every language, the SVG as XML, run folders and the errors.
@Suite struct MapCommandTests {
    /// Six 0.02-degree squares in a row near 6° N, 75° W, with values and unknown-hazard shares chosen so
    /// that the classes and the hatching are known by hand (see `expectedColours`).
    static let values: [Double] = [0, 10, 20, 30, 40, 50]
    static let unknownShares: [Double] = [0, 0.2, 0.05, 0.06, 0, 0.5]
    /// Fixed breaks 15, 25, 35: zero, (0, 15], (15, 25], (25, 35], (35, 50] -> grey, then YlOrRd's four classes.
    static let expectedColours = ["#f0f0f0", "#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c", "#e31a1c"]
    /// Shares above 0.05 (0.05 itself is not above).
    static let expectedHatched: Set<String> = ["R2", "R4", "R6"]

    static func centre(_ i: Int) -> (lon: Double, lat: Double) { (-75 + Double(i) * 0.03 + 0.01, 6.01) }

    static func writeRegions(_ path: String) throws {
        let features = (0..<6).map { i -> String in
            let x0 = -75 + Double(i) * 0.03, x1 = x0 + 0.02
            return """
                {"type":"Feature","properties":{"region_id":"R\(i + 1)","region_name":"Region \(i + 1)","population":1000,\
                "displaced_per_100k":\(values[i]),"hazard_unknown_share":\(unknownShares[i])},\
                "geometry":{"type":"Polygon","coordinates":[[[\(x0),6.0],[\(x1),6.0],[\(x1),6.02],[\(x0),6.02],[\(x0),6.0]]]}}
                """
        }
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func description(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// RGB of the pixels in a (2r+1)-square window around a map coordinate.
    static func pixels(of png: String, around point: (x: Double, y: Double), radius: Int) throws -> [(Int, Int, Int)] {
        let dataset = try Dataset.open(png)
        let gt = try #require(try dataset.geoTransform(), "the PNG has no world file GDAL can read")
        let column = Int(((point.x - gt[0]) / gt[1]).rounded(.down)), row = Int(((point.y - gt[3]) / gt[5]).rounded(.down))
        let window = GridWindow(column: column - radius, row: row - radius, width: 2 * radius + 1, height: 2 * radius + 1)
        let bands = try (1...3).map { try dataset.band($0).read(window, as: UInt8.self) }
        return (0..<window.cellCount).map { (Int(bands[0][$0]), Int(bands[1][$0]), Int(bands[2][$0])) }
    }

    static func rgb(_ hex: String) -> (Int, Int, Int) {
        let v = Int(hex.dropFirst(), radix: 16)!
        return (v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff)
    }

    @Test func pngPixelsHaveTheirClassColoursAndHatchingFollowsTheThreshold() throws {
        let dir = try TemporaryDirectory()
        try Self.writeRegions(dir.path("regions.geojson"))
        let result = try CLI.run(["map", dir.path("regions.geojson"), "--column", "displaced_per_100k", "--classes", "15,25,35",
                                  "--labels", "none", "--output", dir.path("map.png")])
        #expect(result.status == 0, "\(result.stderr)")
        for file in ["map.png", "map.pgw", "map.prj", "map.png.aux.xml", "map.map.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path(file)), "\(file) missing")
        }
        let description = try Self.description(dir.path("map.map.json"))
        let classes = try #require(description["classes"] as? [[String: Any]])
        #expect(classes.map { $0["colour"] as! String } == ["#f0f0f0", "#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"])
        #expect(classes.map { $0["upper"] as! Double } == [0, 15, 25, 35, 50])
        let regions = try #require(description["regions"] as? [[String: Any]])
        let hatched = Set((description["hatched"] as! [String: Any])["regions"].map { ($0 as! [[String: Any]]).map { $0["id"] as! String } } ?? [])
        #expect(hatched == Self.expectedHatched)

        let wkt = try #require((description["crs"] as? [String: Any])?["wkt"] as? String)
        // GDAL, and so QGIS, reads the PNG with its CRS and georeferencing.
        let png = try Dataset.open(dir.path("map.png"))
        #expect(try png.spatialReference()?.epsgCode == 32618)
        #expect((description["crs"] as? [String: Any])?["epsg"] as? Int == 32618, "UTM 18N is the zone of 75° W, north")
        let toMap = try CoordinateTransformation(from: SpatialReference(epsg: 4326), to: SpatialReference(definition: wkt))
        for i in 0..<6 {
            let id = "R\(i + 1)"
            let region = try #require(regions.first { $0["id"] as? String == id })
            let classIndex = try #require(region["class"] as? Int)
            let colour = classes[classIndex - 1]["colour"] as! String
            #expect(colour == Self.expectedColours[i], "\(id): class colour \(colour)")
            let c = Self.centre(i)
            let point = try toMap.transform(x: c.lon, y: c.lat)
            let window = try Self.pixels(of: dir.path("map.png"), around: point, radius: 6)
            let expected = Self.rgb(colour)
            let inClass = window.filter { $0 == expected }.count
            let dark = window.filter { $0.0 + $0.1 + $0.2 < 300 }.count
            if Self.expectedHatched.contains(id) {
                #expect(inClass > 0 && dark > 0, "\(id) must show its class colour under dark hatch lines: \(inClass) in class, \(dark) dark")
            } else {
                #expect(inClass == window.count, "\(id): \(window.count - inClass) of \(window.count) pixels are not \(colour)")
            }
        }
    }

    @Test func theThresholdCanBeSetAndNeverHidesIncompleteRegions() throws {
        let dir = try TemporaryDirectory()
        try Self.writeRegions(dir.path("regions.geojson"))
        let result = try CLI.run(["map", dir.path("regions.geojson"), "--column", "displaced_per_100k", "--unknown-threshold", "0.01",
                                  "--output", dir.path("map.svg")])
        #expect(result.status == 0, "\(result.stderr)")
        let hatched = (try Self.description(dir.path("map.map.json"))["hatched"] as! [String: Any])["regions"] as! [[String: Any]]
        #expect(Set(hatched.map { $0["id"] as! String }) == ["R2", "R3", "R4", "R6"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("map.pgw")), "only a PNG gets a world file")
    }

    @Test(arguments: Language.allCases)
    func pdfTextHoldsTitleUnitAndSourceInEachLanguage(_ language: Language) throws {
        let dir = try TemporaryDirectory()
        try Self.writeRegions(dir.path("regions.geojson"))
        let result = try CLI.run(["map", dir.path("regions.geojson"), "--column", "displaced_per_100k", "--lang", language.rawValue,
                                  "--output", dir.path("map.pdf")])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try Self.pdfText(dir.path("map.pdf"))
        let catalog = try Catalog.load(language).writingNumbers(NumberStyle.of(language))
        let expected = [
            catalog.text("column.displaced_per_100k"),
            catalog.text("unit.per_100k"),
            catalog.text("map.source", ["sources": catalog.text("map.source_regions", ["file": "regions.geojson"])]),
            catalog.text("map.caution"),
            catalog.text("legend.zero"),
        ]
        for line in expected {
            #expect(text.contains(Self.words(line)), "\(language): '\(line)' not in the PDF's text:\n\(text)")
        }
        // Numbers as the language writes them: 50 per 100,000 is the top class's upper bound.
        let fifty = NumberStyle.of(language).format(50, decimals: 1)
        #expect(text.contains(fifty), "\(language): \(fifty) not in the legend")
    }

    static func words(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func pdfText(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = [path, "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "pdftotext (Debian poppler-utils) failed on \(path)")
        return words(String(decoding: data, as: UTF8.self))
    }

    @Test func svgIsWellFormedXMLWithRealText() throws {
        let dir = try TemporaryDirectory()
        try Self.writeRegions(dir.path("regions.geojson"))
        let result = try CLI.run(["map", dir.path("regions.geojson"), "--column", "displaced_per_100k", "--lang", "pt",
                                  "--output", dir.path("map.svg")])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("map.svg")))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "the SVG is not well-formed XML: \(String(describing: parser.parserError))")
        let svg = String(decoding: data, as: UTF8.self)
        #expect(svg.hasPrefix("<?xml"))
        // Real text, not glyph outlines: the title and the caution note are there as words.
        let catalog = try Catalog.load(.pt).writingNumbers(NumberStyle.of(.pt))
        for key in ["column.displaced_per_100k", "map.caution"] {
            let escaped = catalog.text(key).replacingOccurrences(of: "&", with: "&amp;")
            #expect(svg.contains(">\(escaped)</text>") || svg.contains(escaped), "\(key) is not text in the SVG")
        }
        #expect(!svg.contains("<symbol"), "text drawn as glyph outlines")
    }

    @Test func runFolderScenarioAndColumnPickTheField() throws {
        let dir = try TemporaryDirectory()
        let run = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("run"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try CLI.run(["map", dir.path("run"), "--scenario", "ssp2-4.5-2050", "--column", "pmd_100", "--lang", "es",
                                  "--output", dir.path("run/pmd100.png"), "--width", "900", "--height", "600", "--dpi", "96"])
        #expect(result.status == 0, "\(result.stderr)")
        let description = try Self.description(dir.path("run/pmd100.map.json"))
        #expect(description["column"] as? String == "ssp2_4_5_2050_pmd_100")
        #expect(description["scenario"] as? String == "ssp2-4.5-2050")
        #expect((description["page"] as? [String: Any])?["pixelWidth"] as? Int == 900)
        #expect((description["hatched"] as? [String: Any]).map { ($0["regions"] as! [[String: Any]]).map { $0["id"] as! String } } == ["RV04"])
        let sources = try #require(description["sources"] as? [[String: Any]])
        #expect(sources.contains { ($0["path"] as? String)?.hasSuffix("flood_ssp2-4.5-2050_rp100.tif") == true && $0["sha256"] is String })

        let wrong = try CLI.run(["map", dir.path("run"), "--scenario", "ssp5", "--output", dir.path("x.png")])
        #expect(wrong.status == 1 && wrong.stderr.contains("no such scenario") && wrong.stderr.contains("baseline, ssp2-4.5-2050"))
        let column = try CLI.run(["map", dir.path("run"), "--column", "nope", "--output", dir.path("x.png")])
        #expect(column.status == 1 && column.stderr.contains("aad_per_100k"), "the error lists the columns: \(column.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.png")))
    }

    @Test func refusalsNameTheProblemAndWriteNothing() throws {
        let dir = try TemporaryDirectory()
        try Self.writeRegions(dir.path("regions.geojson"))
        let cases: [([String], String)] = [
            (["--column", "nope", "--output", dir.path("a.png")], "numeric fields: population, displaced_per_100k, hazard_unknown_share"),
            (["--output", dir.path("a.jpg")], ".png, .pdf or .svg"),
            (["--crs", "EPSG:4326", "--output", dir.path("a.png")], "not projected"),
            (["--labels", "nom", "--output", dir.path("a.png")], "--labels nom"),
            (["--classes", "3,2", "--output", dir.path("a.png")], "must increase"),
            (["--palette", "Rainbow", "--output", dir.path("a.png")], "--palette Rainbow"),
            (["--background", "sample-rasters/optical_after.tif", "--output", dir.path("a.png")], "--rgb"),
            (["--scenario", "x", "--output", dir.path("a.png")], "--scenario applies to a `run` output folder"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(["map", dir.path("regions.geojson")] + arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.stderr.contains("error:") && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        // A PNG's world file and CRS are outputs too: beside a shapefile of the same name, its .prj is an input.
        let shapefile = Process()
        shapefile.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        shapefile.arguments = [dir.path("tracts.shp"), dir.path("regions.geojson")]
        try shapefile.run()
        shapefile.waitUntilExit()
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
        let prj = try CLI.run(["map", dir.path("tracts.shp"), "--column", "displaced_per_100k", "--output", dir.path("tracts.png")])
        #expect(prj.status == 1 && prj.stderr.contains("would overwrite an input"), "\(prj.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted()
        #expect(left == before && before.contains("regions.geojson") && before.contains("tracts.prj"), "a failed map leaves nothing: \(left)")
    }

    @Test func backgroundsAreDrawnUnderTheRegionsWithTheirLegend() throws {
        let dir = try TemporaryDirectory()
        let analyze = try CLI.run(["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                                   "--region-id", "code", "--region-name", "name", "--hazard", "sample-rasters/flood_baseline_rp100.tif",
                                   "--preset", "flood-depth", "--output", dir.path("flood.geojson"), "--quiet"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let plain = try CLI.run(["map", dir.path("flood.geojson"), "--labels", "none", "--output", dir.path("plain.png"), "--quiet"])
        let depth = try CLI.run(["map", dir.path("flood.geojson"), "--labels", "none", "--background", "sample-rasters/flood_baseline_rp100.tif",
                                 "--output", dir.path("depth.png"), "--quiet"])
        let scene = try CLI.run(["map", dir.path("flood.geojson"), "--background", "sample-rasters/optical_after.tif", "--rgb", "4,3,2",
                                 "--output", dir.path("scene.pdf"), "--quiet"])
        for r in [plain, depth, scene] { #expect(r.status == 0, "\(r.stderr)") }
        let description = try Self.description(dir.path("depth.map.json"))
        #expect((description["backgrounds"] as? [[String: Any]])?.first?["kind"] as? String == "continuous")
        #expect(description["regionOpacity"] as? Double == 0.7)
        #expect((try Self.description(dir.path("scene.map.json"))["backgrounds"] as? [[String: Any]])?.first?["kind"] as? String == "true colour")
        // The depth shows through the regions: the two images differ inside the map frame.
        let a = try Dataset.open(dir.path("plain.png")), b = try Dataset.open(dir.path("depth.png"))
        let window = GridWindow(column: 100, row: 200, width: 900, height: 700)
        let pa = try a.band(3).read(window, as: UInt8.self), pb = try b.band(3).read(window, as: UInt8.self)
        #expect(zip(pa, pb).filter { $0 != $1 }.count > 1000)
        #expect(try Self.pdfText(dir.path("scene.pdf")).contains("optical_after"))
    }

    // MARK: population groups and minimum needs

    /// An analysis with two raster groups, InaSAFE's generic ratios and the Sphere needs, as GeoJSON and CSV.
    static func analyzeWithGroups(_ dir: TemporaryDirectory, name: String = "groups") throws {
        let analyze = try CLI.run(["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                                   "--region-id", "code", "--region-name", "name", "--hazard", "sample-rasters/flood_baseline_rp100.tif",
                                   "--preset", "flood-depth", "--population-group", "women=sample-rasters/population_female.tif",
                                   "--population-group", "age_0_4=sample-rasters/population_age_0_4.tif",
                                   "--group-ratios", "examples/groups/generic-ratios.yaml", "--needs", "examples/needs/sphere.yaml",
                                   "--output", dir.path("\(name).geojson"), "--csv", dir.path("\(name).csv"), "--quiet"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
    }

    /// A scenario file with groups, ratios and InaSAFE's needs at the 100-year return period, which only the
    /// baseline has.
    static func writeGroupsScenario(_ path: String) throws {
        let root = CLI.packageRoot.path
        try """
            name: Rio Verde with groups
            population:
              raster: \(root)/sample-rasters/population.tif
              groups:
                women: \(root)/sample-rasters/population_female.tif
                age_0_4: \(root)/sample-rasters/population_age_0_4.tif
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
            """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(arguments: Language.allCases)
    func groupAndNeedsColumnsAreWordedInEachLanguage(_ language: Language) throws {
        let dir = try TemporaryDirectory()
        try Self.analyzeWithGroups(dir)
        let catalog = try Catalog.load(language).writingNumbers(NumberStyle.of(language))
        let rows = try ReportCommandTests.csv(dir.path("groups.csv"))
        func map(_ column: String, _ output: String) throws -> String {
            let result = try CLI.run(["map", dir.path("groups.geojson"), "--column", column, "--lang", language.rawValue, "--output", dir.path(output)])
            #expect(result.status == 0, "\(column): \(result.stderr)")
            return output.hasSuffix(".pdf") ? try Self.pdfText(dir.path(output)) : try String(contentsOfFile: dir.path(output), encoding: .utf8)
        }
        func expectAll(_ text: String, _ lines: [String], _ what: String) {
            for line in lines {
                #expect(text.contains(Self.words(line)), "\(language) \(what): '\(line)' not in the map's text:\n\(text)")
            }
        }
        // A raster group: its name as given, people, its raster in the source line, the risk note.
        let women = try map("displaced_women", "women.pdf")
        expectAll(women, [catalog.text("column.displaced_group", ["group": "women"]), catalog.text("unit.people"),
                          catalog.text("map.source_group", ["group": "women", "file": "population_female.tif"]), catalog.text("map.risk_note")],
                  "displaced_women")
        #expect(!women.contains("population_age_0_4.tif"), "another group's raster is not a source of this map")
        let top = try rows.map { try #require(Double($0["displaced_women"] ?? "")) }.max()!
        #expect(women.contains(Self.words(NumberStyle.of(language).format(top, decimals: 0))), "\(language): the top class ends at \(top)")

        // A needs item: the profile's name and unit as written ("litres" in every language), weekly.
        let water = try map("needs_water", "water.pdf")
        expectAll(water, [catalog.text("column.needs", ["item": "Water for drinking, cooking and hygiene", "unit": "litres"]),
                          catalog.text("unit.needs_weekly", ["unit": "litres"]), catalog.text("map.source_needs", ["file": "sphere.yaml"])],
                  "needs_water")
        let most = try rows.map { try #require(Double($0["needs_water"] ?? "")) }.max()!
        #expect(water.contains(Self.words(NumberStyle.of(language).format(most, decimals: 0))), "\(language): the top class ends at \(most)")
        let toilets = try map("needs_toilets", "toilets.pdf")
        expectAll(toilets, [catalog.text("column.needs", ["item": "Toilets", "unit": "toilets"]), catalog.text("unit.needs_once", ["unit": "toilets"])],
                  "needs_toilets")

        // A ratio group and an exposed group in the SVG, as text.
        let female = try map("population_female", "female.svg")
        for line in [catalog.text("column.population_group", ["group": "female"]),
                     catalog.text("map.source_ratios", ["file": "generic-ratios.yaml"])] {
            #expect(female.contains(line.replacingOccurrences(of: "&", with: "&amp;")), "\(language): '\(line)' not in the SVG")
        }
        let exposed = try map("exposed_age_0_4", "exposed.svg")
        #expect(exposed.contains(catalog.text("column.exposed_group", ["group": "age_0_4"])))
    }

    @Test func runFolderGroupAndNeedsColumnsPickTheirScenario() throws {
        let dir = try TemporaryDirectory()
        try Self.writeGroupsScenario(dir.path("groups.yaml"))
        let run = try CLI.run(["run", dir.path("groups.yaml"), "--output-dir", dir.path("run"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let catalog = try Catalog.load(.es).writingNumbers(NumberStyle.of(.es))
        let aad = try CLI.run(["map", dir.path("run"), "--column", "aad_women", "--scenario", "warmer", "--lang", "es",
                               "--output", dir.path("aad.pdf")])
        #expect(aad.status == 0, "\(aad.stderr)")
        #expect(try Self.description(dir.path("aad.map.json"))["column"] as? String == "warmer_aad_women")
        let aadText = try Self.pdfText(dir.path("aad.pdf"))
        for line in [catalog.text("column.aad_group", ["group": "women"]), catalog.text("unit.people_per_year"),
                     catalog.text("map.scenario", ["scenario": "warmer"])] {
            #expect(aadText.contains(Self.words(line)), "'\(line)' not in:\n\(aadText)")
        }
        // Needs without --scenario: the first scenario, which has the 100-year event.
        let needs = try CLI.run(["map", dir.path("run"), "--column", "needs_rice", "--lang", "es", "--output", dir.path("rice.pdf")])
        #expect(needs.status == 0, "\(needs.stderr)")
        #expect(try Self.description(dir.path("rice.map.json"))["column"] as? String == "baseline_needs_rice")
        let riceText = try Self.pdfText(dir.path("rice.pdf"))
        #expect(riceText.contains(Self.words(catalog.text("column.needs_return_period", ["item": "Rice", "unit": "kg", "years": "100"]))), "\(riceText)")
        // A ratio group's population is shared by the scenarios.
        let shared = try CLI.run(["map", dir.path("run"), "--column", "population_female", "--output", dir.path("female.svg")])
        #expect(shared.status == 0, "\(shared.stderr)")
        // The warmer scenario has no 100-year event: said so, nothing drawn.
        let missing = try CLI.run(["map", dir.path("run"), "--column", "needs_rice", "--scenario", "warmer", "--output", dir.path("x.png")])
        #expect(missing.status == 1 && missing.stderr.contains("no 100-year event"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.png")))
    }
}
