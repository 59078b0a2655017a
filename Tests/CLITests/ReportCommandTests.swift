import Foundation
import Localization
import TestSupport
import Testing

/// `exposure report` end to end, checked in headless Chromium (Debian's chromium, installed by make test)
/// with every host name unresolvable: the page loads with no console message at all (no script error, no
/// request its Content-Security-Policy refused), every section is there with its heading in the report's
/// language, and the figures of its table equal the CSV's.
@Suite(.serialized) struct ReportCommandTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Chromium's DOM after the scripts ran, and its console lines.
    static func load(_ html: String, screenshot: String? = nil, height: Int = 2400) throws -> (dom: String, console: [String]) {
        let chromium = try #require(chromium, "headless Chromium is needed (Debian's chromium package; make test installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0",
                         "--host-resolver-rules=MAP * ~NOTFOUND"]
        if let screenshot { arguments += ["--screenshot=\(screenshot)", "--window-size=1280,\(height)", "--hide-scrollbars"] } else { arguments.append("--dump-dom") }
        process.arguments = arguments + [URL(fileURLWithPath: html).absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let drain = CLI.PipeDrain(err.fileHandleForReading)
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let console = String(decoding: drain.wait(), as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return (dom, console)
    }

    /// The rows of the table with `id`: each cell's data-sort value.
    static func rows(of table: String, in dom: String) throws -> [[String]] {
        let start = try #require(dom.range(of: "id=\"\(table)\""), "no table \(table)")
        let end = try #require(dom.range(of: "</table>", range: start.upperBound..<dom.endIndex))
        let body = String(dom[start.upperBound..<end.lowerBound])
        let rowPattern = try NSRegularExpression(pattern: "<tr[^>]*>(.*?)</tr>", options: [.dotMatchesLineSeparators])
        let cellPattern = try NSRegularExpression(pattern: "<td data-sort=\"([^\"]*)\"")
        return rowPattern.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap { match in
            let row = String(body[Range(match.range(at: 1), in: body)!])
            let cells = cellPattern.matches(in: row, range: NSRange(row.startIndex..., in: row)).map { String(row[Range($0.range(at: 1), in: row)!]) }
            return cells.isEmpty ? nil : cells
        }
    }

    static func csv(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    /// Every request a file could make: anything but an in-page anchor or a data: URL.
    static func externalReferences(_ html: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"(?:src|href)\s*=\s*"([^"]*)"|url\(\s*['"]?([^'")]*)"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { m -> String? in
            let r = m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range(at: 2)
            let target = String(html[Range(r, in: html)!])
            return target.hasPrefix("#") || target.hasPrefix("data:") ? nil : target
        }
    }

    @Test(arguments: Language.allCases)
    func analysisReportLoadsCleanlyWithTheCSVFigures(_ language: Language) throws {
        let dir = try TemporaryDirectory()
        let analyze = try CLI.run(["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                                   "--region-id", "code", "--region-name", "name", "--hazard", "sample-rasters/flood_baseline_rp100.tif",
                                   "--preset", "flood-depth", "--output", dir.path("flood.geojson"), "--csv", dir.path("flood.csv"), "--quiet"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        let report = try CLI.run(["report", dir.path("flood.geojson"), "--lang", language.rawValue, "--output", dir.path("report.html")])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.path("report.html"), encoding: .utf8)
        let references = try Self.externalReferences(html)
        #expect(references.isEmpty, "the report refers to other files: \(references)")
        #expect(html.contains("Content-Security-Policy"))

        let (dom, console) = try Self.load(dir.path("report.html"))
        #expect(console.isEmpty, "\(language): the console is not silent:\n\(console.joined(separator: "\n"))")
        let catalog = try Catalog.load(language).writingNumbers(NumberStyle.of(language))
        for section in ["question", "figures", "maps", "regions", "notes", "provenance"] {
            #expect(dom.contains("<section id=\"\(section)\">"), "\(language): no section \(section)")
            let heading = catalog.text("report.h_\(section)").replacingOccurrences(of: "&", with: "&amp;")
            #expect(dom.contains("<h2>\(heading)</h2>"), "\(language): heading '\(heading)' missing")
        }
        #expect(dom.contains(catalog.text("report.n_caution")), "\(language): no caution note")

        // The table's figures are the CSV's: same regions in the same order, the same numbers.
        let table = try Self.rows(of: "regions-table", in: dom)
        let expected = try Self.csv(dir.path("flood.csv"))
        #expect(table.count == expected.count && table.count == 12)
        for (row, line) in zip(table, expected) {
            #expect(row[0] == line["region_id"])
            for (index, column) in [(2, "population"), (3, "exposed"), (4, "displaced"), (5, "displaced_per_100k"), (6, "hazard_unknown_share")] {
                let shown = try #require(Double(row[index])), written = try #require(Double(line[column] ?? ""))
                #expect(abs(shown - written) <= 1e-4 * max(1, abs(written)), "\(line["region_id"]!) \(column): report \(shown), CSV \(written)")
            }
        }
        // People as whole people in the page: El Carmen's population as printed.
        let carmen = try #require(expected.first { $0["region_id"] == "RV04" })
        let printed = NumberStyle.of(language).format(Double(carmen["population"]!)!, decimals: 0)
        #expect(dom.contains(">\(printed)</td>"), "\(language): \(printed) not printed")
        #expect(dom.contains("class=\"incomplete\""), "RV04 is flagged as incomplete")
    }

    @Test func runReportHasChartsMapsPerScenarioAScreenshotAndAPDF() throws {
        let dir = try TemporaryDirectory()
        let run = try CLI.run(["run", "examples/sample-floods.yaml", "--output-dir", dir.path("run"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try CLI.run(["report", dir.path("run"), "--lang", "pt", "--output", dir.path("relatorio.html"), "--pdf", dir.path("relatorio.pdf")])
        #expect(report.status == 0, "\(report.stderr)")
        let (dom, console) = try Self.load(dir.path("relatorio.html"))
        #expect(console.isEmpty, "the console is not silent:\n\(console.joined(separator: "\n"))")
        #expect(dom.contains("<section id=\"charts\">"))
        // Two maps (one per scenario) and six charts (the whole area, five regions) plus the comparison.
        #expect(dom.components(separatedBy: "<figure class=\"map\">").count - 1 == 2)
        #expect(dom.components(separatedBy: "<figure class=\"chart\">").count - 1 == 7)
        // The regions' AAD equal annual.csv's.
        let table = try Self.rows(of: "regions-table", in: dom)
        let annual = try Self.csv(dir.path("run/annual.csv"))
        for row in table {
            for (offset, scenario) in ["baseline", "ssp2-4.5-2050"].enumerated() {
                let line = try #require(annual.first { $0["region_id"] == row[0] && $0["scenario"] == scenario })
                let shown = try #require(Double(row[3 + 2 * offset])), written = try #require(Double(line["aad_displaced"] ?? ""))
                #expect(abs(shown - written) <= 1e-5 * max(1, written), "\(row[0]) \(scenario): \(shown) vs \(written)")
            }
        }
        let text = try MapCommandTests.pdfText(dir.path("relatorio.pdf"))
        #expect(text.contains(MapCommandTests.words(try Catalog.load(.pt).text("report.h_regions"))))
        let screenshot = dir.path("relatorio.png")
        _ = try Self.load(dir.path("relatorio.html"), screenshot: screenshot)
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 50_000, "the screenshot is \(size) bytes")
    }

    /// Cells of a table row as numbers.
    static func close(_ shown: String, _ written: String?, _ what: String) {
        guard let a = Double(shown), let b = Double(written ?? "") else {
            Issue.record("\(what): report \(shown), CSV \(written ?? "nil")")
            return
        }
        #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(what): report \(a), CSV \(b)")
    }

    /// A text of the catalog as Chromium's DOM writes it (& and no-break spaces as entities).
    static func inDOM(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\u{00A0}", with: "&nbsp;")
    }

    @Test(arguments: Language.allCases)
    func analysisReportShowsWhoIsDisplacedAndMinimumNeeds(_ language: Language) throws {
        let dir = try TemporaryDirectory()
        try MapCommandTests.analyzeWithGroups(dir)
        let report = try CLI.run(["report", dir.path("groups.geojson"), "--lang", language.rawValue, "--output", dir.path("report.html")])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.path("report.html"), encoding: .utf8)
        #expect(try Self.externalReferences(html).isEmpty)
        let screenshot = language == .en ? dir.path("report.png") : nil
        let (dom, console) = try Self.load(dir.path("report.html"))
        #expect(console.isEmpty, "\(language): the console is not silent:\n\(console.joined(separator: "\n"))")
        let catalog = try Catalog.load(language).writingNumbers(NumberStyle.of(language))
        for (section, key) in [("groups", "report.h_groups"), ("needs", "report.h_needs")] {
            #expect(dom.contains("<section id=\"\(section)\" class=\"extra\">"), "\(language): no section \(section)")
            #expect(dom.contains("<h2>\(Self.inDOM(catalog.text(key)))</h2>"), "\(language): no heading \(catalog.text(key))")
        }

        // Displaced people of each group per region, as the CSV has them, groups in the manifest's order.
        let manifest = try CLI.json(String(contentsOfFile: dir.path("groups.geojson.manifest.json"), encoding: .utf8))
        let groups = try #require(manifest["populationGroups"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(groups.prefix(2) == ["women", "age_0_4"] && groups.contains("female"))
        let csv = try Self.csv(dir.path("groups.csv"))
        let table = try Self.rows(of: "groups-table", in: dom)
        #expect(table.count == csv.count && table.count == 12)
        for (row, line) in zip(table, csv) {
            #expect(row[0] == line["region_id"])
            Self.close(row[2], line["displaced"], "\(row[0]) displaced")
            for (i, g) in groups.enumerated() { Self.close(row[3 + i], line["displaced_\(g)"], "\(row[0]) displaced_\(g)") }
        }
        // The groups' totals: the sums of the CSV's columns.
        let totals = try Self.rows(of: "group-totals-table", in: dom)
        #expect(totals.map { $0[0] } == groups)
        for (row, g) in zip(totals, groups) {
            for (index, prefix) in [(2, "population"), (3, "exposed"), (4, "displaced")] {
                let sum = csv.reduce(0) { $0 + (Double($1["\(prefix)_\(g)"] ?? "") ?? .nan) }
                Self.close(row[index], String(sum), "total \(prefix)_\(g)")
            }
        }
        // Ratio groups are shares of a generic file, said in words.
        let generic = catalog.text("report.g_generic", ["source": "§"]).components(separatedBy: "§")[0]
        #expect(dom.contains(Self.inDOM(generic)), "\(language): the generic shares are not said to be generic")
        #expect(dom.contains("generic-ratios.yaml"))
        // The bars: all displaced people and seven groups, four a chart.
        #expect(dom.components(separatedBy: "<figure class=\"chart section-chart\">").count - 1 == 2)
        #expect(dom.contains(">\(Self.inDOM(catalog.text("report.chart_all")))<") || dom.contains("<title>\(Self.inDOM(catalog.text("report.chart_all")))</title>"))

        // Needs per region as the CSV has them; the profile's name and citation printed.
        let items = try #require((manifest["needs"] as? [String: Any])?["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        let needs = try Self.rows(of: "needs-table", in: dom)
        #expect(needs.count == 12)
        for (row, line) in zip(needs, csv) {
            for (i, item) in items.enumerated() { Self.close(row[2 + i], line["needs_\(item)"], "\(row[0]) needs_\(item)") }
        }
        #expect(dom.contains("Sphere Handbook minimum standards (2018)") && dom.contains("Sphere Association. The Sphere Handbook"))
        #expect(dom.contains(">\(Self.inDOM(catalog.text("report.needs_weekly")))</td>") && dom.contains(">\(Self.inDOM(catalog.text("report.needs_once")))</td>"))
        let itemsTable = try Self.rows(of: "needs-items-table", in: dom)
        #expect(itemsTable.count == items.count)
        // Amounts printed in the reader's number style: San Isidro's water.
        let water = try #require(Double(csv[0]["needs_water"] ?? ""))
        #expect(dom.contains(">\(Self.inDOM(NumberStyle.of(language).format(water, decimals: 0)))</td>"), "\(language): \(water) not printed")

        if let screenshot {
            // Tall enough to hold the groups and needs sections below the map and the regions.
            _ = try Self.load(dir.path("report.html"), screenshot: screenshot, height: 7000)
            let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
            #expect(size > 50_000, "the screenshot is \(size) bytes")
            if let keep = ProcessInfo.processInfo.environment["EXPOSURE_KEEP_SCREENSHOTS"] {
                try? FileManager.default.removeItem(atPath: keep + "/report-groups.png")
                try FileManager.default.copyItem(atPath: screenshot, toPath: keep + "/report-groups.png")
            }
        }
    }

    @Test func runReportWithGroupsAndNeeds() throws {
        let dir = try TemporaryDirectory()
        try MapCommandTests.writeGroupsScenario(dir.path("groups.yaml"))
        let run = try CLI.run(["run", dir.path("groups.yaml"), "--output-dir", dir.path("run"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try CLI.run(["report", dir.path("run"), "--lang", "es", "--output", dir.path("informe.html")])
        #expect(report.status == 0, "\(report.stderr)")
        let (dom, console) = try Self.load(dir.path("informe.html"))
        #expect(console.isEmpty, "the console is not silent:\n\(console.joined(separator: "\n"))")
        let catalog = try Catalog.load(.es).writingNumbers(NumberStyle.of(.es))
        #expect(dom.contains("<h2>\(catalog.text("report.h_groups"))</h2>") && dom.contains("<h2>\(catalog.text("report.h_needs"))</h2>"))
        let annual = try Self.csv(dir.path("run/annual.csv"))
        let groups = ["women", "age_0_4", "female", "youth_0_14", "adult_15_64", "elderly_65_plus", "disability"]
        // Per region: the baseline's AAD, of everyone and of each group.
        let table = try Self.rows(of: "groups-table", in: dom)
        #expect(table.count == 12)
        for row in table {
            let line = try #require(annual.first { $0["region_id"] == row[0] && $0["scenario"] == "baseline" })
            Self.close(row[2], line["aad_displaced"], "\(row[0]) aad_displaced")
            for (i, g) in groups.enumerated() { Self.close(row[3 + i], line["aad_\(g)"], "\(row[0]) aad_\(g)") }
        }
        // Totals per scenario: the sums of annual.csv.
        let totals = try Self.rows(of: "group-totals-table", in: dom)
        #expect(totals.map { $0[0] } == groups)
        for (row, g) in zip(totals, groups) {
            for (offset, scenario) in ["baseline", "warmer"].enumerated() {
                let sum = annual.filter { $0["scenario"] == scenario }.reduce(0) { $0 + (Double($1["aad_\(g)"] ?? "") ?? .nan) }
                Self.close(row[3 + offset], String(sum), "\(scenario) aad_\(g)")
            }
        }
        #expect(dom.components(separatedBy: "<figure class=\"chart section-chart\">").count - 1 == 2)
        // Needs at the 100-year return period of the baseline; the warmer scenario has none, and the report says so.
        let needs = try Self.rows(of: "needs-table", in: dom)
        for row in needs {
            let line = try #require(annual.first { $0["region_id"] == row[0] && $0["scenario"] == "baseline" })
            for (i, item) in ["rice", "drinking_water", "clean_water", "family_kits", "toilets"].enumerated() {
                Self.close(row[2 + i], line["needs_\(item)"], "\(row[0]) needs_\(item)")
            }
        }
        #expect(dom.contains(catalog.text("report.needs_intro_run", ["years": "100", "scenario": "baseline"])))
        #expect(dom.contains(catalog.text("report.needs_missing", ["scenarios": "warmer", "years": "100"])))
        // The group rasters are inputs of the run, with their checksums, in the provenance.
        #expect(dom.contains(catalog.text("report.role_group", ["group": "women"])))
    }

    @Test func refusalsWithoutChromiumOrManifest() throws {
        let dir = try TemporaryDirectory()
        let analyze = try CLI.run(["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                                   "--region-id", "code", "--output", dir.path("people.geojson"), "--quiet"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        // No Chromium on the PATH: a clear error naming the package, and nothing written.
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["report", dir.path("people.geojson"), "--output", dir.path("r.html"), "--pdf", dir.path("r.pdf")]
        process.environment = ["PATH": dir.path("no-such-folder")]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1 && message.contains("chromium package"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("r.html")), "all outputs or none")

        try FileManager.default.copyItem(atPath: "sample-rasters/municipalities.geojson", toPath: dir.path("plain.geojson"))
        let plain = try CLI.run(["report", dir.path("plain.geojson"), "--output", dir.path("r.html")])
        #expect(plain.status == 1 && plain.stderr.contains("manifest"), "\(plain.stderr)")
        let wrong = try CLI.run(["report", dir.path("people.geojson"), "--output", dir.path("r.pdf")])
        #expect(wrong.status != 0 && wrong.stderr.contains(".html"))
    }
}
