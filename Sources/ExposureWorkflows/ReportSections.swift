import ExposureCore
import Foundation
import Localization
import Reports

/// The report of one analysis (`analyze`, `flood-extent`): its layer and manifest.
enum AnalysisReport {
    static func build(_ options: ReportOptions, words w: ReportWords) throws -> (ReportDocument, Int, Int) {
        guard FileManager.default.fileExists(atPath: options.input + ".manifest.json") else {
            throw ExposureError("a report needs the analysis's manifest beside it (\((options.input as NSString).lastPathComponent).manifest.json): give an output of exposure analyze or flood-extent, or a run's output folder", path: options.input)
        }
        let source = try MapSource.resolve(input: options.input, layer: nil, column: nil, scenario: nil)
        let manifest = source.manifest
        let rows = try LayerRows.read(source.path)
        let threshold = source.unknownThreshold ?? 0.05
        let hasHazard = rows.first?["exposed"] != nil
        let totals = manifest["totals"] as? [String: Double] ?? [:]
        let rates = (manifest["classes"] as? [[String: Any]] ?? []).compactMap { $0["displacementRate"] as? Double }
        let regionsFile = source.inputs.first { $0.role.hasPrefix("regions") }.map { ($0.path as NSString).lastPathComponent } ?? (source.path as NSString).lastPathComponent
        let hazardFile = source.inputs.first { $0.role == "hazard" }.map { ($0.path as NSString).lastPathComponent }
        let populationFile = source.inputs.first { $0.role.hasPrefix("population") }.map { ($0.path as NSString).lastPathComponent } ?? "—"
        let place = ((regionsFile as NSString).deletingPathExtension)

        var question = [w.t("report.q_population", ["file": populationFile]),
                        w.t("report.q_regions", ["count": String(rows.count), "file": regionsFile])]
        if let hazardFile {
            question.append(w.t("report.q_hazard", ["file": hazardFile, "unit": source.hazardUnit ?? "—"]))
            question.append(w.t("report.q_classes", ["classes": w.classes(source, rates: rates)]))
        }
        question += GroupSections.question(source, words: w)

        let incomplete = rows.filter { (LayerRows.number($0["hazard_unknown_share"]) ?? 0) > threshold }
        var figures: [(String, String)] = [(w.t("report.f_population"), w.people(totals["population"] ?? 0))]
        if hasHazard {
            let population = totals["population"] ?? 0
            figures += [
                (w.t("report.f_exposed"), w.people(totals["exposed"] ?? 0)),
                (w.t("report.f_displaced"), w.people(totals["displaced"] ?? 0)),
                (w.t("report.f_per100k"), w.rate(population > 0 ? (totals["displaced"] ?? 0) / population * 100_000 : 0)),
                (w.t("report.f_unknown"), "\(w.people(totals["hazardUnknown"] ?? 0)) (\(w.percent(population > 0 ? (totals["hazardUnknown"] ?? 0) / population : 0)))"),
            ]
            for n in 1...max(1, source.hazardClasses.count) where rows.first?["exposed_class_\(n)"] != nil {
                let range = ColumnWording.range(ofClass: n, source.hazardClasses, unit: source.hazardUnit, catalog: w.catalog, numbers: w.numbers)
                let exposed = rows.reduce(0) { $0 + (LayerRows.number($1["exposed_class_\(n)"]) ?? 0) }
                let displaced = rows.reduce(0) { $0 + (LayerRows.number($1["displaced_class_\(n)"]) ?? 0) }
                figures.append((w.t("report.f_class", ["class": String(n), "range": range]),
                                w.t("report.f_class_value", ["exposed": w.people(exposed), "displaced": w.people(displaced)])))
            }
            figures.append((w.t("report.f_incomplete"), incomplete.isEmpty ? w.t("report.none")
                            : incomplete.map { "\(LayerRows.text($0["region_id"])) \(LayerRows.text($0["region_name"]))" }.joined(separator: ", ")))
        }

        var columns: [ReportDocument.Table.Column] = [.init(title: w.t("report.c_region_id"), numeric: false),
                                                      .init(title: w.t("report.c_region"), numeric: false),
                                                      .init(title: w.t("report.f_population"), numeric: true)]
        if hasHazard {
            columns += [.init(title: w.t("report.f_exposed"), numeric: true), .init(title: w.t("report.f_displaced"), numeric: true),
                        .init(title: w.t("report.f_per100k"), numeric: true), .init(title: w.t("report.c_unknown_share"), numeric: true)]
        }
        let tableRows = rows.map { r -> ReportDocument.Table.Row in
            var cells = [w.cell(text: LayerRows.text(r["region_id"])), w.cell(text: LayerRows.text(r["region_name"])),
                         w.cell(people: LayerRows.number(r["population"]))]
            if hasHazard {
                cells += [w.cell(people: LayerRows.number(r["exposed"])), w.cell(people: LayerRows.number(r["displaced"])),
                          w.cell(rate: LayerRows.number(r["displaced_per_100k"])), w.cell(share: LayerRows.number(r["hazard_unknown_share"]))]
            }
            return .init(cells: cells, incomplete: (LayerRows.number(r["hazard_unknown_share"]) ?? 0) > threshold)
        }

        let mapSVG = try MapSource.inlineMap(input: options.input, column: source.field, scenario: nil, language: options.language,
                                             numbers: options.numberStyle, index: 1)
        let wording = ColumnWording.of(source.field, classes: source.hazardClasses, hazardUnit: source.hazardUnit, baseline: nil,
                                       catalog: w.catalog, numbers: w.numbers)
        var document = ReportDocument(
            language: options.language,
            title: w.t("report.title_analysis", ["place": place]),
            subtitle: w.t("report.subtitle", ["date": w.date(source.createdAt), "hazard": hazardFile ?? "—"]),
            caution: w.t("report.n_caution"), headings: w.headings(), question: question, figures: figures, scenarioTable: nil,
            maps: [.init(svg: mapSVG, caption: w.t("report.map_caption", ["what": wording.title]))],
            regions: .init(id: "regions-table", columns: columns, rows: tableRows), regionsNote: w.t("report.n_rounded"),
            charts: [], notes: w.commonNotes(threshold: threshold, sampling: manifest["hazardSampling"] as? String,
                                             rates: rates.isEmpty ? "—" : w.classes(source, rates: rates) + preset(manifest, w)),
            inputs: w.inputs(source), provenance: w.provenance(manifest, manifestPath: source.manifestPath),
            inputHeadings: [w.t("report.i_role"), w.t("report.i_file"), "SHA-256"], footer: w.footer)
        document.sections = [GroupSections.whoIsDisplaced(source, rows: rows, threshold: threshold, words: w),
                             GroupSections.minimumNeeds(source, rows: rows, threshold: threshold, words: w)].compactMap { $0 }
        return (document, rows.count, incomplete.count)
    }

    static func preset(_ manifest: [String: Any], _ w: ReportWords) -> String {
        (manifest["preset"] as? String).map { w.t("report.n_preset", ["preset": $0]) } ?? ""
    }
}

/// The report of a scenario run: its folder's regions.geojson and run.json.
enum RunReport {
    static func build(_ options: ReportOptions, words w: ReportWords) throws -> (ReportDocument, Int, Int) {
        let source = try MapSource.resolve(input: options.input, layer: nil, column: "aad_per_100k", scenario: nil)
        let manifest = source.manifest
        let rows = try LayerRows.read(source.path)
        let threshold = source.unknownThreshold ?? 0.05
        let totals = manifest["totalsOfFirstRegionSet"] as? [[String: Any]] ?? []
        let scenarios = totals.compactMap { $0["scenario"] as? String }
        let identifiers = ScenarioFile.identifiers(scenarios)
        let periods = Array(Set(totals.flatMap { ($0["pmd"] as? [String: Double] ?? [:]).keys.compactMap(Double.init) })).sorted()
        let rates = (manifest["classes"] as? [[String: Any]] ?? []).compactMap { $0["displacementRate"] as? Double }
        let name = source.runName ?? (options.input as NSString).lastPathComponent
        func years(_ t: Double) -> String { w.numbers.format(t, decimals: t == t.rounded() ? 0 : 1) }
        func pmdKey(_ t: Double) -> String { t == t.rounded() ? String(Int(t)) : String(t) }

        let regionsFile = source.inputs.first { $0.role.hasPrefix("regions") }.map { ($0.path as NSString).lastPathComponent } ?? "—"
        let populationFile = source.inputs.first { $0.role.hasPrefix("population") }.map { ($0.path as NSString).lastPathComponent } ?? "—"
        let question = [
            w.t("report.q_population", ["file": populationFile]),
            w.t("report.q_regions", ["count": String(rows.count), "file": regionsFile]),
            w.t("report.q_scenarios", ["scenarios": scenarios.joined(separator: ", "), "periods": periods.map(years).joined(separator: ", ")]),
            w.t("report.q_classes", ["classes": w.classes(source, rates: rates)]),
        ] + GroupSections.question(source, words: w)

        // One row per scenario: population, AAE, AAD, AAD per 100,000, PMD per return period, change.
        var scenarioColumns: [ReportDocument.Table.Column] = [
            .init(title: w.t("report.c_scenario"), numeric: false), .init(title: w.t("report.f_population"), numeric: true),
            .init(title: w.t("column.aae_exposed"), numeric: true), .init(title: w.t("column.aad_displaced"), numeric: true),
            .init(title: w.t("column.aad_per_100k"), numeric: true),
        ]
        scenarioColumns += periods.map { .init(title: w.t("report.c_pmd", ["years": years($0)]), numeric: true) }
        if scenarios.count > 1 { scenarioColumns.append(.init(title: w.t("report.c_change", ["baseline": scenarios[0]]), numeric: true)) }
        let baseAAD = (totals.first?["aadDisplaced"] as? Double) ?? 0
        let scenarioRows = totals.map { total -> ReportDocument.Table.Row in
            let pmd = total["pmd"] as? [String: Double] ?? [:]
            let aad = (total["aadDisplaced"] as? Double) ?? 0
            var cells = [w.cell(text: (total["scenario"] as? String) ?? ""), w.cell(people: total["population"] as? Double),
                         w.cell(people: total["aaeExposed"] as? Double), w.cell(people: aad), w.cell(rate: total["aadPer100k"] as? Double)]
            cells += periods.map { w.cell(people: pmd[pmdKey($0)]) }
            if scenarios.count > 1 {
                let change = aad - baseAAD
                let sign = change > 0 ? "+" : ""
                cells.append(.init(text: "\(sign)\(w.people(change))" + (baseAAD > 0 ? " (\(sign)\(w.percent(change / baseAAD)))" : ""), sortKey: String(change)))
            }
            return .init(cells: cells, incomplete: false)
        }
        let first = totals.first
        let figures: [(String, String)] = [
            (w.t("report.f_population"), w.people((first?["population"] as? Double) ?? 0)),
            (w.t("report.f_aad_first", ["scenario": scenarios.first ?? ""]), w.people(baseAAD)),
            (w.t("report.f_incomplete"), {
                let flagged = rows.filter { (LayerRows.number($0["hazard_unknown_share"]) ?? 0) > threshold }
                return flagged.isEmpty ? w.t("report.none") : flagged.map { "\(LayerRows.text($0["region_id"])) \(LayerRows.text($0["region_name"]))" }.joined(separator: ", ")
            }()),
        ]

        // Per region: population, then each scenario's AAD and AAD per 100,000, and the worst unknown share.
        var columns: [ReportDocument.Table.Column] = [.init(title: w.t("report.c_region_id"), numeric: false),
                                                      .init(title: w.t("report.c_region"), numeric: false),
                                                      .init(title: w.t("report.f_population"), numeric: true)]
        for s in scenarios {
            columns += [.init(title: w.t("report.c_aad", ["scenario": s]), numeric: true),
                        .init(title: w.t("report.c_aad_100k", ["scenario": s]), numeric: true)]
        }
        columns.append(.init(title: w.t("report.c_unknown_share"), numeric: true))
        let tableRows = rows.map { r -> ReportDocument.Table.Row in
            var cells = [w.cell(text: LayerRows.text(r["region_id"])), w.cell(text: LayerRows.text(r["region_name"])),
                         w.cell(people: LayerRows.number(r["population"]))]
            for id in identifiers {
                cells += [w.cell(people: LayerRows.number(r["\(id)_aad_displaced"])), w.cell(rate: LayerRows.number(r["\(id)_aad_per_100k"]))]
            }
            cells.append(w.cell(share: LayerRows.number(r["hazard_unknown_share"])))
            return .init(cells: cells, incomplete: (LayerRows.number(r["hazard_unknown_share"]) ?? 0) > threshold)
        }

        var maps: [ReportDocument.Figure] = []
        for (i, s) in scenarios.enumerated() {
            let svg = try MapSource.inlineMap(input: options.input, column: "aad_per_100k", scenario: s, language: options.language,
                                              numbers: options.numberStyle, index: i + 1)
            maps.append(.init(svg: svg, caption: w.t("report.map_caption_scenario", ["what": w.t("column.aad_per_100k"), "scenario": s])))
        }

        // Exceedance curves: the whole area, then the five regions with the largest AAD in the first scenario.
        let percent = { (value: String) in w.t("number.percent", ["value": value]) }
        let xLabel = w.t("report.chart_x"), yLabel = w.t("report.chart_y")
        var charts: [ReportDocument.Figure] = []
        let whole = totals.map { total in
            Charts.Series(name: (total["scenario"] as? String) ?? "",
                          points: periods.compactMap { t in (total["pmd"] as? [String: Double])?[pmdKey(t)].map { (t, $0) } })
        }
        charts.append(.init(svg: Charts.exceedance(whole, title: w.t("report.chart_exceedance_total"), xLabel: xLabel, yLabel: yLabel,
                                                   numbers: w.numbers, percent: percent),
                            caption: w.t("report.chart_exceedance_caption")))
        if let firstID = identifiers.first {
            let ranked = rows.sorted { (LayerRows.number($0["\(firstID)_aad_displaced"]) ?? 0) > (LayerRows.number($1["\(firstID)_aad_displaced"]) ?? 0) }
            for r in ranked.prefix(5) {
                let series = zip(scenarios, identifiers).map { s, id in
                    Charts.Series(name: s, points: periods.compactMap { t in LayerRows.number(r["\(id)_pmd_\(pmdKey(t))"]).map { (t, $0) } })
                }
                let region = "\(LayerRows.text(r["region_name"])) (\(LayerRows.text(r["region_id"])))"
                charts.append(.init(svg: Charts.exceedance(series, title: w.t("report.chart_exceedance_region", ["region": region]),
                                                           xLabel: xLabel, yLabel: yLabel, numbers: w.numbers, percent: percent),
                                    caption: w.t("report.chart_exceedance_region_caption", ["region": region])))
            }
        }
        if scenarios.count > 1 {
            let items = totals.map { ((($0["scenario"] as? String) ?? ""), ($0["aadDisplaced"] as? Double) ?? 0) }
            charts.append(.init(svg: Charts.bars(items, title: w.t("report.chart_scenarios"), yLabel: w.t("unit.people_per_year"),
                                                 numbers: w.numbers, decimals: 0),
                                caption: w.t("report.chart_scenarios_caption", ["baseline": scenarios[0]])))
        }

        var notes = w.commonNotes(threshold: threshold, sampling: (manifest["hazards"] as? [[String: Any]])?.first?["sampling"] as? String,
                                  rates: w.classes(source, rates: rates) + AnalysisReport.preset(manifest, w))
        notes.insert(w.t("report.n_aad"), at: 2)
        let incomplete = tableRows.filter(\.incomplete).count
        var document = ReportDocument(
            language: options.language, title: w.t("report.title_run", ["name": name]),
            subtitle: w.t("report.subtitle_run", ["date": w.date(source.createdAt), "count": String(scenarios.count)]),
            caution: w.t("report.n_caution"), headings: w.headings(), question: question, figures: figures,
            scenarioTable: .init(id: "scenarios-table", columns: scenarioColumns, rows: scenarioRows), maps: maps,
            regions: .init(id: "regions-table", columns: columns, rows: tableRows), regionsNote: w.t("report.n_rounded"),
            charts: charts, notes: notes, inputs: w.inputs(source), provenance: w.provenance(manifest, manifestPath: source.manifestPath),
            inputHeadings: [w.t("report.i_role"), w.t("report.i_file"), "SHA-256"], footer: w.footer)
        // Groups: the first scenario's AAD per region, every scenario's totals; needs at the run's return period.
        let named = Array(zip(scenarios, identifiers)).map { (name: $0.0, id: $0.1) }
        document.sections = [
            named.first.flatMap { first in
                GroupSections.whoIsDisplaced(source, rows: rows, threshold: threshold, words: w,
                                             run: (scenario: first.name, prefix: first.id + "_", scenarios: named))
            },
            GroupSections.minimumNeeds(source, rows: rows, threshold: threshold, words: w, run: named),
        ].compactMap { $0 }
        return (document, rows.count, incomplete)
    }
}
