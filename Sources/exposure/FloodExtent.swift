import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import Imagery

/// Optional "one step to people": exposure of the mapped flood per region.
struct ExposureStepOptions: ParsableArguments {
    @Option(help: "Population raster: also report people in the flooded area per region.")
    var population: String?

    @Option(help: "Regions for the exposure step.")
    var regions: String?

    @Option(help: "Layer of the regions file.")
    var layer: String?

    @Option(help: "Field holding each region's id.")
    var regionId: String?

    @Option(help: "Field holding each region's name.")
    var regionName: String?

    @Option(help: "Exposure per region as .geojson or .gpkg.")
    var exposureOutput: String?

    @Option(help: "Exposure per region as CSV.")
    var csv: String?

    /// Any option of the step given means the step is asked for (and then needs the others).
    var isRequested: Bool {
        population != nil || regions != nil || regionId != nil || regionName != nil || layer != nil || exposureOutput != nil || csv != nil
    }

    func validate() throws {
        guard isRequested else { return }
        if population == nil || regions == nil || regionId == nil {
            throw ValidationError("the exposure step needs --population, --regions and --region-id")
        }
        if exposureOutput == nil && csv == nil { throw ValidationError("the exposure step needs --exposure-output and/or --csv") }
    }
}

extension Exposure {
    struct FloodExtent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flood-extent",
            abstract: "Flood extent from scenes before and after a flood (optical or SAR), optionally straight to people.",
            discussion: """
                optical: water after and not water before (NDWI/MNDWI, threshold otsu by default). sar (Sentinel-1 backscatter, linear power or dB, one band): speckle filter (Lee by default), then UN-SPIDER's change detection: flooded where after_dB / before_dB > 1.25 (default), or with --threshold otsu where the log-ratio after_dB - before_dB is below Otsu's threshold; pixels darker than --water-db before the flood are permanent water, not flood. Both: pixels steeper than --max-slope degrees on the --dem (gdaldem slope) and groups of fewer than --min-pixels connected pixels (8 neighbours) are removed. Output on the after scene's grid (the before scene is resampled onto it): 1 flooded, 0 not, 255 no data; use it as exposure analyze --hazard FLOOD.tif --classes 1, or give --population, --regions and --region-id here.

                Examples:
                  exposure flood-extent --kind optical --sensor landsat8 \\
                      --before sample-rasters/optical_before.tif \\
                      --after sample-rasters/optical_after.tif \\
                      --output out/flood_optical.tif
                  exposure flood-extent --kind sar \\
                      --before sample-rasters/sar_before.tif \\
                      --after sample-rasters/sar_after.tif \\
                      --dem sample-rasters/dem.tif --output out/flood_sar.tif \\
                      --population sample-rasters/population.tif \\
                      --regions sample-rasters/municipalities.geojson \\
                      --region-id code --region-name name \\
                      --csv out/flood_sar_people.csv
                """)

        @Option(help: "Scenes to compare: optical (water index) or sar (backscatter).")
        var kind: FloodExtentOptions.Kind

        @Option(help: "Scene before the flood.")
        var before: String

        @Option(help: "Scene after (during) the flood; its grid is the output's.")
        var after: String

        @OptionGroup var bandOptions: BandOptions

        @Option(help: "otsu or a number (optical default otsu; SAR default 1.25, UN-SPIDER's ratio).")
        var threshold: String?

        @Option(help: "SAR: band of the backscatter.")
        var sarBand = 1

        @Option(help: "SAR: units of the backscatter (default: guessed from the values).")
        var units: SARFloodDetection.Units?

        @Option(help: "SAR: speckle filter.")
        var speckle: SpeckleChoice = .lee

        @Option(help: "SAR: speckle filter window (pixels, odd).")
        var speckleWindow = 5

        @Option(help: "SAR: equivalent number of looks for the Lee filter.")
        var looks = 4.4

        @Option(help: "SAR: before-flood backscatter (dB) below which a pixel is permanent water.")
        var waterDb = -18.0

        @Option(help: "DEM for the slope mask.")
        var dem: String?

        @Option(help: "Slope limit in degrees (with --dem; default 5).")
        var maxSlope: Double?

        @Option(help: "Smallest group of connected flooded pixels kept.")
        var minPixels = 8

        @Option(help: "CRS for scenes that have none.")
        var assumeCrs: String?

        @Option(help: "Flood mask GeoTIFF (Byte: 1 flooded, 0 not, 255 no data).")
        var output: String

        @OptionGroup var people: ExposureStepOptions

        @OptionGroup(title: "Population groups and needs (with the exposure step)") var groups: GroupOptions

        @OptionGroup var pass: PassOptions

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if speckleWindow < 1 || speckleWindow % 2 == 0 || speckleWindow > 101 {
                throw ValidationError("--speckle-window must be an odd number of pixels from 1 to 101")
            }
            if minPixels < 1 { throw ValidationError("--min-pixels must be at least 1") }
            if !(looks.isFinite && looks > 0) { throw ValidationError("--looks must be a positive number (got \(looks))") }
            if let maxSlope, dem == nil { throw ValidationError("--max-slope \(maxSlope) needs --dem (the slope comes from the DEM)") }
            if let maxSlope, !(maxSlope.isFinite && maxSlope > 0 && maxSlope <= 90) {
                throw ValidationError("--max-slope must be an angle in degrees, above 0 and at most 90 (got \(maxSlope))")
            }
            if !waterDb.isFinite { throw ValidationError("--water-db must be a number of decibels (got \(waterDb))") }
            try InputPolicy.band(sarBand, option: "--sar-band")
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
            if !people.isRequested && (!groups.populationGroups.isEmpty || groups.groupRatios != nil || groups.needs != nil) {
                throw ValidationError("--population-group, --group-ratios and --needs belong to the exposure step: give --population, --regions and --region-id too")
            }
        }

        func run() throws {
            common.configureLogging()
            var options = FloodExtentOptions(kind: kind, beforePath: before, afterPath: after, outputPath: output)
            options.layout = try bandOptions.layout()
            options.index = try bandOptions.spectralIndex()
            options.threshold = try threshold.map { try InputPolicy.threshold($0) }
            options.sarBand = sarBand
            options.units = units
            switch speckle {
            case .lee: options.speckle = .lee(window: speckleWindow, looks: looks)
            case .median: options.speckle = .median(window: speckleWindow)
            case .none: options.speckle = .none
            }
            options.waterDB = waterDb
            options.demPath = dem
            options.maxSlope = maxSlope ?? FloodExtentOptions.defaultMaxSlope
            options.minimumPixels = minPixels
            options.threads = pass.threadCount
            options.assumeCRS = assumeCrs
            if options.kind == .optical && options.layout == nil { throw ExposureError("optical scenes need --sensor or --bands") }

            let people = self.people
            let (report, result, written) = try OutputSet.producing(
                inputs: [before, after, dem, people.population, people.regions] + groups.inputs,
                declare: { outputs in
                    try outputs.addRaster(output, role: "--output")
                    if people.isRequested {
                        try ResultWriter.declare(vector: people.exposureOutput, csv: people.csv, in: outputs,
                                                 vectorRole: "--exposure-output")
                    }
                },
                work: { outputs -> (FloodExtentReport, AnalysisResult?, [String]) in
                    let mapping = TerminalProgress(label: "flood-extent", quiet: common.quiet)
                    var options = options
                    options.progress = mapping.report
                    let report = try FloodMapping.run(options, outputs: outputs)
                    mapping.finish()
                    guard people.isRequested, let population = people.population, let regions = people.regions,
                          let regionId = people.regionId else { return (report, nil, [output]) }
                    var analysis = AnalysisOptions(populationPath: population, regionsPath: regions, idField: regionId,
                                                   threads: pass.threadCount)
                    analysis.layer = people.layer
                    analysis.nameField = people.regionName
                    // The mask is read where it was written; it is put in place with the tables.
                    analysis.hazardPath = try outputs.temporaryPath(for: output)
                    analysis.classes = try HazardPreset.named("flood-extent").classes
                    analysis.assumeCRS = assumeCrs
                    analysis.unknownThreshold = pass.unknownThreshold
                    try groups.apply(to: &analysis)
                    let bar = TerminalProgress(label: "people", quiet: common.quiet)
                    let result = try ExposureAnalysis.run(analysis, progress: bar.report)
                        .mappingWarnings(outputs.publicText)
                    bar.finish()
                    let written = try ResultWriter.writeAll(result, vector: people.exposureOutput, csv: people.csv,
                                                            commandLine: CommandLine.arguments, outputs: outputs)
                    return (report, result, [output] + written)
                })
            if !common.quiet { for warning in report.warnings { writeToStandardError("warning: \(warning)\n") } }
            let d = report.detection
            let thresholds = d.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", ")
            let share = String(format: "%.2f %%, %.3f km²", report.floodedShare * 100, report.floodedArea / 1e6)
            writeToStandardError("thresholds: \(thresholds)\nflooded \(d.flooded) of \(d.valid) valid pixels (\(share)); removed: "
                + "\(d.removedAsPermanentWater) permanent water, \(d.removedAsSteep) steep, \(d.removedAsSmall) in groups under \(minPixels) pixels\n")
            if let result { Summary.report(result, written: written.filter { $0 != output }, quiet: common.quiet) }
        }
    }
}
