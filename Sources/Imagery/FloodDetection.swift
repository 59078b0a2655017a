import Foundation

/// Values of the masks this module writes.
public enum MaskValue {
    public static let no: UInt8 = 0
    public static let yes: UInt8 = 1
    public static let noData: UInt8 = 255
}

/// A threshold given by the user or found by Otsu's method.
public enum ThresholdChoice: Sendable, Equatable, CustomStringConvertible {
    case fixed(Double)
    case otsu

    public init(parsing text: String) throws {
        if text.lowercased() == "otsu" {
            self = .otsu
        } else if let value = Double(text), value.isFinite {
            self = .fixed(value)
        } else {
            throw ImageryError("a threshold is 'otsu' or a number (got '\(text)')")
        }
    }

    /// The number to use for `values` (Otsu on their histogram).
    public func resolve(_ values: [Float], what: String) throws -> Double {
        switch self {
        case .fixed(let value): return value
        case .otsu:
            guard let value = Otsu.threshold(values) else { throw ThresholdChoice.noOtsuThreshold(what) }
            return value
        }
    }

    /// The error when values admit no Otsu threshold (whole or streamed).
    public static func noOtsuThreshold(_ what: String) -> ImageryError {
        ImageryError("cannot find an Otsu threshold for \(what): fewer than two distinct valid values")
    }

    /// Otsu's threshold from a histogram built part by part (nil when the range pass found fewer than two
    /// distinct valid values), with the same error as ``resolve(_:what:)``.
    public static func otsu(_ histogram: Otsu.Histogram?, what: String) throws -> Double {
        guard let value = histogram?.threshold() else { throw noOtsuThreshold(what) }
        return value
    }

    public var description: String {
        switch self {
        case .fixed(let v): String(v)
        case .otsu: "otsu"
        }
    }
}

/// Water where a water index exceeds a threshold: 1 water, 0 land, 255 where the index is NaN.
public func waterMask(index: [Float], threshold: Double) -> [UInt8] {
    index.map { waterValue($0, threshold: threshold) }
}

/// One pixel of ``waterMask(index:threshold:)``.
@inline(__always)
public func waterValue(_ index: Float, threshold: Double) -> UInt8 {
    index.isNaN ? MaskValue.noData : (Double(index) > threshold ? MaskValue.yes : MaskValue.no)
}

/// What a flood detection found, for the user and the output's metadata.
public struct FloodDetectionReport: Sendable {
    public var thresholds: [String: Double] = [:]
    public var flooded = 0
    public var valid = 0
    public var removedAsPermanentWater = 0
    public var removedAsSteep = 0
    public var removedAsSmall = 0

    public init() {}

    /// Adds another part's counts (thresholds are the same for every part).
    public mutating func addCounts(_ other: FloodDetectionReport) {
        flooded += other.flooded
        valid += other.valid
        removedAsPermanentWater += other.removedAsPermanentWater
        removedAsSteep += other.removedAsSteep
        removedAsSmall += other.removedAsSmall
    }
}

/// Optical change detection: flooded = water after and not water before (permanent water excluded).
/// One threshold serves both scenes; Otsu's is found on both scenes' values together, since a scene with
/// little water (often the one before) has no water mode of its own and Otsu would split land classes.
public enum OpticalFloodDetection {
    /// The whole scene in memory.
    public static func detect(
        before: [Float], after: [Float], threshold: ThresholdChoice, width: Int, height: Int,
        steep: [Bool]?, minimumPixels: Int
    ) throws -> (mask: [UInt8], report: FloodDetectionReport) {
        var report = FloodDetectionReport()
        let t = try threshold.resolve(before + after, what: "the scenes' index")
        report.thresholds = ["water": t]
        var mask = [UInt8](repeating: MaskValue.noData, count: after.count)
        classify(before: before, after: after, threshold: t, steep: steep, into: &mask, counted: after.indices, report: &report)
        finish(&mask, width: width, height: height, minimumPixels: minimumPixels, report: &report)
        return (mask, report)
    }

    /// The mask of a block of pixels (any part of the scene: pixels are independent) before the minimum-size
    /// filter: 1 flooded, 0 not (permanent water, steep), 255 no data. Pixels at indices `counted` are counted in
    /// `report` (valid, permanent water, steep); others (a halo) are only classified.
    public static func classify(before: [Float], after: [Float], threshold: Double, steep: [Bool]?,
                                into mask: inout [UInt8], counted: Range<Int>, report: inout FloodDetectionReport) {
        precondition(before.count >= after.count && mask.count >= after.count && (steep?.count ?? after.count) >= after.count,
                     "blocks of different sizes")
        for i in after.indices {
            let a = after[i], b = before[i]
            if a.isNaN || b.isNaN {
                mask[i] = MaskValue.noData
                continue
            }
            let counts = counted.contains(i)
            if counts { report.valid += 1 }
            let wetAfter = Double(a) > threshold, wetBefore = Double(b) > threshold
            if wetAfter && wetBefore {
                if counts { report.removedAsPermanentWater += 1 }
                mask[i] = MaskValue.no
            } else {
                mask[i] = wetAfter ? MaskValue.yes : MaskValue.no
            }
            if mask[i] == MaskValue.yes, let steep, steep[i] {
                mask[i] = MaskValue.no
                if counts { report.removedAsSteep += 1 }
            }
        }
    }

    /// The minimum-size filter on the whole mask, then the count of flooded pixels.
    static func finish(_ mask: inout [UInt8], width: Int, height: Int, minimumPixels: Int, report: inout FloodDetectionReport) {
        report.removedAsSmall = ConnectedRegions.removeSmall(&mask, width: width, height: height, minimum: minimumPixels)
        report.flooded = mask.reduce(0) { $0 + ($1 == MaskValue.yes ? 1 : 0) }
    }
}

/// SAR change detection (Sentinel-1 backscatter) after UN-SPIDER's recommended practice: speckle filter,
/// then the after/before change, permanent water, slope and minimum-size masks.
public enum SARFloodDetection {
    public enum Units: String, Sendable { case linear, db }

    /// UN-SPIDER's default change threshold for the ratio of after to before backscatter in dB.
    public static let unSpiderRatio = 1.25

    /// The change rule with its threshold resolved.
    public enum Rule: Sendable, Equatable {
        /// Flooded where `after_dB / before_dB > ratio` (both negative).
        case ratio(Double)
        /// Flooded where `after_dB - before_dB < threshold` and the threshold is negative.
        case logRatio(Double)
    }

    /// - Parameters:
    ///   - before, after: backscatter on the same grid (NaN = no data), in `units`.
    ///   - threshold: a fixed value is UN-SPIDER's ratio `after_dB / before_dB` (flooded above it, e.g.
    ///     1.25; both dB values are negative, so the ratio exceeds 1 where the after scene is darker);
    ///     `otsu` thresholds the log-ratio `after_dB - before_dB` (flooded below the threshold).
    ///   - waterDB: backscatter (dB) below which a pixel of the filtered before scene is permanent water.
    public static func detect(
        before: [Float], after: [Float], units: Units, width: Int, height: Int, filter: SpeckleFilter,
        threshold: ThresholdChoice, waterDB: Double, steep: [Bool]?, minimumPixels: Int
    ) throws -> (mask: [UInt8], report: FloodDetectionReport) {
        let bDB = decibels(filter.apply(linear(before, units: units), width: width, height: height))
        let aDB = decibels(filter.apply(linear(after, units: units), width: width, height: height))
        var report = FloodDetectionReport()
        let rule: Rule
        switch threshold {
        case .fixed(let ratio):
            rule = .ratio(ratio)
        case .otsu:
            rule = .logRatio(try threshold.resolve(logRatio(after: aDB, before: bDB), what: "the log-ratio after - before"))
        }
        report.thresholds = thresholds(rule, waterDB: waterDB)
        var mask = [UInt8](repeating: MaskValue.noData, count: after.count)
        classify(before: bDB, after: aDB, rule: rule, waterDB: waterDB, steep: steep, into: &mask, counted: after.indices, report: &report)
        OpticalFloodDetection.finish(&mask, width: width, height: height, minimumPixels: minimumPixels, report: &report)
        return (mask, report)
    }

    /// Backscatter as linear power, NaN where it has none (a non-positive linear value).
    public static func linear(_ image: [Float], units: Units) -> [Float] {
        units == .linear ? image.map { $0 > 0 ? $0 : .nan } : image.map { $0.isNaN ? .nan : Float(pow(10, Double($0) / 10)) }
    }

    /// Linear power (filtered) in dB, NaN where it is not positive.
    public static func decibels(_ image: [Float]) -> [Float] {
        image.map { $0 > 0 ? Float(10 * log10(Double($0))) : .nan }
    }

    /// `after_dB - before_dB`, the values Otsu's threshold is found on.
    public static func logRatio(after: [Float], before: [Float]) -> [Float] {
        zip(after, before).map { $0 - $1 }
    }

    /// The thresholds the output's metadata lists.
    public static func thresholds(_ rule: Rule, waterDB: Double) -> [String: Double] {
        switch rule {
        case .ratio(let ratio): ["ratio": ratio, "permanentWaterDB": waterDB]
        case .logRatio(let t): ["logRatioDB": t, "permanentWaterDB": waterDB]
        }
    }

    /// The mask of a block of filtered backscatter in dB (pixels are independent once filtered) before the
    /// minimum-size filter; pixels at indices `counted` are counted in `report`.
    public static func classify(before bDB: [Float], after aDB: [Float], rule: Rule, waterDB: Double, steep: [Bool]?,
                                into mask: inout [UInt8], counted: Range<Int>, report: inout FloodDetectionReport) {
        precondition(bDB.count >= aDB.count && mask.count >= aDB.count && (steep?.count ?? aDB.count) >= aDB.count,
                     "blocks of different sizes")
        func isFlooded(_ i: Int) -> Bool {
            switch rule {
            case .ratio(let ratio): bDB[i] < 0 && aDB[i] < 0 && Double(aDB[i] / bDB[i]) > ratio
            case .logRatio(let t): Double(aDB[i] - bDB[i]) < t && t < 0
            }
        }
        for i in aDB.indices {
            if aDB[i].isNaN || bDB[i].isNaN {
                mask[i] = MaskValue.noData
                continue
            }
            let counts = counted.contains(i)
            if counts { report.valid += 1 }
            if Double(bDB[i]) < waterDB {
                mask[i] = MaskValue.no
                if counts && (isFlooded(i) || Double(aDB[i]) < waterDB) { report.removedAsPermanentWater += 1 }
                continue
            }
            mask[i] = isFlooded(i) ? MaskValue.yes : MaskValue.no
            if mask[i] == MaskValue.yes, let steep, steep[i] {
                mask[i] = MaskValue.no
                if counts { report.removedAsSteep += 1 }
            }
        }
    }
}
