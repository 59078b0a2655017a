import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation

extension Exposure {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a scenario file: exposure and displacement by return period, AAD and PMD per region.",
            discussion: """
                A scenario file (YAML, docs/scenario-file.md) names the population (a raster, or census polygons to grid), the regions, the hazard classes and rates, and scenarios of hazard rasters by return period (or coastal inundation generated from a DEM). Every hazard raster is read once, in one pass over the population.

                Writes into the output folder:
                  by_return_period.csv  population, exposed, displaced per region, scenario, return period
                  annual.csv            AAE, AAD, AAD per 100k, PMD per return period, change vs the first scenario
                  regions.geojson       the same per region, one feature each (RFC 7946)
                  run.json              inputs with SHA-256, parameters, GDAL/PROJ versions, timings, totals

                AAD = sum (p_i - p_i+1)(D_i + D_i+1)/2 + p_n D_n with p = 1/T (docs/methodology.md).

                Examples:
                  exposure run examples/sample-floods.yaml \\
                      --output-dir out/sample-floods
                  exposure run examples/olinda-sea-level.yaml \\
                      --output-dir out/olinda
                """)

        @Argument(help: "The scenario file (YAML).")
        var file: String

        @Option(help: "Folder for the outputs (created if missing).")
        var outputDir = "exposure-output"

        @Option(help: ArgumentHelp("Compute only part I of N of the population grid (0 <= I < N) and write its sums to --partial; `exposure merge PARTS --output-dir DIR` writes the run's outputs. Needs the population and hazards as rasters.",
                                   valueName: "I/N"))
        var part: String?

        @Option(help: ArgumentHelp("With --part: the partial result to write (JSON).", valueName: "file"))
        var partial: String?

        @OptionGroup var pass: PassOptions

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if outputDir.isEmpty { throw ValidationError("--output-dir is an empty path") }
            if (part == nil) != (partial == nil) { throw ValidationError("--part I/N and --partial FILE go together") }
            if let part {
                do { _ = try PartsAndMerge.parsePart(part) } catch let error as ExposureError { throw ValidationError(error.message) }
            }
        }

        func run() throws {
            common.configureLogging()
            let scenarios = try ScenarioFile.load(file)
            if let part, let partial {
                let (index, count) = try PartsAndMerge.parsePart(part)
                let bar = TerminalProgress(label: "part \(index)/\(count)", quiet: common.quiet)
                let report = try OutputSet.producing(
                    inputs: ScenarioRun.inputs(of: scenarios),
                    declare: { try $0.add(partial, role: "--partial") },
                    work: { outputs in
                        try PartsAndMerge.runPart(scenarios, part: index, parts: count, threads: pass.threadCount,
                                                  unknownThreshold: pass.unknownThreshold, partialPath: partial,
                                                  commandLine: CommandLine.arguments, outputs: outputs, progress: bar.report)
                    })
                bar.finish()
                if !common.quiet {
                    for warning in report.warnings { writeToStandardError("warning: \(warning)\n") }
                    writeToStandardError("part \(index) of \(count): chunks \(report.chunks.lowerBound)..<\(report.chunks.upperBound) of \(report.of); wrote \(partial)\n")
                }
                return
            }
            let bar = TerminalProgress(label: "run", quiet: common.quiet)
            let report = try OutputSet.producing(
                inputs: ScenarioRun.inputs(of: scenarios), root: outputDir,
                declare: { try ScenarioRun.declareOutputs(of: scenarios, in: $0, directory: outputDir) },
                work: { outputs in
                    try ScenarioRun.run(
                        scenarios, outputDirectory: outputDir, threads: pass.threadCount,
                        commandLine: CommandLine.arguments, unknownThreshold: pass.unknownThreshold, outputs: outputs,
                        progress: bar.report)
                })
            bar.finish()
            RunSummary.report(report, file: scenarios, quiet: common.quiet)
        }
    }
}

/// The lines printed on stderr after a run (or the merge of its parts).
enum RunSummary {
    static func report(_ report: ScenarioRun.Report, file scenarios: ScenarioFile, quiet: Bool) {
        guard !quiet else { return }
        for warning in report.warnings { writeToStandardError("warning: \(warning)\n") }
        var lines = ["\(scenarios.name): \(report.sets.map { "\($0.regions.count) \($0.label)" }.joined(separator: ", "))"]
        for total in report.totals {
            let per100k = total.population > 0 ? total.aad / total.population * 100_000 : 0
            lines.append("  \(total.scenario): " + String(format: "population %.0f, AAE %.1f, AAD %.1f displaced a year (%.2f per 100k)",
                                                          total.population, total.aae, total.aad, per100k))
        }
        for (set, regions) in report.incompleteRegions where !regions.isEmpty {
            lines.append("  hazard data incomplete (> \(String(format: "%g", report.unknownThreshold * 100)) % of people unknown in some scenario; figures are lower bounds) in \(regions.count) \(set): \(RegionSet.list(regions, limit: 10))")
        }
        lines.append(String(format: "%.2f s; wrote ", report.seconds) + report.outputs.joined(separator: ", "))
        writeToStandardError(lines.joined(separator: "\n") + "\n")
    }
}
