import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import Imagery

/// Where the bands of an optical scene are: a sensor preset or explicit positions.
struct BandOptions: ParsableArguments {
    @Option(help: "Sensor whose band order the file follows.")
    var sensor: SensorName?

    @Option(help: "Band positions, e.g. green=2,nir=4,swir1=5 (instead of or on top of --sensor).")
    var bands: String?

    @Option(help: "Index: ndwi (green, NIR) or mndwi (green, SWIR1); ndvi (NIR, red) for exposure index.")
    var index: SpectralIndex = .ndwi

    /// The sensor's layout with any --bands on top, nil when neither is given.
    func layout() throws -> BandLayout? {
        var positions = try sensor.map { try BandLayout.sensor($0.name).positions } ?? [:]
        if let bands { positions.merge(try BandLayout.parse(bands).positions) { $1 } }
        if sensor == nil && bands == nil { return nil }
        return BandLayout(name: sensor?.name ?? "custom", positions: positions)
    }

    /// The chosen index; water detection takes only the water indices.
    func spectralIndex(waterOnly: Bool = true) throws -> SpectralIndex {
        if waterOnly && index == .ndvi { throw ExposureError("--index takes ndwi or mndwi") }
        return index
    }
}

extension Exposure {
    struct Water: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Water mask from an optical scene (NDWI or MNDWI with a fixed or Otsu threshold).",
            discussion: """
                NDWI (McFeeters) = (green - NIR) / (green + NIR); MNDWI (Xu) = (green - SWIR1) / (green + SWIR1). Water where the index is above the threshold: a number, or otsu (Otsu's method on a
                \(Otsu.defaultBins)-bin histogram of the valid pixels' index, spanning their range). Declared
                reflectance scale and offset are applied; nodata, zero and saturated pixels are masked. The mask is 1 water, 0 land, 255 no data; the threshold is printed and stored in the file's metadata.

                Sensors (band order of the file):
                \(BandLayout.sensorSummary)

                Examples:
                  exposure water --image data/olinda/L7_ETMs.tif \\
                      --sensor landsat7 --output out/water.tif
                  exposure water --image scene.tif --bands green=3,swir1=6 \\
                      --index mndwi --threshold 0 --output water.tif \\
                      --index-output mndwi.tif --distance-output distance.tif
                """)

        @Option(help: "Multiband optical scene.")
        var image: String

        @OptionGroup var bandOptions: BandOptions

        @Option(help: "otsu or a number.")
        var threshold = "otsu"

        @Option(help: "Water mask GeoTIFF (Byte: 1 water, 0 land, 255 no data).")
        var output: String

        @Option(help: "Also write the index (Float32, nodata -9999).")
        var indexOutput: String?

        @Option(help: "Also write each pixel's distance to the nearest water pixel (Float32 metres).")
        var distanceOutput: String?

        @Option(help: "CRS for a scene that has none.")
        var assumeCrs: String?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
        }

        func run() throws {
            common.configureLogging()
            guard let layout = try bandOptions.layout() else { throw ExposureError("give --sensor or --bands") }
            var options = WaterOptions(imagePath: image, layout: layout, outputPath: output)
            options.index = try bandOptions.spectralIndex()
            options.threshold = try InputPolicy.threshold(threshold)
            options.indexOutputPath = indexOutput
            options.distanceOutputPath = distanceOutput
            options.assumeCRS = assumeCrs
            let bar = TerminalProgress(label: "water", quiet: common.quiet)
            options.progress = bar.report
            let report = try OutputSet.producing(
                inputs: [image],
                declare: { outputs in
                    try outputs.addRaster(output, role: "--output")
                    if let indexOutput { try outputs.addRaster(indexOutput, role: "--index-output") }
                    if let distanceOutput { try outputs.addRaster(distanceOutput, role: "--distance-output") }
                },
                work: { try WaterMapping.run(options, outputs: $0) })
            bar.finish()
            if !common.quiet { for warning in report.warnings { writeToStandardError("warning: \(warning)\n") } }
            // The threshold is part of the result: printed even with --quiet.
            let method = options.threshold == .otsu ? "Otsu" : "fixed"
            writeToStandardError("\(options.index.rawValue.uppercased()) threshold \(String(format: "%.4f", report.threshold)) (\(method)); "
                + "water \(String(format: "%.2f", report.waterShare * 100)) % of \(report.validPixels) valid pixels (\(report.waterPixels) pixels)\n")
        }
    }
}

extension Exposure {
    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a spectral index of an optical scene: NDWI, MNDWI or NDVI.",
            discussion: """
                NDWI = (green - NIR) / (green + NIR); MNDWI = (green - SWIR1) / (green + SWIR1); NDVI = (NIR - red) / (NIR + red). Float32, nodata -9999 where a band is nodata, zero or saturated.

                Examples:
                  exposure index --image data/olinda/L7_ETMs.tif \\
                      --sensor landsat7 --index ndvi --output out/ndvi.tif
                """)

        @Option(help: "Multiband optical scene.")
        var image: String

        @OptionGroup var bandOptions: BandOptions

        @Option(help: "Output GeoTIFF (Float32).")
        var output: String

        @Option(help: "CRS for a scene that has none.")
        var assumeCrs: String?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
        }

        func run() throws {
            common.configureLogging()
            let chosen = try bandOptions.spectralIndex(waterOnly: false)
            guard let layout = try bandOptions.layout() else { throw ExposureError("give --sensor or --bands") }
            let bar = TerminalProgress(label: "index", quiet: common.quiet)
            let result = try OutputSet.producing(
                inputs: [image], declare: { try $0.addRaster(output, role: "--output") },
                work: { try WaterMapping.writeIndex(imagePath: image, layout: layout, index: chosen, assumeCRS: assumeCrs,
                                                    to: output, outputs: $0, progress: bar.report) })
            bar.finish()
            if !common.quiet { for warning in result.warnings { writeToStandardError("warning: \(warning)\n") } }
            if !common.quiet {
                writeToStandardError("\(chosen.rawValue.uppercased()) = \(chosen.formula): \(result.valid) valid pixels, "
                    + "from \(String(format: "%.4f", result.min)) to \(String(format: "%.4f", result.max)); wrote \(output)\n")
            }
        }
    }
}
