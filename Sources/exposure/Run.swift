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

        @OptionGroup var pass: PassOptions

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if outputDir.isEmpty { throw ValidationError("--output-dir is an empty path") }
        }

        func run() throws {
            common.configureLogging()
            let scenarios = try ScenarioFile.load(file)
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
            guard !common.quiet else { return }
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
}
