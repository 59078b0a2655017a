import ExposureCore
import GDALSwift

/// The per-region table every output shares: column names, in order, and each region's values.
public struct ResultTable {
    public let columns: [String]
    public let rows: [[FieldValue]]

    public init(columns: [String], rows: [[FieldValue]]) {
        self.columns = columns
        self.rows = rows
    }

    public init(_ result: AnalysisResult) {
        let hasHazard = result.hazard != nil
        let k = hasHazard ? (result.classes?.count ?? 0) : 0
        var columns = ["region_id", "region_name", "population"]
        if hasHazard {
            columns += ["exposed", "displaced", "exposed_share", "displaced_per_100k", "hazard_unknown"]
            columns += (1...max(1, k)).prefix(k).map { "exposed_class_\($0)" }
            columns += (1...max(1, k)).prefix(k).map { "displaced_class_\($0)" }
        }
        self.columns = columns
        rows = result.figures.indices.map { i in
            let f = result.figures[i]
            var row: [FieldValue] = [.string(result.regions.ids[i]), .string(result.regions.names[i]), .real(f.population)]
            if hasHazard {
                row += [.real(f.exposed), .real(f.displaced), .real(f.exposedShare), .real(f.displacedPer100k), .real(f.hazardUnknown)]
                row += f.exposedByClass.map { .real($0) }
                row += f.displacedByClass.map { .real($0) }
            }
            return row
        }
    }

    /// What each column means (for the manifest and the docs).
    public static let meanings: [String: String] = [
        "region_id": "the region's id (the --region-id field)",
        "region_name": "the region's name (the --region-name field), empty when not given",
        "population": "people in the region: sum over population cells of (share of the cell's area inside the region) x (cell count)",
        "exposed": "people in any hazard class (value >= first threshold)",
        "displaced": "sum over classes of rate(class) x exposed(class)",
        "exposed_share": "exposed / population (0 where population is 0)",
        "displaced_per_100k": "displaced per 100,000 inhabitants: displaced / population x 100000",
        "hazard_unknown": "people where the hazard is nodata or outside the hazard raster (neither exposed nor safe)",
        "exposed_class_i": "people in class i (threshold i <= value < threshold i+1)",
        "displaced_class_i": "rate(i) x exposed_class_i",
    ]
}
