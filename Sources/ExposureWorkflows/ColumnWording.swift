import ExposureProducts
import Localization

/// How a column of ours is named to a reader, in the reader's language: its title, its unit and what kind
/// of figure it is (whole people, a rate, a share), from the column's name as our tables write it.
/// A column we do not know (someone else's layer) keeps its own name and no unit.
struct ColumnWording {
    let title: String
    let unit: String
    /// nil for a column of unknown meaning.
    let kind: ResultColumn.Kind?
    /// Whether the figure is modelled displacement (the map then says it is a risk, not a count).
    let isDisplacement: Bool

    /// Whether the figure counts people in the hazard, so that where the hazard is unknown for many it is a
    /// lower bound (and the region is hatched); population and the unknown-hazard columns are not.
    var isLowerBoundWhereIncomplete: Bool {
        kind != nil && !["column.population", "column.population_group", "column.hazard_unknown", "column.hazard_unknown_share"].contains(key)
    }
    /// The catalog key of the title ("" for a column we do not know).
    var key: String = ""
    /// The population group the figure is of (`displaced_women`, or a needs item for a group).
    var group: String?
    /// Whether the figure is a needs item's amount.
    var isNeeds = false

    /// - Parameters:
    ///   - column: the name without any scenario prefix (`aad_per_100k`, `exposed_class_2`).
    ///   - classes: the hazard classes (from, to) of the analysis, for `exposed_class_N`.
    ///   - hazardUnit: their unit.
    ///   - baseline: the run's first scenario, against which changes are computed.
    ///   - groups: the population groups the manifest names (`population_G`, `exposed_G`, `displaced_G`, `aad_G`).
    ///   - needs: the needs items the manifest names (`needs_ITEM`), and for a run the return period they are at.
    static func of(_ column: String, classes: [(from: Double, to: Double?)], hazardUnit: String?, baseline: String?,
                   groups: [String] = [], needs: [NeedsItemWording] = [], needsReturnPeriod: Double? = nil,
                   catalog: Catalog, numbers: NumberStyle) -> ColumnWording {
        let t = { (key: String, args: [String: String]) in catalog.text(key, args) }
        let people = t("unit.people", [:]), perYear = t("unit.people_per_year", [:])
        let per100k = t("unit.per_100k", [:]), share = t("unit.share", [:])
        func w(_ key: String, _ unit: String, _ kind: ResultColumn.Kind, displacement: Bool = false, _ args: [String: String] = [:]) -> ColumnWording {
            ColumnWording(title: t(key, args), unit: unit, kind: kind, isDisplacement: displacement, key: key)
        }
        switch column {
        case "population": return w("column.population", people, .people)
        case "exposed": return w("column.exposed", people, .people)
        case "displaced": return w("column.displaced", people, .people, displacement: true)
        case "exposed_share": return w("column.exposed_share", share, .share)
        case "displaced_per_100k": return w("column.displaced_per_100k", per100k, .per100k, displacement: true)
        case "hazard_unknown": return w("column.hazard_unknown", people, .people)
        case "hazard_unknown_share": return w("column.hazard_unknown_share", share, .share)
        case "aae_exposed": return w("column.aae_exposed", perYear, .people)
        case "aad_displaced": return w("column.aad_displaced", perYear, .people, displacement: true)
        case "aad_per_100k": return w("column.aad_per_100k", per100k, .per100k, displacement: true)
        case "aad_change": return w("column.aad_change", perYear, .people, displacement: true, ["baseline": baseline ?? ""])
        case "aad_change_pct": return w("column.aad_change_pct", t("unit.percent", [:]), .percent, displacement: true, ["baseline": baseline ?? ""])
        default: break
        }
        // A group's figures: its name is the user's identifier, shown as given.
        for (prefix, key, unit, displacement) in [("population_", "column.population_group", people, false), ("exposed_", "column.exposed_group", people, false),
                                                  ("displaced_", "column.displaced_group", people, true), ("aad_", "column.aad_group", perYear, true)] {
            if column.hasPrefix(prefix), case let group = String(column.dropFirst(prefix.count)), groups.contains(group) {
                var wording = w(key, unit, .people, displacement: displacement, ["group": group])
                wording.group = group
                return wording
            }
        }
        // A needs item: named as in its profile, in the profile's own unit ("litres" stays as written).
        if column.hasPrefix("needs_"), let item = needs.first(where: { $0.id == String(column.dropFirst(6)) }) {
            var args = ["item": item.name, "unit": item.unit]
            let key: String
            if let years = needsReturnPeriod {
                key = "column.needs_return_period"
                args["years"] = numbers.format(years, decimals: years == years.rounded() ? 0 : 1)
            } else {
                key = "column.needs"
            }
            let unit = t(item.weekly ? "unit.needs_weekly" : "unit.needs_once", ["unit": item.unit])
            var wording = w(key, unit, .quantity(unit: item.unit), displacement: true, args)
            wording.group = item.group
            wording.isNeeds = true
            return wording
        }
        for (prefix, key, displacement) in [("exposed_class_", "column.exposed_class", false), ("displaced_class_", "column.displaced_class", true)] {
            if column.hasPrefix(prefix), let n = Int(column.dropFirst(prefix.count)) {
                return w(key, people, .people, displacement: displacement,
                         ["class": String(n), "range": range(ofClass: n, classes, unit: hazardUnit, catalog: catalog, numbers: numbers)])
            }
        }
        if column.hasPrefix("pmd_"), let years = Double(column.dropFirst(4)) {
            return w("column.pmd", people, .people, displacement: true, ["years": numbers.format(years, decimals: years == years.rounded() ? 0 : 1)])
        }
        return ColumnWording(title: column, unit: "", kind: nil, isDisplacement: false)
    }

    /// A needs item as the manifest describes it.
    struct NeedsItemWording {
        let id: String
        let name: String
        let unit: String
        /// Weekly (the amount is one week's) or once.
        let weekly: Bool
        /// The group whose displaced people it is for (nil: all displaced people).
        let group: String?
        let amount: Double?
    }

    /// "0.1 to 0.7 m", "1.5 m or more": a hazard class as the legend writes ranges.
    static func range(ofClass n: Int, _ classes: [(from: Double, to: Double?)], unit: String?, catalog: Catalog, numbers: NumberStyle) -> String {
        guard classes.indices.contains(n - 1) else { return String(n) }
        let c = classes[n - 1]
        let suffix = unit.map { $0.isEmpty ? "" : " \($0)" } ?? ""
        let low = numbers.format(c.from, decimals: decimals(c.from))
        // The unit goes with the number: "1,5 m o más", "0,1 a 0,7 m".
        guard let to = c.to else { return catalog.text("legend.at_least", ["low": low + suffix]) }
        return catalog.text("legend.range", ["low": low, "high": numbers.format(to, decimals: decimals(to))]) + suffix
    }

    /// Enough decimals to show a hazard threshold as it was given (0.1, 1.5, 100).
    static func decimals(_ x: Double) -> Int {
        for d in 0...6 {
            let scale = pow10(d)
            if (x * scale).rounded() == x * scale { return d }
        }
        return 6
    }

    private static func pow10(_ d: Int) -> Double { (0..<d).reduce(1) { r, _ in r * 10 } }
}
