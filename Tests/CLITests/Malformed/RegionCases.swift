import Foundation

/// Invalid and non-polygon geometries, and hostile region ids.
enum RegionCases {
    static let csvOut = ["out/result.csv"]

    /// The standard inputs with these features as the regions.
    static func regions(_ features: [String], crs: Bool = true) -> Setup {
        let text = Fixture.featureCollection(features, crs: crs)
        return { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.geojson", text)
        }
    }

    static let x0 = Fixture.originX, y0 = Fixture.originY - 1000, x1 = Fixture.originX + 500, y1 = Fixture.originY

    static var geometry: [CorpusCase] {
        let g = CorpusCase.Category.geometry
        let west = Fixture.region("A", "West", Fixture.west)
        let analyze = Command.analyze()
        var cases: [CorpusCase] = []
        cases.append(corpusCase("ring-not-closed-geojson", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "Open", #"{"type": "Polygon", "coordinates": [[[\#(x1), \#(y0)], [\#(x1 + 500), \#(y0)], [\#(x1 + 500), \#(y1)], [\#(x1), \#(y1)]]]}"#)])))
        cases.append(corpusCase("ring-not-closed-wkt", g,
                                ["analyze", "--population", "in/pop.tif", "--regions", "in/regions.csv", "--region-id", "code", "--csv", "out/result.csv",
                                 "--assume-crs", "EPSG:32618"],
                                .errorOrWarning(mentioning: ["regions.csv"])) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.csv", "WKT,code\n\"POLYGON ((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1)))\",A\n")
        })
        cases.append(corpusCase("ring-too-few-points", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "Sliver", #"{"type": "Polygon", "coordinates": [[[\#(x1), \#(y0)], [\#(x1 + 500), \#(y1)], [\#(x1), \#(y0)]]]}"#)])))
        cases.append(corpusCase("bow-tie", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Bow tie", #"{"type": "Polygon", "coordinates": [[[\#(x1), \#(y0)], [\#(x1 + 500), \#(y1)], [\#(x1 + 500), \#(y0)], [\#(x1), \#(y1)], [\#(x1), \#(y0)]]]}"#)])))
        cases.append(corpusCase("hole-outside-shell", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([Fixture.region("A", "Holed", #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0)], [\#(x1), \#(y0)], [\#(x1), \#(y1)], [\#(x0), \#(y1)], [\#(x0), \#(y0)]], [[\#(x1 + 100), \#(y0 + 100)], [\#(x1 + 200), \#(y0 + 100)], [\#(x1 + 200), \#(y0 + 200)], [\#(x1 + 100), \#(y0 + 100)]]]}"#)])))
        let point = #"{"type": "Point", "coordinates": [\#(x0 + 50), \#(y0 + 50)]}"#
        let line = #"{"type": "LineString", "coordinates": [[\#(x0), \#(y0)], [\#(x1), \#(y1)]]}"#
        cases.append(corpusCase("all-points", g, analyze, .error(mentioning: ["regions.geojson"]),
                                setup: regions([Fixture.region("A", "P1", point), Fixture.region("B", "P2", point)])))
        cases.append(corpusCase("point-among-polygons", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Point", point)])))
        cases.append(corpusCase("line-among-polygons", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Line", line)])))
        cases.append(corpusCase("multipoint-region", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Points", #"{"type": "MultiPoint", "coordinates": [[\#(x0), \#(y0)], [\#(x1), \#(y1)]]}"#)])))
        cases.append(corpusCase("all-null-geometries", g, analyze, .error(mentioning: ["regions.geojson"]),
                                setup: regions([Fixture.region("A", "Null", "null"), Fixture.region("B", "Null", "null")])))
        cases.append(corpusCase("one-null-geometry", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 50),
                                setup: regions([west, Fixture.region("B", "Null", "null")])))
        cases.append(corpusCase("no-features", g, analyze, .error(mentioning: ["regions.geojson"]), setup: regions([])))
        cases.append(corpusCase("empty-polygon", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Empty", #"{"type": "Polygon", "coordinates": []}"#)])))
        cases.append(corpusCase("geometry-collection", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "Collection", #"{"type": "GeometryCollection", "geometries": [\#(Fixture.east), \#(point)]}"#)])))
        cases.append(corpusCase("nan-coordinate", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "NaN", #"{"type": "Polygon", "coordinates": [[[\#(x1), \#(y0)], [NaN, \#(y0)], [\#(x1 + 500), \#(y1)], [\#(x1), \#(y1)], [\#(x1), \#(y0)]]]}"#)])))
        cases.append(corpusCase("huge-coordinates", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "Huge", #"{"type": "Polygon", "coordinates": [[[-1e308, -1e308], [1e308, -1e308], [1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308]]]}"#)])))
        cases.append(corpusCase("latitude-out-of-range", g, analyze, .error(mentioning: ["regions.geojson"]),
                                setup: regions([Fixture.region("A", "Beyond the pole", #"{"type": "Polygon", "coordinates": [[[-75, 95], [-74, 95], [-74, 200], [-75, 200], [-75, 95]]]}"#)], crs: false)))
        cases.append(corpusCase("duplicate-vertices", g, analyze, .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 1, population: 50),
                                setup: regions([Fixture.region("A", "Doubled", #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0)], [\#(x0), \#(y0)], [\#(x1), \#(y0)], [\#(x1), \#(y0)], [\#(x1), \#(y1)], [\#(x0), \#(y1)], [\#(x0), \#(y0)], [\#(x0), \#(y0)]]]}"#)])))
        cases.append(corpusCase("three-dimensional", g, analyze, .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 1, population: 50),
                                setup: regions([Fixture.region("A", "3D", #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0), 10], [\#(x1), \#(y0), 20], [\#(x1), \#(y1), 30], [\#(x0), \#(y1), 40], [\#(x0), \#(y0), 10]]]}"#)])))
        cases.append(corpusCase("clockwise-ring", g, analyze, .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 1, population: 50),
                                setup: regions([Fixture.region("A", "Clockwise", #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0)], [\#(x0), \#(y1)], [\#(x1), \#(y1)], [\#(x1), \#(y0)], [\#(x0), \#(y0)]]]}"#)])))
        cases.append(corpusCase("zero-area-polygon", g, analyze, .success(warning: ["regions.geojson"]), outputs: csvOut,
                                setup: regions([west, Fixture.region("B", "Flat", #"{"type": "Polygon", "coordinates": [[[\#(x1), \#(y0)], [\#(x1 + 250), \#(y0)], [\#(x1 + 500), \#(y0)], [\#(x1), \#(y0)]]]}"#)])))
        cases.append(corpusCase("multipolygon-with-empty-part", g, analyze, .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 1, population: 50),
                                setup: regions([Fixture.region("A", "Parts", #"{"type": "MultiPolygon", "coordinates": [[[[\#(x0), \#(y0)], [\#(x1), \#(y0)], [\#(x1), \#(y1)], [\#(x0), \#(y1)], [\#(x0), \#(y0)]]], []]}"#)])))
        cases.append(corpusCase("coordinates-wrong-depth", g, analyze, .errorOrWarning(mentioning: ["regions.geojson"]),
                                setup: regions([west, Fixture.region("B", "Flat list", #"{"type": "Polygon", "coordinates": [[\#(x1), \#(y0)], [\#(x1 + 500), \#(y1)]]}"#)])))
        cases.append(corpusCase("deeply-nested-coordinates", g, analyze, .error(mentioning: ["regions.geojson"])) { workspace in
            try workspace.standardInputs()
            let nested = String(repeating: "[", count: 5000) + "0" + String(repeating: "]", count: 5000)
            try workspace.write("in/regions.geojson", Fixture.featureCollection([Fixture.region("A", "Deep", #"{"type": "Polygon", "coordinates": \#(nested)}"#)]))
        })
        cases.append(corpusCase("two-hundred-thousand-vertices", g, analyze, .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 1, population: 100)) { workspace in
            // A circle inscribed in... no: a square traced with 50,000 points a side, covering the whole grid.
            try workspace.standardInputs()
            let n = 50_000
            var points: [String] = []
            let xa = Fixture.originX, xb = Fixture.originX + 1000, ya = Fixture.originY - 1000, yb = Fixture.originY
            for i in 0..<n { points.append("[\(xa + (xb - xa) * Double(i) / Double(n)), \(ya)]") }
            for i in 0..<n { points.append("[\(xb), \(ya + (yb - ya) * Double(i) / Double(n))]") }
            for i in 0..<n { points.append("[\(xb - (xb - xa) * Double(i) / Double(n)), \(yb)]") }
            for i in 0..<n { points.append("[\(xa), \(yb - (yb - ya) * Double(i) / Double(n))]") }
            points.append("[\(xa), \(ya)]")
            try workspace.write("in/regions.geojson", Fixture.featureCollection([Fixture.region("A", "Fine", #"{"type": "Polygon", "coordinates": [[\#(points.joined(separator: ","))]]}"#)]))
        })
        cases.append(corpusCase("grid-census-points", g, Command.grid(), .error(mentioning: ["census.geojson"])) { workspace in
            try workspace.raster("in/like.tif")
            try workspace.write("in/census.geojson", Fixture.featureCollection([
                Fixture.feature(["people": "10"], point), Fixture.feature(["people": "20"], point),
            ]))
        })
        cases.append(corpusCase("grid-census-bow-tie", g, Command.grid(), .success(warning: ["census.geojson"]), outputs: ["out/grid.tif"]) { workspace in
            try workspace.raster("in/like.tif")
            try workspace.write("in/census.geojson", Fixture.featureCollection([
                Fixture.feature(["people": "10"], #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0)], [\#(x1), \#(y1)], [\#(x1), \#(y0)], [\#(x0), \#(y1)], [\#(x0), \#(y0)]]]}"#),
            ]))
        })
        return cases
    }

    /// Two regions with these ids (west, east), and a check that the CSV stays RFC 4180 with exactly these ids.
    static func idCase(_ name: String, ids: [String], names: [String] = ["West", "East"], warning: [String] = []) -> CorpusCase {
        corpusCase(name, .ids, Command.analyze(extra: ["--output", "out/result.geojson"]), .success(warning: warning),
                   outputs: ["out/result.csv", "out/result.geojson"], check: { workspace in
                       var problems = try Checks.csv("out/result.csv", regions: 2, population: 100, ids: ids)(workspace)
                       let json = try JSONSerialization.jsonObject(with: try workspace.read("out/result.geojson")) as? [String: Any]
                       let features = json?["features"] as? [[String: Any]] ?? []
                       let written = features.map { ($0["properties"] as? [String: Any])?["region_id"] as? String ?? "?" }
                       if written != ids { problems.append("result.geojson ids \(written), expected \(ids)") }
                       return problems
                   },
                   setup: regions([Fixture.region(ids[0], names[0], Fixture.west), Fixture.region(ids[1], names[1], Fixture.east)]))
    }

    static var ids: [CorpusCase] {
        var cases: [CorpusCase] = [
            idCase("ids-with-cr-lf", ids: ["A\r\nB", "line\nbreak"]),
            idCase("ids-with-lone-cr", ids: ["A\rB", "C\r"]),
            idCase("ids-with-commas-and-quotes", ids: ["a,b", "say \"hi\", \"bye\""]),
            idCase("ids-with-leading-and-trailing-spaces", ids: [" A", "B "]),
            idCase("ids-unicode", ids: ["São Paulo – Zona Leste 🌊", "שלום\u{202E}evil"]),
            idCase("ids-formula-like", ids: ["=HYPERLINK(\"http://x\")", "+1-2"]),
            idCase("ids-tab-and-backslash", ids: ["a\tb", "c\\d"]),
            idCase("ids-differ-only-in-case", ids: ["a", "A"]),
            idCase("ids-path-like", ids: ["../../etc/passwd", "/dev/null"]),
            idCase("names-with-newlines-and-commas", ids: ["A", "B"], names: ["West\nside, \"old\"", "East\r\n"]),
            idCase("ids-very-long", ids: [String(repeating: "x", count: 100_000), "B"]),
            idCase("ids-duplicated", ids: ["A", "A"], warning: ["regions.geojson"]),
            idCase("ids-empty", ids: ["", "B"], warning: ["regions.geojson"]),
        ]
        cases.append(corpusCase("ids-null", .ids, Command.analyze(), .success(warning: ["regions.geojson"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100),
                                setup: regions([Fixture.feature(["code": "null", "name": #""West""#], Fixture.west),
                                                Fixture.feature(["code": #""B""#, "name": #""East""#], Fixture.east)])))
        cases.append(corpusCase("ids-with-nul", .ids, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100),
                                setup: regions([Fixture.feature(["code": #""A\u0000hidden""#, "name": #""West""#], Fixture.west),
                                                Fixture.feature(["code": #""B""#, "name": #""East""#], Fixture.east)])))
        cases.append(corpusCase("ids-integers", .ids, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100, ids: ["1", "2"]),
                                setup: regions([Fixture.feature(["code": "1", "name": #""West""#], Fixture.west),
                                                Fixture.feature(["code": "2", "name": #""East""#], Fixture.east)])))
        cases.append(corpusCase("ids-huge-reals", .ids, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100),
                                setup: regions([Fixture.feature(["code": "1e20", "name": #""West""#], Fixture.west),
                                                Fixture.feature(["code": "-0.0", "name": #""East""#], Fixture.east)])))
        cases.append(corpusCase("id-field-missing", .ids, Command.analyze(id: "nope"), .error(mentioning: ["regions.geojson", "nope"]), setup: Setups.standard))
        cases.append(corpusCase("id-field-empty-name", .ids, Command.analyze(id: ""), .rejected(mentioning: ["--region-id"]), setup: Setups.standard))
        cases.append(corpusCase("id-field-name-hostile", .ids,
                                ["analyze", "--population", "in/pop.tif", "--regions", "in/regions.geojson", "--region-id", "co,de\n\"x\"", "--csv", "out/result.csv"],
                                .success(warning: []), outputs: csvOut, check: Checks.csv("out/result.csv", regions: 2, population: 100),
                                setup: regions([Fixture.feature(["co,de\n\"x\"": #""A""#], Fixture.west),
                                                Fixture.feature(["co,de\n\"x\"": #""B""#], Fixture.east)])))
        cases.append(corpusCase("dissolve-ids-with-newlines", .ids, Command.run(), .success(warning: []), outputs: Command.runOutputs,
                                check: Checks.csv("out/run/annual.csv", regions: 2)) { workspace in
            try workspace.scenarioInputs()
            try workspace.write("in/regions.geojson", Fixture.featureCollection([
                Fixture.region("X\nY", "one", Fixture.square(columns: 0...5, rows: 0...5)),
                Fixture.region("X\nY", "two", Fixture.square(columns: 0...5, rows: 5...10)),
                Fixture.region("Z,\"", "three", Fixture.east),
            ]))
            try workspace.scenario { $0.replacingOccurrences(of: "  name: name\n", with: "  name: name\n  dissolve: true\n") }
        })
        return cases
    }
}
