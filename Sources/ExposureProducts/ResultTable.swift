import ExposureAdapters
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
        /// An amount of some item in its unit (litres, kg, kits): 6 decimals.
        case quantity(unit: String)
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
        case .quantity(let unit): unit
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
        case .per100k, .percent, .quantity: 1
        }
    }

    /// Decimals written in CSV files (GeoJSON and GeoPackage keep full doubles).
    public var csvDecimals: Int {
        switch kind {
        case .text: 0
        case .people, .quantity: 6
        case .share: 8
        case .per100k, .percent: 4
        }
    }

    public var isText: Bool { kind == .text }

    public static let regionID = ResultColumn("region_id", .text, "Region id", "the region's id (the --region-id field)")
    public static let regionName = ResultColumn("region_name", .text, "Region", "the region's name (the --region-name field), empty when not given")
    public static let population = ResultColumn(
        "population", .people, "Population",
        "people in the region: sum over population cells of (share of the cell's area inside the region) x (cell count)")
    public static let hazardUnknownShare = ResultColumn(
        "hazard_unknown_share", .share, "Share with hazard unknown",
        "hazard_unknown / population: where it is above the incomplete-data threshold, exposed is a lower bound (0 where population is 0)")
}

/// The per-region table every output shares: columns, in order, and each region's values.
public struct ResultTable: Sendable {
    public let columns: [ResultColumn]
    public let rows: [[FieldValue]]

    public init(columns: [ResultColumn], rows: [[FieldValue]]) {
        self.columns = columns
        self.rows = rows
    }

    public var columnNames: [String] { columns.map(\.name) }
}
