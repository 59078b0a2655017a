import ExposureCore
import GDALSwift

/// A column of a result table: its name, what kind of figure it holds (which decides its type and how
/// many decimals a CSV gets) and what it means, as docs/methodology.md defines it.
public struct ResultColumn: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Text: ids, names, scenario labels, return periods.
        case text
        /// A number of people (or people a year): 6 decimals, a millionth of a person.
        case people
        /// A share between 0 and 1: 8 decimals.
        case share
        /// People per 100,000 inhabitants: 4 decimals.
        case per100k
        /// A percentage: 4 decimals.
        case percent
    }

    public let name: String
    public let kind: Kind
    /// A short human title (QGIS shows it as the field's alias), e.g. "Displaced per 100,000".
    public let title: String
    public let meaning: String

    public init(_ name: String, _ kind: Kind, _ title: String, _ meaning: String) {
        self.name = name
        self.kind = kind
        self.title = title
        self.meaning = meaning
    }

    /// The unit of the column's values, for descriptions ("" for text).
    public var unit: String {
        switch kind {
        case .text: ""
        case .people: "people"
        case .share: "share of the population, 0 to 1"
        case .per100k: "per 100,000 inhabitants"
        case .percent: "%"
        }
    }

    /// Meaning and unit in one sentence, for field descriptions.
    public var description: String { unit.isEmpty ? meaning : "\(meaning) [\(unit)]" }

    /// Decimals shown in QGIS's attribute table and forms (the stored values keep full precision):
    /// whole people, rates to one decimal.
    public var displayDecimals: Int {
        switch kind {
        case .text, .people: 0
        case .share: 3
        case .per100k, .percent: 1
        }
    }

    /// Decimals written in CSV files (GeoJSON and GeoPackage keep full doubles).
    public var csvDecimals: Int {
        switch kind {
        case .text: 0
        case .people: 6
        case .share: 8
        case .per100k, .percent: 4
        }
    }

    public var isText: Bool { kind == .text }

    static let regionID = ResultColumn("region_id", .text, "Region id", "the region's id (the --region-id field)")
    static let regionName = ResultColumn("region_name", .text, "Region", "the region's name (the --region-name field), empty when not given")
    static let population = ResultColumn(
        "population", .people, "Population",
        "people in the region: sum over population cells of (share of the cell's area inside the region) x (cell count)")
    static let hazardUnknownShare = ResultColumn(
        "hazard_unknown_share", .share, "Share with hazard unknown",
        "hazard_unknown / population: where it is above the incomplete-data threshold, exposed is a lower bound (0 where population is 0)")
}

/// The per-region table every output shares: columns, in order, and each region's values.
public struct ResultTable {
    public let columns: [ResultColumn]
    public let rows: [[FieldValue]]

    public init(columns: [ResultColumn], rows: [[FieldValue]]) {
        self.columns = columns
        self.rows = rows
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The columns of an analysis's table (`analyze`, `flood-extent`), without building its rows.
    public static func columns(of result: AnalysisResult) -> [ResultColumn] {
        var columns: [ResultColumn] = [.regionID, .regionName, .population]
        guard result.hazard != nil, let classes = result.classes else { return columns }
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
        return columns
    }

    public init(_ result: AnalysisResult) {
        let hasHazard = result.hazard != nil
        columns = ResultTable.columns(of: result)
        rows = result.figures.indices.map { i in
            let f = result.figures[i]
            var row: [FieldValue] = [.string(result.regions.ids[i]), .string(result.regions.names[i]), .real(f.population)]
            if hasHazard {
                row += [.real(f.exposed), .real(f.displaced), .real(f.exposedShare), .real(f.displacedPer100k), .real(f.hazardUnknown),
                        .real(f.population > 0 ? f.hazardUnknown / f.population : 0)]
                row += f.exposedByClass.map { .real($0) }
                row += f.displacedByClass.map { .real($0) }
            }
            return row
        }
    }
}
