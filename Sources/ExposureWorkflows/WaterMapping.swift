import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// `exposure water`: a water mask from a spectral index of one optical scene.
public struct WaterOptions: Sendable {
    public var imagePath: String
    public var layout: BandLayout
    public var index: SpectralIndex = .ndwi
    public var threshold: ThresholdChoice = .otsu
    public var outputPath: String
    public var indexOutputPath: String?
    /// Distance of every pixel to the nearest water pixel, in metres.
    public var distanceOutputPath: String?
    public var assumeCRS: String?

    public init(imagePath: String, layout: BandLayout, outputPath: String) {
        self.imagePath = imagePath
        self.layout = layout
        self.outputPath = outputPath
    }
}

public struct WaterReport: Sendable {
    public let threshold: Double
    public let waterPixels: Int
    public let validPixels: Int
    /// What looks wrong (no water at all, every pixel water; bands without a valid pixel, saturated bands),
    /// naming the scene.
    public let warnings: [String]
    public var waterShare: Double { validPixels > 0 ? Double(waterPixels) / Double(validPixels) : 0 }
}

public enum WaterMapping {
    public static func run(_ options: WaterOptions, outputs: OutputSet) throws -> WaterReport {
        let scene = try SceneReader(path: options.imagePath, assumeCRS: options.assumeCRS)
        let index = try computeIndex(scene, options.index, options.layout)
        let threshold = try options.threshold.resolve(index, what: "the \(options.index.rawValue.uppercased()) of \(options.imagePath)")
        let mask = waterMask(index: index, threshold: threshold)
        let water = mask.reduce(0) { $0 + ($1 == MaskValue.yes ? 1 : 0) }
        let valid = mask.reduce(0) { $0 + ($1 != MaskValue.noData ? 1 : 0) }
        let metadata = [
            "INDEX": options.index.rawValue, "INDEX_FORMULA": options.index.formula, "BANDS": options.layout.description,
            "BAND_LAYOUT": options.layout.name, "THRESHOLD": String(threshold), "THRESHOLD_METHOD": thresholdMethod(options.threshold),
            "WATER_PIXELS": String(water), "VALID_PIXELS": String(valid), "SOURCE": (options.imagePath as NSString).lastPathComponent,
        ]
        try outputs.writeRaster(options.outputPath, grid: scene.grid, crs: scene.crs, type: .byte, noData: Double(MaskValue.noData),
                                description: "water (1 water, 0 land, 255 no data)", unit: "", metadata: metadata, style: .water,
                                inputs: [options.imagePath], values: mask)
        if let indexPath = options.indexOutputPath {
            try outputs.writeRaster(indexPath, grid: scene.grid, crs: scene.crs, type: .float32, noData: -9999,
                                    description: "\(options.index.rawValue.uppercased()) = \(options.index.formula)", unit: "",
                                    metadata: metadata, style: .normalisedIndex, inputs: [options.imagePath],
                                    values: index.map { $0.isNaN ? -9999 : $0 })
        }
        if let distancePath = options.distanceOutputPath {
            // Metres: the CRS's units on a projected grid; on a geographic grid, degrees at the scene's centre latitude.
            var cellWidth = scene.grid.transform.cellWidth * scene.crs.linearUnitsInMetres
            var cellHeight = scene.grid.transform.cellHeight * scene.crs.linearUnitsInMetres
            if scene.crs.isGeographic {
                let latitude = (scene.grid.bounds.minY + scene.grid.bounds.maxY) / 2 * .pi / 180
                cellWidth = scene.grid.transform.cellWidth * 111_320 * cos(latitude)
                cellHeight = scene.grid.transform.cellHeight * 110_574
            }
            let distances = DistanceTransform.distances(target: mask.map { $0 == MaskValue.yes }, width: scene.grid.width,
                                                        height: scene.grid.height, cellWidth: cellWidth, cellHeight: cellHeight)
            let farthest = Double(distances.filter(\.isFinite).max() ?? 0)
            try outputs.writeRaster(distancePath, grid: scene.grid, crs: scene.crs, type: .float32, noData: -9999,
                                    description: "distance to the nearest water pixel", unit: "m", metadata: metadata,
                                    style: .distance(maximum: farthest), inputs: [options.imagePath],
                                    values: distances.map { $0.isFinite ? $0 : -9999 })
        }
        var warnings = scene.warnings
        if water == 0 {
            warnings.append("\(options.imagePath): no pixel is water at threshold \(threshold); check the bands (--sensor, --bands) and the threshold")
        } else if water == valid {
            warnings.append("\(options.imagePath): every valid pixel is water at threshold \(threshold); check the bands (--sensor, --bands) and the threshold")
        }
        return WaterReport(threshold: threshold, waterPixels: water, validPixels: valid, warnings: warnings)
    }

    /// Writes a spectral index of a scene (Float32, nodata -9999) and returns its valid pixel count and range.
    public static func writeIndex(imagePath: String, layout: BandLayout, index: SpectralIndex, assumeCRS: String?,
                                  to path: String, outputs: OutputSet) throws -> (valid: Int, min: Float, max: Float, warnings: [String]) {
        let scene = try SceneReader(path: imagePath, assumeCRS: assumeCRS)
        let values = try computeIndex(scene, index, layout)
        let metadata = ["INDEX": index.rawValue, "INDEX_FORMULA": index.formula, "BANDS": layout.description,
                        "SOURCE": (imagePath as NSString).lastPathComponent]
        try outputs.writeRaster(path, grid: scene.grid, crs: scene.crs, type: .float32, noData: -9999,
                                description: "\(index.rawValue.uppercased()) = \(index.formula)", unit: "", metadata: metadata,
                                style: .normalisedIndex, inputs: [imagePath], values: values.map { $0.isNaN ? -9999 : $0 })
        let valid = values.filter { !$0.isNaN }
        let warnings = scene.warnings + (valid.isEmpty
            ? ["\(imagePath): no pixel has a valid \(index.rawValue.uppercased()) (the bands are nodata, zero or saturated everywhere)"] : [])
        return (valid.count, valid.min() ?? .nan, valid.max() ?? .nan, warnings)
    }

    static func computeIndex(_ scene: SceneReader, _ index: SpectralIndex, _ layout: BandLayout) throws -> [Float] {
        let (a, b) = index.bands
        let first = try scene.band(try layout.position(of: a))
        let second = try scene.band(try layout.position(of: b))
        return index.compute(first, second)
    }

    static func thresholdMethod(_ choice: ThresholdChoice) -> String {
        switch choice {
        case .fixed: "fixed"
        case .otsu: "otsu (\(Otsu.defaultBins) bins over the valid values' range)"
        }
    }
}
