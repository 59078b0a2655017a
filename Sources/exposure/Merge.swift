import ArgumentParser
import ExposureCore
import ExposureProducts
import ExposureWorkflows
import Foundation

extension Exposure {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adds the parts of an analysis or a scenario run (--part I/N) and writes its outputs.",
            discussion: """
                Each part holds the raw sums over its chunks of the population grid, the analysis's options and the size and SHA-256 of every input. merge checks that the parts come from the same command and inputs, that together they cover the grid exactly once (naming any missing, repeated or foreign part), that the inputs have not changed since, then adds the sums and writes the same outputs as the single-machine command. See docs/methodology.md, "Parts and merge", and examples/slurm/.

                Examples:
                  for i in 0 1 2; do
                    exposure analyze --population pop.tif --regions admin.gpkg --region-id code \\
                        --hazard flood.tif --preset flood-depth --part $i/3 --partial parts/part-$i.json
                  done
                  exposure merge parts/part-*.json --output out/flood.geojson --csv out/flood.csv

                  exposure run examples/sample-floods.yaml --part 0/2 --partial parts/run-0.json
                  exposure run examples/sample-floods.yaml --part 1/2 --partial parts/run-1.json
                  exposure merge parts/run-*.json --output-dir out/sample-floods
                """)

        @Argument(help: "The partial results (every part, in any order).")
        var parts: [String]

        @Option(help: "Vector output: .geojson (RFC 7946), .gpkg or .fgb, one feature per region.")
        var output: String?

        @Option(help: "CSV output, one row per region.")
        var csv: String?

        @Option(help: "For the parts of a scenario run: the folder for the run's outputs.")
        var outputDir: String?

        @Option(help: "Worker threads (default: all cores).")
        var threads: Int?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if output == nil && csv == nil && outputDir == nil {
                throw ValidationError("give --output and/or --csv (parts of analyze), or --output-dir (parts of run)")
            }
            if outputDir != nil && (output != nil || csv != nil) {
                throw ValidationError("--output-dir is for the parts of a run, --output and --csv for those of an analysis: not both")
            }
            if parts.isEmpty { throw ValidationError("give the partial results to merge") }
        }

        func run() throws {
            common.configureLogging()
            let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
            let kind = try PartsAndMerge.kind(ofParts: parts)
            if kind == "run" {
                guard let outputDir else {
                    throw ExposureError("holds the parts of a scenario run: give --output-dir for the run's outputs", path: parts[0])
                }
                let scenarios = try PartsAndMerge.scenarioFile(ofParts: parts)
                let report = try OutputSet.producing(
                    inputs: parts + PartsAndMerge.inputs(ofParts: parts), root: outputDir,
                    declare: { try ScenarioRun.declareOutputs(of: scenarios, in: $0, directory: outputDir) },
                    work: { outputs in
                        try PartsAndMerge.mergeRun(parts, outputDirectory: outputDir, threads: threads,
                                                   commandLine: CommandLine.arguments, outputs: outputs)
                    })
                RunSummary.report(report, file: scenarios, quiet: common.quiet)
                return
            }
            if outputDir != nil {
                throw ExposureError("holds the parts of an analysis: give --output and/or --csv, not --output-dir", path: parts[0])
            }
            let (result, written) = try OutputSet.producing(
                inputs: parts + PartsAndMerge.inputs(ofParts: parts),
                declare: { try ResultWriter.declare(vector: output, csv: csv, in: $0) },
                work: { outputs in
                    let result = try PartsAndMerge.merge(parts, threads: threads)
                    return (result, try ResultWriter.writeAll(result, vector: output, csv: csv, commandLine: CommandLine.arguments,
                                                              outputs: outputs))
                })
            Summary.report(result, written: written, quiet: common.quiet)
        }
    }
}
