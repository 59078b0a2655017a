import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// `exposure flood-extent`: flooded pixels from scenes before and after a flood, on the after scene's grid.
public struct FloodExtentOptions: Sendable {
    public enum Kind: String, Sendable { case optical, sar }

    public var kind: Kind
    public var beforePath: String
    public var afterPath: String
    public var outputPath: String
    /// Optical: the band layout and the water index.
    public var layout: BandLayout?
    public var index: SpectralIndex = .ndwi
    /// nil: Otsu for optical, UN-SPIDER's 1.25 ratio for SAR.
    public var threshold: ThresholdChoice?
    /// SAR: band, units (nil: guessed from the values), speckle filter, permanent-water level.
    public var sarBand = 1
    public var units: SARFloodDetection.Units?
    public var speckle: SpeckleFilter = .lee(window: 5, looks: 4.4)
    public var waterDB = -18.0
    public var demPath: String?
    public var maxSlope = FloodExtentOptions.defaultMaxSlope
    /// Degrees: steeper ground does not hold flood water (UN-SPIDER's recommended practice uses about 5).
    public static let defaultMaxSlope = 5.0
    public var minimumPixels = 8
    public var assumeCRS: String?

    public init(kind: Kind, beforePath: String, afterPath: String, outputPath: String) {
        self.kind = kind
        self.beforePath = beforePath
        self.afterPath = afterPath
        self.outputPath = outputPath
    }
}

public struct FloodExtentReport: Sendable {
    public let detection: FloodDetectionReport
    public let grid: Grid
    public let units: String?
    /// What looks wrong (scenes that do not overlap, no flood found; bands without a valid pixel, saturated
    /// bands, a DEM without elevation), naming the files.
    public let warnings: [String]
    public var floodedShare: Double { detection.valid > 0 ? Double(detection.flooded) / Double(detection.valid) : 0 }
    /// Flooded area in the grid's units squared (m² on projected grids).
    public var floodedArea: Double { Double(detection.flooded) * grid.transform.cellArea }
}

public enum FloodMapping {
    public static func run(_ options: FloodExtentOptions, outputs: OutputSet) throws -> FloodExtentReport {
        let after = try SceneReader(path: options.afterPath, assumeCRS: options.assumeCRS)
        let before = try SceneReader(path: options.beforePath, assumeCRS: options.assumeCRS, onto: (after.grid, after.crs))
        let grid = after.grid
        var steep: [Bool]?
        if let dem = options.demPath {
            steep = try after.slope(fromDEM: dem).map { !$0.isNaN && Double($0) > options.maxSlope }
        }
        var metadata: [String: String] = [
            "KIND": options.kind.rawValue, "BEFORE": (options.beforePath as NSString).lastPathComponent,
            "AFTER": (options.afterPath as NSString).lastPathComponent, "MIN_PIXELS": String(options.minimumPixels),
        ]
        if let dem = options.demPath {
            metadata["DEM"] = (dem as NSString).lastPathComponent
            metadata["MAX_SLOPE_DEGREES"] = String(options.maxSlope)
        }
        let mask: [UInt8], report: FloodDetectionReport
        var unitsUsed: String?
        switch options.kind {
        case .optical:
            guard let layout = options.layout else { throw ExposureError("optical flood mapping needs --sensor or --bands") }
            let threshold = options.threshold ?? .otsu
            (mask, report) = try OpticalFloodDetection.detect(
                before: try WaterMapping.computeIndex(before, options.index, layout),
                after: try WaterMapping.computeIndex(after, options.index, layout),
                threshold: threshold, width: grid.width, height: grid.height, steep: steep, minimumPixels: options.minimumPixels)
            metadata["INDEX"] = options.index.rawValue
            metadata["BANDS"] = layout.description
            metadata["THRESHOLD_METHOD"] = WaterMapping.thresholdMethod(threshold)
        case .sar:
            let beforeValues = try before.band(options.sarBand), afterValues = try after.band(options.sarBand)
            let units = options.units ?? guessUnits(afterValues)
            unitsUsed = units.rawValue
            let threshold = options.threshold ?? .fixed(SARFloodDetection.unSpiderRatio)
            (mask, report) = try SARFloodDetection.detect(
                before: beforeValues, after: afterValues, units: units, width: grid.width, height: grid.height,
                filter: options.speckle, threshold: threshold, waterDB: options.waterDB, steep: steep,
                minimumPixels: options.minimumPixels)
            metadata["UNITS"] = units.rawValue
            metadata["SPECKLE_FILTER"] = String(describing: options.speckle)
            metadata["THRESHOLD_METHOD"] = threshold == .otsu ? WaterMapping.thresholdMethod(threshold) + " on after_dB - before_dB"
                : "fixed ratio after_dB / before_dB (UN-SPIDER)"
        }
        for (key, value) in report.thresholds { metadata["THRESHOLD_\(key.uppercased())"] = String(value) }
        metadata["FLOODED_PIXELS"] = String(report.flooded)
        metadata["VALID_PIXELS"] = String(report.valid)
        try outputs.writeRaster(options.outputPath, grid: grid, crs: after.crs, type: .byte, noData: Double(MaskValue.noData),
                                description: "flooded (1 flooded, 0 not, 255 no data)", unit: "", metadata: metadata, style: .flood,
                                inputs: [options.beforePath, options.afterPath] + [options.demPath].compactMap { $0 }, values: mask)
        var warnings: [String] = []
        if report.valid == 0 {
            warnings.append("\(options.beforePath): no pixel has data in both scenes: check that the before and after scenes cover the same place")
        } else if report.flooded == 0 {
            warnings.append("\(options.afterPath): no flooded pixel found; the mask is all 'not flooded'")
        }
        return FloodExtentReport(detection: report, grid: grid, units: unitsUsed, warnings: before.warnings + after.warnings + warnings)
    }

    /// Backscatter in dB is mostly negative; linear power is positive.
    static func guessUnits(_ values: [Float]) -> SARFloodDetection.Units {
        var negative = 0, positive = 0
        for v in values where !v.isNaN { if v < 0 { negative += 1 } else { positive += 1 } }
        return negative > positive ? .db : .linear
    }
}
