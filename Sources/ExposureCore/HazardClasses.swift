/// Hazard classes and displacement rates: thresholds `t1 < t2 < ... < tk`; class i holds
/// `ti <= value < t(i+1)` (the last class is open-ended); values below `t1` are not exposed.
/// `rates[i]` is the share of the people exposed in class i who are likely displaced.
public struct HazardClasses: Sendable, Equatable, Codable {
    public let thresholds: [Double]
    public let rates: [Double]
    /// The preset these came from, if any.
    public let preset: String?
    /// The unit the thresholds are in (for the manifest and the docs), e.g. "m".
    public let unit: String?

    public init(thresholds: [Double], rates: [Double]? = nil, preset: String? = nil, unit: String? = nil) throws {
        guard !thresholds.isEmpty else { throw ExposureError("at least one class threshold is needed") }
        // Class codes are bytes: 0 not exposed, 1...k the classes, k+1 unknown.
        guard thresholds.count <= HazardClasses.maxCount else {
            throw ExposureError("\(thresholds.count) class thresholds given; at most \(HazardClasses.maxCount) classes are supported")
        }
        guard thresholds.allSatisfy(\.isFinite) else { throw ExposureError("class thresholds must be finite numbers") }
        for i in 1..<max(1, thresholds.count) where thresholds[i] <= thresholds[i - 1] {
            throw ExposureError("class thresholds must increase strictly: \(thresholds[i - 1]) is followed by \(thresholds[i])")
        }
        let rates = rates ?? [Double](repeating: 0, count: thresholds.count)
        guard rates.count == thresholds.count else {
            throw ExposureError("\(thresholds.count) class(es) but \(rates.count) displacement rate(s): give one rate per class")
        }
        guard rates.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw ExposureError("displacement rates are shares between 0 and 1 (e.g. 0.05 for 5 %)")
        }
        self.thresholds = thresholds
        self.rates = rates
        self.preset = preset
        self.unit = unit
    }

    @inlinable public var count: Int { thresholds.count }

    /// The most classes a hazard can have (class codes and "unknown" fit in a byte).
    public static let maxCount = 250

    /// Code of "not exposed" (below the first threshold).
    public static let notExposedCode: UInt8 = 0
    /// Code of "hazard unknown" (nodata, outside the hazard raster).
    @inlinable public var unknownCode: UInt8 { UInt8(count + 1) }

    /// 0 below the first threshold, i (1-based) for class i, ``unknownCode`` for NaN.
    @inlinable
    public func code(for value: Double) -> UInt8 {
        if value.isNaN { return unknownCode }
        if value < thresholds[0] { return 0 }
        // Few classes: a linear scan beats a binary search.
        var i = 1
        while i < thresholds.count && value >= thresholds[i] { i += 1 }
        return UInt8(i)
    }

    /// Human-readable range of class i (1-based), e.g. "0.7 <= value < 1.5".
    public func label(ofClass i: Int) -> String {
        let unitText = unit.map { " \($0)" } ?? ""
        if i < count { return "\(thresholds[i - 1]) <= value < \(thresholds[i])\(unitText)" }
        return "value >= \(thresholds[i - 1])\(unitText)"
    }
}

extension HazardClasses {
    /// The classes a user asked for, from the command line or a scenario file alike: a preset (its rates
    /// replaced when `rates` are given), or thresholds with optional rates (0 when not given).
    public static func resolve(preset: String?, thresholds: [Double]?, rates: [Double]?, unit: String? = nil) throws -> HazardClasses {
        if let preset {
            guard thresholds == nil else { throw ExposureError("give either a preset or classes, not both") }
            let chosen = try HazardPreset.named(preset).classes
            guard let rates else { return chosen }
            return try HazardClasses(thresholds: chosen.thresholds, rates: rates, preset: chosen.preset, unit: chosen.unit)
        }
        guard let thresholds else { throw ExposureError("a hazard needs classes: give a preset or class thresholds") }
        return try HazardClasses(thresholds: thresholds, rates: rates, unit: unit)
    }
}

/// Named class sets for common hazards, with InaSAFE-like default displacement rates.
public struct HazardPreset: Sendable {
    public let name: String
    public let summary: String
    public let classes: HazardClasses

    public static let all: [HazardPreset] = [
        HazardPreset(
            name: "flood-depth",
            summary: "flood depth in metres: 0.1-0.7 m 1 %, 0.7-1.5 m 3 %, >= 1.5 m 5 % displaced (InaSAFE); < 0.1 m not exposed",
            classes: try! HazardClasses(thresholds: [0.1, 0.7, 1.5], rates: [0.01, 0.03, 0.05], preset: "flood-depth", unit: "m")),
        HazardPreset(
            name: "storm-surge",
            summary: "tsunami or storm-surge inundation depth in metres: 0.1-1 m 0 %, >= 1 m 100 % displaced (InaSAFE tsunami); < 0.1 m not exposed",
            classes: try! HazardClasses(thresholds: [0.1, 1.0], rates: [0, 1], preset: "storm-surge", unit: "m")),
        HazardPreset(
            name: "generic",
            summary: "a 1-2-3 (low, medium, high) hazard scale: low 0 %, medium 0 %, high 100 % displaced; < 1 not exposed",
            classes: try! HazardClasses(thresholds: [1, 2, 3], rates: [0, 0, 1], preset: "generic", unit: nil)),
        HazardPreset(
            name: "flood-extent",
            summary: "a flood mask (1 flooded, 0 dry, e.g. from 'exposure flood-extent'): flooded is exposed, none displaced",
            classes: try! HazardClasses(thresholds: [1], rates: [0], preset: "flood-extent", unit: nil)),
    ]

    public static func named(_ name: String) throws -> HazardPreset {
        guard let preset = all.first(where: { $0.name == name }) else {
            throw ExposureError("unknown preset '\(name)'; presets: \(all.map(\.name).joined(separator: ", "))")
        }
        return preset
    }
}
