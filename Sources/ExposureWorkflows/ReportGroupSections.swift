import Foundation
import GDALSwift
import Localization
import Reports

/// The report's "Who is displaced" and "Minimum needs" sections, present when the analysis or the run has
/// population groups or a needs profile (their manifest says which, and where each came from).
enum GroupSections {
    /// A population group as the manifest describes it.
    struct Group {
        let name: String
        /// From a raster (summed in the pass) or a share of each region's figures.
        let isRatio: Bool
        let path: String?
        let population: Double?
        let exposed: Double?
        let displaced: Double?
    }

    /// The groups of the manifest (an analysis's entries carry their totals; a run's, their raster).
    static func groups(_ source: MapSource) -> [Group] {
        let ratiosPath = (source.manifest["groupRatios"] as? [String: Any])?["path"] as? String
        return (source.manifest["populationGroups"] as? [[String: Any]] ?? []).compactMap { g in
            guard let name = g["name"] as? String else { return nil }
            let isRatio = (g["source"] as? String) == "ratio"
            let path = g["path"] as? String ?? ((g["input"] as? [String: Any])?["path"] as? String) ?? (isRatio ? ratiosPath : nil)
            return Group(name: name, isRatio: isRatio, path: path, population: g["population"] as? Double,
                         exposed: g["exposed"] as? Double, displaced: g["displaced"] as? Double)
        }
    }

    /// Regions drawn in a group chart: the most displaced first, at most this many.
    static let chartRegions = 15
    /// Groups per chart (beside all displaced people), so that each panel keeps room for its numbers.
    static let groupsPerChart = 4

    static func file(_ path: String?) -> String { path.map { ($0 as NSString).lastPathComponent } ?? "—" }

    static func regionCells(_ r: [String: FieldValue], _ w: ReportWords) -> [ReportDocument.Table.Cell] {
        [w.cell(text: LayerRows.text(r["region_id"])), w.cell(text: LayerRows.text(r["region_name"]))]
    }

    static func incomplete(_ r: [String: FieldValue], threshold: Double) -> Bool {
        (LayerRows.number(r["hazard_unknown_share"]) ?? 0) > threshold
    }

    // MARK: who is displaced

    /// - Parameters:
    ///   - prefix: the scenario's identifier and `_` for a run ("" for an analysis).
    ///   - scenario: the run's scenario shown (nil for an analysis).
    ///   - scenarios: a run's scenarios (name, identifier), whose totals the first table gives.
    static func whoIsDisplaced(_ source: MapSource, rows: [[String: FieldValue]], threshold: Double, words w: ReportWords,
                               run: (scenario: String, prefix: String, scenarios: [(name: String, id: String)])? = nil) -> ReportDocument.Section? {
        let groups = groups(source)
        let prefix = run?.prefix ?? ""
        let total = run == nil ? "displaced" : prefix + "aad_displaced"
        func column(_ g: Group) -> String { run == nil ? "displaced_\(g.name)" : "\(prefix)aad_\(g.name)" }
        guard let first = groups.first, rows.first?[column(first)] != nil else { return nil }

        // Each group's totals: where it comes from, its population and (analysis) exposed and displaced, or
        // (run) its AAD in every scenario.
        var totalColumns: [ReportDocument.Table.Column] = [.init(title: w.t("report.c_group"), numeric: false),
                                                           .init(title: w.t("report.c_source"), numeric: false),
                                                           .init(title: w.t("report.f_population"), numeric: true)]
        if let run {
            totalColumns += run.scenarios.map { .init(title: w.t("report.c_aad", ["scenario": $0.name]), numeric: true) }
        } else {
            totalColumns += [.init(title: w.t("report.f_exposed"), numeric: true), .init(title: w.t("report.f_displaced"), numeric: true)]
        }
        func sum(_ field: String) -> Double? {
            rows.first?[field] == nil ? nil : rows.reduce(0) { $0 + (LayerRows.number($1[field]) ?? 0) }
        }
        let totalRows = groups.map { g -> ReportDocument.Table.Row in
            var cells = [w.cell(text: g.name),
                         w.cell(text: w.t(g.isRatio ? "report.g_source_ratio" : "report.g_source_raster", ["file": file(g.path)])),
                         w.cell(people: g.population ?? sum("population_\(g.name)"))]
            if let run {
                cells += run.scenarios.map { w.cell(people: sum("\($0.id)_aad_\(g.name)")) }
            } else {
                cells += [w.cell(people: g.exposed ?? sum("exposed_\(g.name)")), w.cell(people: g.displaced ?? sum("displaced_\(g.name)"))]
            }
            return .init(cells: cells, incomplete: false)
        }

        // Per region: all displaced people, then each group's.
        let allTitle = run == nil ? w.t("report.f_displaced") : w.t("report.c_aad", ["scenario": run!.scenario])
        let regionColumns: [ReportDocument.Table.Column] = [.init(title: w.t("report.c_region_id"), numeric: false),
                                                            .init(title: w.t("report.c_region"), numeric: false),
                                                            .init(title: allTitle, numeric: true)]
            + groups.map { .init(title: $0.name, numeric: true) }
        let regionRows = rows.map { r in
            ReportDocument.Table.Row(cells: regionCells(r, w) + [w.cell(people: LayerRows.number(r[total]))]
                                         + groups.map { w.cell(people: LayerRows.number(r[column($0)])) },
                                     incomplete: incomplete(r, threshold: threshold))
        }

        // Bars: the most displaced regions, all displaced people beside each group, on one scale.
        let ranked = rows.sorted { (LayerRows.number($0[total]) ?? 0) > (LayerRows.number($1[total]) ?? 0) }
        let shown = Array(ranked.prefix(chartRegions))
        let cut = rows.count > chartRegions
        let titleKey = run == nil ? (cut ? "report.chart_groups_top" : "report.chart_groups") : (cut ? "report.chart_groups_run_top" : "report.chart_groups_run")
        let title = w.t(titleKey, ["count": String(shown.count), "scenario": run?.scenario ?? ""])
        let unit = w.t(run == nil ? "unit.people" : "unit.people_per_year")
        let largest = shown.compactMap { LayerRows.number($0[total]) }.max() ?? 0
        var charts: [ReportDocument.Figure] = []
        let chunks = stride(from: 0, to: groups.count, by: groupsPerChart).map { Array(groups[$0..<min($0 + groupsPerChart, groups.count)]) }
        for (i, chunk) in chunks.enumerated() {
            let bars = shown.map { r in
                (label: "\(LayerRows.text(r["region_name"])) (\(LayerRows.text(r["region_id"])))",
                 values: [LayerRows.number(r[total]) ?? 0] + chunk.map { LayerRows.number(r[column($0)]) ?? 0 })
            }
            let svg = Charts.panelBars(bars, series: [w.t("report.chart_all")] + chunk.map(\.name),
                                       title: chunks.count > 1 ? "\(title) (\(i + 1)/\(chunks.count))" : title, unit: unit,
                                       numbers: w.numbers, decimals: largest >= 10 ? 0 : 1, firstIsTotal: true)
            charts.append(.init(svg: svg, caption: w.t(run == nil ? "report.chart_groups_caption" : "report.chart_groups_run_caption")))
        }

        var notes: [String] = []
        let ratioGroups = groups.filter(\.isRatio)
        if !ratioGroups.isEmpty, let ratios = source.manifest["groupRatios"] as? [String: Any] {
            let path = ratios["path"] as? String
            notes.append(w.t("report.g_ratios", ["groups": ratioGroups.map(\.name).joined(separator: ", "), "file": file(path),
                                                 "name": (ratios["name"] as? String) ?? file(path)]))
            let cited = (ratios["source"] as? String) ?? "—"
            notes.append(w.t((ratios["generic"] as? Bool) == true ? "report.g_generic" : "report.g_census", ["source": cited]))
            let national = ratios["regionsUsingNational"] as? [String] ?? []
            if !((ratios["byRegion"] as? [String: Any]) ?? [:]).isEmpty, !national.isEmpty {
                notes.append(w.t("report.g_national", ["count": String(national.count), "regions": national.joined(separator: ", ")]))
            }
        }
        notes.append(w.t("report.n_rounded"))

        let paragraphs = [run.map { w.t("report.g_intro_run", ["scenario": $0.scenario]) } ?? w.t("report.g_intro")]
        return .init(id: "groups", heading: w.t("report.h_groups"), paragraphs: paragraphs,
                     tables: [.init(id: "group-totals-table", columns: totalColumns, rows: totalRows, caption: w.t("report.t_group_totals")),
                              .init(id: "groups-table", columns: regionColumns, rows: regionRows,
                                    caption: run.map { w.t("report.t_group_regions_run", ["scenario": $0.scenario]) } ?? w.t("report.t_group_regions"))],
                     charts: charts, notes: notes)
    }

    // MARK: minimum needs

    /// Decimals of an item's amounts: whole units from 100, one decimal from 10, else two (0.05 toilets a person).
    static func decimals(largest: Double) -> Int { largest >= 100 ? 0 : largest >= 10 ? 1 : 2 }

    /// - Parameters:
    ///   - run: for a run, its scenarios (name, identifier); the needs are shown for the first that has them.
    static func minimumNeeds(_ source: MapSource, rows: [[String: FieldValue]], threshold: Double, words w: ReportWords,
                             run scenarios: [(name: String, id: String)]? = nil) -> ReportDocument.Section? {
        let items = source.needsItems
        guard let profile = source.needsProfile, let firstItem = items.first else { return nil }
        var prefix = ""
        var scenario: String?
        if let scenarios {
            guard let s = scenarios.first(where: { rows.first?["\($0.id)_needs_\(firstItem.id)"] != nil }) else { return nil }
            prefix = s.id + "_"
            scenario = s.name
        } else if rows.first?["needs_\(firstItem.id)"] == nil {
            return nil
        }
        let totals = Dictionary((profile["items"] as? [[String: Any]] ?? []).compactMap { i in
            (i["id"] as? String).map { ($0, i["total"] as? Double) }
        }, uniquingKeysWith: { a, _ in a })
        let places = Dictionary(items.map { item in
            (item.id, decimals(largest: rows.compactMap { LayerRows.number($0["\(prefix)needs_\(item.id)"]) }.max() ?? 0))
        }, uniquingKeysWith: { a, _ in a })
        func amount(_ x: Double?, _ item: ColumnWording.NeedsItemWording, decimals: Int? = nil) -> ReportDocument.Table.Cell {
            guard let x else { return .init(text: "—", sortKey: "") }
            return .init(text: w.numbers.format(x, decimals: decimals ?? places[item.id] ?? 0), sortKey: String(x))
        }

        // The profile's items: for whom, how much per displaced person, how often, and the total.
        let itemColumns: [ReportDocument.Table.Column] = [
            .init(title: w.t("report.c_item"), numeric: false), .init(title: w.t("report.c_for"), numeric: false),
            .init(title: w.t("report.c_per_person"), numeric: true), .init(title: w.t("report.c_frequency"), numeric: false),
            .init(title: w.t("report.c_total"), numeric: true),
        ]
        let itemRows = items.map { item -> ReportDocument.Table.Row in
            let total = totals[item.id] ?? nil
            var per = amount(item.amount, item, decimals: item.amount.map(ColumnWording.decimals) ?? 0)
            per.text += " " + item.unit
            var all = amount(total, item)
            if total != nil { all.text += " " + item.unit }
            return .init(cells: [w.cell(text: item.name),
                                 w.cell(text: item.group.map { w.t("report.needs_group", ["group": $0]) } ?? w.t("report.needs_all")),
                                 per, w.cell(text: w.t(item.weekly ? "report.needs_weekly" : "report.needs_once")), all],
                         incomplete: false)
        }

        let regionColumns: [ReportDocument.Table.Column] = [.init(title: w.t("report.c_region_id"), numeric: false),
                                                            .init(title: w.t("report.c_region"), numeric: false)]
            + items.map { .init(title: w.t("report.c_needs_item", ["item": $0.name, "unit": $0.unit]), numeric: true) }
        let regionRows = rows.map { r in
            ReportDocument.Table.Row(cells: regionCells(r, w) + items.map { amount(LayerRows.number(r["\(prefix)needs_\($0.id)"]), $0) },
                                     incomplete: incomplete(r, threshold: threshold))
        }

        let path = profile["path"] as? String
        var notes = [w.t("report.needs_profile", ["name": (profile["name"] as? String) ?? file(path), "file": file(path)]),
                     w.t("report.needs_source", ["source": (profile["source"] as? String) ?? "—"])]
        let years = source.needsReturnPeriod.map { w.numbers.format($0, decimals: $0 == $0.rounded() ? 0 : 1) } ?? ""
        if let scenarios {
            let without = scenarios.filter { rows.first?["\($0.id)_needs_\(firstItem.id)"] == nil }.map(\.name)
            if !without.isEmpty { notes.append(w.t("report.needs_missing", ["scenarios": without.joined(separator: ", "), "years": years])) }
        }
        let intro = scenario.map { w.t("report.needs_intro_run", ["years": years, "scenario": $0]) } ?? w.t("report.needs_intro")
        return .init(id: "needs", heading: w.t("report.h_needs"), paragraphs: [intro],
                     tables: [.init(id: "needs-items-table", columns: itemColumns, rows: itemRows, caption: w.t("report.t_needs_items")),
                              .init(id: "needs-table", columns: regionColumns, rows: regionRows, caption: w.t("report.t_needs_regions"))],
                     charts: [], notes: notes)
    }

    /// The question's lines on groups and needs.
    static func question(_ source: MapSource, words w: ReportWords) -> [String] {
        var lines: [String] = []
        let names = source.groupNames
        if !names.isEmpty { lines.append(w.t("report.q_groups", ["groups": names.joined(separator: ", ")])) }
        if let profile = source.needsProfile {
            lines.append(w.t("report.q_needs", ["name": (profile["name"] as? String) ?? file(profile["path"] as? String)]))
        }
        return lines
    }
}
