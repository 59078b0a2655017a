import ArgumentParser
import ExposureProducts
import ExposureWorkflows
import Foundation

extension Exposure {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adds the parts of an analysis (analyze --part I/N) and writes its outputs.",
            discussion: """
                Each part holds the raw sums over its chunks of the population grid, the analysis's options and the size and SHA-256 of every input. merge checks that the parts come from the same command and inputs, that together they cover the grid exactly once (naming any missing, repeated or foreign part), that the inputs have not changed since, then adds the sums and writes the same outputs as the single-machine command. See docs/methodology.md, "Parts and merge", and examples/slurm/.

                Examples:
                  for i in 0 1 2; do
                    exposure analyze --population pop.tif --regions admin.gpkg --region-id code \\
                        --hazard flood.tif --preset flood-depth --part $i/3 --partial parts/part-$i.json
                  done
                  exposure merge parts/part-*.json --output out/flood.geojson --csv out/flood.csv
                """)

        @Argument(help: "The partial results (every part, in any order).")
        var parts: [String]

        @Option(help: "Vector output: .geojson (RFC 7946), .gpkg or .fgb, one feature per region.")
        var output: String?

        @Option(help: "CSV output, one row per region.")
        var csv: String?

        @Option(help: "Worker threads for reading the regions (default: all cores).")
        var threads: Int?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if output == nil && csv == nil { throw ValidationError("give --output and/or --csv") }
            if parts.isEmpty { throw ValidationError("give the partial results to merge") }
        }

        func run() throws {
            common.configureLogging()
            let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
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
