import ExposureAdapters
import ExposureCore
import ExposureProducts
import Foundation
import GDALSwift

// The products of one analysis (`analyze`, `flood-extent`): its table, its style's headline, its files.

extension ResultTable {
    /// The columns of an analysis's table (`analyze`, `flood-extent`), without building its rows.
    public static func columns(of result: AnalysisResult) -> [ResultColumn] {
        var columns: [ResultColumn] = [.regionID, .regionName, .population]
        if result.hazard != nil, let classes = result.classes {
            columns += [
                ResultColumn("exposed", .people, "Exposed", "people in any hazard class (value >= first threshold)"),
                ResultColumn("displaced", .people, "Displaced (risk)", "sum over classes of rate(class) x exposed(class): modelled displacement risk, not a count of displaced persons"),
                ResultColumn("exposed_share", .share, "Share exposed", "exposed / population (0 where population is 0)"),
                ResultColumn("displaced_per_100k", .per100k, "Displaced per 100,000", "displaced per 100,000 inhabitants: displaced / population x 100000"),
                ResultColumn("hazard_unknown", .people, "Hazard unknown", "people where the hazard is nodata or outside the hazard raster (neither exposed nor safe)"),
                .hazardUnknownShare,
            ]
            columns += (1...classes.count).map {
                ResultColumn("exposed_class_\($0)", .people, "Exposed, class \($0)", "people in class \($0) (\(classes.label(ofClass: $0)))")
            }
            columns += (1...classes.count).map {
                ResultColumn("displaced_class_\($0)", .people, "Displaced, class \($0)", "rate(\($0)) x exposed_class_\($0), rate \(classes.rates[$0 - 1])")
            }
        }
        columns += groupColumns(result.groups, hazard: result.hazard != nil)
        if let needs = result.needs { columns += needsColumns(needs) }
        return columns
    }

    /// Per group: its population, and with a hazard its exposed and displaced people.
    public static func groupColumns(_ groups: PopulationGroups, hazard: Bool) -> [ResultColumn] {
        groups.groups.flatMap { group -> [ResultColumn] in
            let name = group.name, origin = group.origin
            var columns = [ResultColumn("population_\(name)", .people, "Population, \(name)",
                                        "people of the group '\(name)' in the region (\(origin))")]
            if hazard {
                columns += [
                    ResultColumn("exposed_\(name)", .people, "Exposed, \(name)", "people of the group '\(name)' in any hazard class (\(origin))"),
                    ResultColumn("displaced_\(name)", .people, "Displaced (risk), \(name)",
                                 "sum over classes of rate(class) x exposed people of the group '\(name)' (\(origin))"),
                ]
            }
            return columns
        }
    }

    /// One column per item of the needs profile.
    public static func needsColumns(_ needs: NeedsProfile) -> [ResultColumn] {
        needs.items.map { item in
            let people = item.group.map { "displaced people of the group '\($0)' (displaced_\($0))" } ?? "displaced people (displaced)"
            let when = item.frequency == .weekly ? "for one week" : "once"
            return ResultColumn("needs_\(item.id)", .quantity(unit: item.unit), "Needs: \(item.name)",
                                "\(item.name): \(item.amount) \(item.unit) per displaced person \(when), times \(people); profile \((needs.path as NSString).lastPathComponent)")
        }
    }

    /// Each needs item's amount per region ([item][region]; empty without needs).
    public static func needsAmounts(_ result: AnalysisResult) -> [[Double]] {
        result.needs.map { NeedsAmounts.amounts($0, displaced: result.figures.map(\.displaced), groups: result.groups) } ?? []
    }

    public init(_ result: AnalysisResult) throws {
        let hasHazard = result.hazard != nil
        let needs = ResultTable.needsAmounts(result)
        let rows = result.figures.indices.map { i -> [FieldValue] in
            let f = result.figures[i]
            var row: [FieldValue] = [.string(result.regions.ids[i]), .string(result.regions.names[i]), .real(f.population)]
            if hasHazard {
                row += [.real(f.exposed), .real(f.displaced), .real(f.exposedShare), .real(f.displacedPer100k), .real(f.hazardUnknown),
                        .real(f.population > 0 ? f.hazardUnknown / f.population : 0)]
                row += f.exposedByClass.map { .real($0) }
                row += f.displacedByClass.map { .real($0) }
            }
            for group in result.groups.groups {
                let g = group.figures[i]
                row.append(.real(g.population))
                if hasHazard { row += [.real(g.exposed), .real(g.displaced)] }
            }
            row += needs.map { .real($0[i]) }
            return row
        }
        try self.init(checkedColumns: ResultTable.columns(of: result), rows: rows)
    }

    /// A table whose column names are unique: a group or needs item named like another column (e.g. a group
    /// `class_1`, whose `exposed_class_1` is taken) is refused, naming both.
    public init(checkedColumns columns: [ResultColumn], rows: [[FieldValue]]) throws {
        var seen = Set<String>()
        for column in columns where !seen.insert(column.name).inserted {
            throw ExposureError("two columns would be named '\(column.name)': rename the population group or needs item that makes it")
        }
        self.init(columns: columns, rows: rows)
    }
}

extension LayerStyle {
    /// The headline column of an analysis: displaced per 100k when any rate is above zero, else exposed;
    /// the population when there is no hazard.
    public static func headline(for result: AnalysisResult) -> String {
        guard result.hazard != nil, let classes = result.classes else { return "population" }
        return classes.rates.contains { $0 > 0 } ? "displaced_per_100k" : "exposed"
    }
}

extension ResultWriter {
    /// Writes the vector and/or CSV table of an analysis with their styles, sidecars and manifests (declared
    /// with `declare` first); returns every path written.
    public static func writeAll(_ result: AnalysisResult, vector: String?, csv: String?, commandLine: [String],
                                outputs: OutputSet) throws -> [String] {
        let table = try ResultTable(result)
        let style = LayerStyle(table: table, headline: LayerStyle.headline(for: result), unknownThreshold: result.options.unknownThreshold)
        let all = plannedOutputs(vector: vector, csv: csv).map(\.path)
        let manifest = try Manifest(result, outputs: all, commandLine: commandLine, style: style)
        let manifestText = try json(manifest, outputs: outputs, path: all.first { $0.hasSuffix(".manifest.json") } ?? "manifest")
        if let vector {
            try writeVector(table, regions: result.regions, to: vector, style: style, manifest: manifestText,
                            threads: result.options.threads, outputs: outputs)
        }
        if let csv { try writeCSV(table, to: csv, outputs: outputs) }
        for path in all where path.hasSuffix(".manifest.json") {
            try outputs.write(path) { try Data(manifestText.utf8).write(to: URL(fileURLWithPath: $0)) }
        }
        return all
    }
}
