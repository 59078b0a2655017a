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
}

/// Optical change detection: flooded = water after and not water before (permanent water excluded).
/// One threshold serves both scenes; Otsu's is found on both scenes' values together, since a scene with
/// little water (often the one before) has no water mode of its own and Otsu would split land classes.
public enum OpticalFloodDetection {
    public static func detect(
        before: [Float], after: [Float], threshold: ThresholdChoice, width: Int, height: Int,
        steep: [Bool]?, minimumPixels: Int
    ) throws -> (mask: [UInt8], report: FloodDetectionReport) {
        var report = FloodDetectionReport()
        let t = try threshold.resolve(before + after, what: "the scenes' index")
        let tBefore = t, tAfter = t
        report.thresholds = ["water": t]
        var mask = [UInt8](repeating: MaskValue.noData, count: after.count)
        for i in after.indices {
            let a = after[i], b = before[i]
            if a.isNaN || b.isNaN { continue }
            report.valid += 1
            let wetAfter = Double(a) > tAfter, wetBefore = Double(b) > tBefore
            if wetAfter && wetBefore {
                report.removedAsPermanentWater += 1
                mask[i] = MaskValue.no
            } else {
                mask[i] = wetAfter ? MaskValue.yes : MaskValue.no
            }
        }
        finish(&mask, width: width, height: height, steep: steep, minimumPixels: minimumPixels, report: &report)
        return (mask, report)
    }

    /// Slope and minimum-size masks, then the count of flooded pixels.
    static func finish(_ mask: inout [UInt8], width: Int, height: Int, steep: [Bool]?, minimumPixels: Int, report: inout FloodDetectionReport) {
        if let steep {
            for i in mask.indices where mask[i] == MaskValue.yes && steep[i] {
                mask[i] = MaskValue.no
                report.removedAsSteep += 1
            }
        }
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
        func linear(_ image: [Float]) -> [Float] {
            units == .linear ? image.map { $0 > 0 ? $0 : .nan } : image.map { $0.isNaN ? .nan : Float(pow(10, Double($0) / 10)) }
        }
        let b = filter.apply(linear(before), width: width, height: height)
        let a = filter.apply(linear(after), width: width, height: height)
        let bDB = b.map { $0 > 0 ? Float(10 * log10(Double($0))) : .nan }
        let aDB = a.map { $0 > 0 ? Float(10 * log10(Double($0))) : .nan }
        var report = FloodDetectionReport()
        var mask = [UInt8](repeating: MaskValue.noData, count: after.count)
        var isFlooded: (Int) -> Bool
        switch threshold {
        case .fixed(let ratio):
            report.thresholds["ratio"] = ratio
            isFlooded = { i in bDB[i] < 0 && aDB[i] < 0 && Double(aDB[i] / bDB[i]) > ratio }
        case .otsu:
            let difference = zip(aDB, bDB).map { $0 - $1 }
            let t = try threshold.resolve(difference, what: "the log-ratio after - before")
            report.thresholds["logRatioDB"] = t
            isFlooded = { i in Double(difference[i]) < t && t < 0 }
        }
        report.thresholds["permanentWaterDB"] = waterDB
        for i in mask.indices {
            if aDB[i].isNaN || bDB[i].isNaN { continue }
            report.valid += 1
            if Double(bDB[i]) < waterDB {
                mask[i] = MaskValue.no
                if isFlooded(i) || Double(aDB[i]) < waterDB { report.removedAsPermanentWater += 1 }
                continue
            }
            mask[i] = isFlooded(i) ? MaskValue.yes : MaskValue.no
        }
        OpticalFloodDetection.finish(&mask, width: width, height: height, steep: steep, minimumPixels: minimumPixels, report: &report)
        return (mask, report)
    }
}
