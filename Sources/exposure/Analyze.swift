import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation

extension Exposure {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "People per region, and how many are exposed to a hazard and likely displaced.",
            discussion: """
                Population is never interpolated: each region gets the sum over population cells of (exact share of the cell's area inside the region) x (cell count). The hazard is brought onto the population grid (value at each cell's centre when the hazard is as coarse or coarser, class shares when finer; reprojected with PROJ when the CRSs differ). Hazard nodata is reported as hazard_unknown, never as safe. See docs/methodology.md.

                Classes: thresholds t1 < t2 < ... < tk; class i holds ti <= value < t(i+1); values below t1 are not exposed. displaced = sum over classes of rate x exposed.

                Presets (--preset):
                \(HazardPreset.all.map { "- \($0.name): \($0.summary)" }.joined(separator: "\n"))

                Examples:
                  exposure analyze --population sample-rasters/population.tif \\
                      --regions sample-rasters/municipalities.geojson \\
                      --region-id code --region-name name \\
                      --output out/population.geojson
                  exposure analyze --population sample-rasters/population.tif \\
                      --regions sample-rasters/municipalities.geojson \\
                      --region-id code --region-name name \\
                      --hazard sample-rasters/flood_baseline_rp100.tif \\
                      --preset flood-depth --output out/flood100.geojson \\
                      --csv out/flood100.csv
                  exposure analyze --population pop.tif --regions admin.gpkg \\
                      --layer municipios --region-id ID --hazard surge.tif \\
                      --classes 0.5,1,2 --rates 0,0.1,0.5 --csv out.csv
                  exposure analyze --population sample-rasters/population.tif \\
                      --regions sample-rasters/municipalities.geojson --region-id code \\
                      --hazard sample-rasters/flood_baseline_rp100.tif --preset flood-depth \\
                      --population-group female=sample-rasters/population_female.tif \\
                      --population-group age_0_4=sample-rasters/population_age_0_4.tif \\
                      --group-ratios examples/groups/generic-ratios.yaml \\
                      --needs examples/needs/sphere.yaml --csv out/groups.csv
                """)

        @Option(help: "Population raster: people per cell (any GDAL raster).")
        var population: String

        @Option(help: "Band of the population raster.")
        var populationBand = 1

        @Option(help: "Regions: polygons in any OGR format (GeoJSON, GeoPackage, shapefile...).")
        var regions: String

        @Option(help: "Layer of the regions file (needed when it has several).")
        var layer: String?

        @Option(help: "Field holding each region's id.")
        var regionId: String

        @Option(help: "Field holding each region's name.")
        var regionName: String?

        @Option(help: "Hazard raster (e.g. flood depth in metres).")
        var hazard: String?

        @Option(help: "Band of the hazard raster.")
        var band = 1

        @Option(help: "Class thresholds t1,t2,... (increasing).")
        var classes: String?

        @Option(help: "Displacement rate per class, as shares (0.05 = 5 %); default 0 for every class.")
        var rates: String?

        @Option(help: "Named classes and rates for a common hazard (see above).")
        var preset: PresetName?

        @Option(help: "CRS for inputs that have none (EPSG:4326, WKT, PROJ string).")
        var assumeCrs: String?

        @Option(help: "Vector output: .geojson (RFC 7946), .gpkg or .fgb, one feature per region.")
        var output: String?

        @Option(help: "CSV output, one row per region.")
        var csv: String?

        @OptionGroup(title: "Population groups and needs") var groups: GroupOptions

        @Option(help: ArgumentHelp("Compute only part I of N of the population grid (0 <= I < N, whole chunks of blocks) and write its sums to --partial; `exposure merge` adds the parts.",
                                   valueName: "I/N"))
        var part: String?

        @Option(help: ArgumentHelp("With --part: the partial result to write (JSON).", valueName: "file"))
        var partial: String?

        @OptionGroup var pass: PassOptions

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if part != nil || partial != nil {
                guard part != nil, partial != nil else { throw ValidationError("--part I/N and --partial FILE go together") }
                if output != nil || csv != nil {
                    throw ValidationError("with --part, the outputs are written by `exposure merge` from all the parts: give --partial FILE, not --output or --csv")
                }
                do { _ = try PartsAndMerge.parsePart(part!) } catch let error as ExposureError { throw ValidationError(error.message) }
            } else if output == nil && csv == nil { throw ValidationError("give --output and/or --csv") }
            if groups.needs != nil && hazard == nil { throw ValidationError("--needs is per displaced person and needs --hazard") }
            if hazard == nil && (classes != nil || rates != nil || preset != nil) {
                throw ValidationError("--classes, --rates and --preset need --hazard")
            }
            if hazard != nil && classes == nil && preset == nil { throw ValidationError("--hazard needs --classes or --preset") }
            if classes != nil && preset != nil { throw ValidationError("give either --classes or --preset, not both") }
            if regionId.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--region-id names no field (it is empty)") }
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
            try InputPolicy.band(populationBand, option: "--population-band")
            try InputPolicy.band(band, option: "--band")
        }

        func run() throws {
            common.configureLogging()
            var options = AnalysisOptions(populationPath: population, regionsPath: regions, idField: regionId,
                                          threads: pass.threadCount)
            options.populationBand = populationBand
            options.layer = layer
            options.nameField = regionName
            options.hazardPath = hazard
            options.hazardBand = band
            options.assumeCRS = assumeCrs
            options.classes = try parseClasses()
            options.unknownThreshold = pass.unknownThreshold
            try groups.apply(to: &options)
            if let part, let partial {
                let (index, count) = try PartsAndMerge.parsePart(part)
                let progress = TerminalProgress(label: "part \(index)/\(count)", quiet: common.quiet)
                let (report, written) = try OutputSet.producing(
                    inputs: [population, regions, hazard] + groups.inputs,
                    declare: { try $0.add(partial, role: "--partial") },
                    work: { outputs in
                        let report = try PartsAndMerge.runPart(options, part: index, parts: count, partialPath: partial,
                                                                commandLine: CommandLine.arguments, outputs: outputs, progress: progress.report)
                        progress.finish()
                        return (report, [partial])
                    })
                if !common.quiet {
                    for warning in report.warnings { writeToStandardError("warning: \(warning)\n") }
                    writeToStandardError("part \(index) of \(count): chunks \(report.chunks.lowerBound)..<\(report.chunks.upperBound) of \(report.of); wrote \(written.joined(separator: ", "))\n")
                }
                return
            }
            let progress = TerminalProgress(label: "analyze", quiet: common.quiet)
            let (result, written) = try OutputSet.producing(
                inputs: [population, regions, hazard] + groups.inputs,
                declare: { try ResultWriter.declare(vector: output, csv: csv, in: $0) },
                work: { outputs in
                    let result = try ExposureAnalysis.run(options, progress: progress.report)
                    progress.finish()
                    return (result, try ResultWriter.writeAll(result, vector: output, csv: csv, commandLine: CommandLine.arguments,
                                                              outputs: outputs))
                })
            Summary.report(result, written: written, quiet: common.quiet)
        }

        func parseClasses() throws -> HazardClasses? {
            guard preset != nil || classes != nil else { return nil }
            let thresholds = try classes.map { try numbers($0, option: "--classes") }
            let shares = try rates.map { try numbers($0, option: "--rates") }
            do {
                return try HazardClasses.resolve(preset: preset?.preset.name, thresholds: thresholds, rates: shares)
            } catch let error as ExposureError {
                // Name the option the numbers came from.
                let option = error.message.contains("rate") ? "--rates" : preset != nil ? "--preset" : "--classes"
                throw ExposureError("\(option): \(error.message)")
            }
        }

        func numbers(_ text: String, option: String) throws -> [Double] {
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ExposureError("\(option) is empty (expected e.g. 0.1,0.7,1.5)") }
            return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                    if part.trimmingCharacters(in: .whitespaces).isEmpty { throw ExposureError("\(option): an empty item in '\(text)' (expected e.g. 0.1,0.7,1.5)") }
                    throw ExposureError("\(option): '\(part)' is not a number (expected e.g. 0.1,0.7,1.5)")
                }
                return value
            }
        }
    }
}

/// The few lines printed on stderr after an analysis.
enum Summary {
    /// Warnings, then the summary; nothing when quiet.
    static func report(_ result: AnalysisResult, written: [String], quiet: Bool) {
        guard !quiet else { return }
        for warning in result.warnings { writeToStandardError("warning: \(warning)\n") }
        writeToStandardError(text(result, written: written))
    }

    static func text(_ result: AnalysisResult, written: [String]) -> String {
        let population = result.figures.reduce(0) { $0 + $1.population }
        var lines = ["\(result.regions.count) regions, population \(format(population))"]
        if result.hazard != nil {
            let exposed = result.figures.reduce(0) { $0 + $1.exposed }
            let displaced = result.figures.reduce(0) { $0 + $1.displaced }
            let unknown = result.figures.reduce(0) { $0 + $1.hazardUnknown }
            lines.append("exposed \(format(exposed)), displaced \(format(displaced)), hazard unknown \(format(unknown))")
            let incomplete = result.incompleteRegions
            if !incomplete.isEmpty {
                let share = String(format: "%g", result.options.unknownThreshold * 100)
                lines.append("hazard data incomplete (> \(share) % of people unknown; exposed is a lower bound) in \(incomplete.count) region(s): "
                    + RegionSet.list(incomplete.map { Summary.regionLabel(result, $0) }, limit: 10))
            }
            if let classes = result.classes, classes.count > 1 {
                for i in 1...classes.count {
                    let people = result.figures.reduce(0) { $0 + $1.exposedByClass[i - 1] }
                    lines.append("  class \(i) (\(classes.label(ofClass: i))): \(format(people)) exposed")
                }
            }
        }
        for group in result.groups.groups {
            let people = { (figure: KeyPath<RegionFigures, Double>) in format(group.figures.reduce(0) { $0 + $1[keyPath: figure] }) }
            let source = group.isFromRaster ? "raster" : "ratio"
            lines.append("group \(group.name) (\(source)): population \(people(\.population))"
                + (result.hazard == nil ? "" : ", exposed \(people(\.exposed)), displaced \(people(\.displaced))"))
        }
        if let needs = result.needs {
            let amounts = ResultTable.needsAmounts(result)
            for (item, values) in zip(needs.items, amounts) {
                let when = item.frequency == .weekly ? " a week" : ""
                lines.append("needs \(item.id): \(format(values.reduce(0, +))) \(item.unit)\(when)")
            }
        }
        lines.append(String(format: "%.2f s", result.seconds) + "; wrote " + written.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// "RV04 El Carmen", or the id alone.
    static func regionLabel(_ result: AnalysisResult, _ index: Int) -> String {
        let name = result.regions.names[index]
        return name.isEmpty ? result.regions.ids[index] : "\(result.regions.ids[index]) \(name)"
    }
}
