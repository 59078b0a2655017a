import ArgumentParser
import ExposureAdapters
import ExposureCore
import ExposureProducts
import ExposureWorkflows
import Foundation
import Localization

extension Exposure {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an analysis or a scenario run as one self-contained HTML report (and a PDF), in English, Spanish, Portuguese or French.",
            discussion: """
                INPUT is an output of analyze or flood-extent with its manifest (NAME.geojson and NAME.geojson.manifest.json), or a run's output folder. The report holds the question analysed, the headline figures (for runs: AAE, AAD, PMD per return period and each scenario's change against the first), maps of the headline column (one per scenario), a per-region table (sortable in the browser, readable without script) with incomplete regions flagged, exceedance curves and the scenario comparison for runs, notes and assumptions, and the provenance of every input with its SHA-256. Everything is inside the one file: it opens offline and can be sent by e-mail. People are shown as whole people and rates to one decimal; the data files keep full precision.

                With --pdf, headless Chromium (Debian's chromium package) prints the report on A4 pages.

                Examples:
                  exposure report out/flood100.geojson --lang es \\
                      --output out/informe.html
                  exposure report out/sample-floods --lang pt \\
                      --output out/relatorio.html --pdf out/relatorio.pdf
                """)

        @Argument(help: "An analysis output with its manifest (.geojson, .gpkg, .fgb) or a run's output folder.")
        var input: String

        @Option(help: "The report (.html).")
        var output: String

        @Option(help: "Also print it to this PDF with headless Chromium.")
        var pdf: String?

        @Option(help: "Language: en, es, pt, fr.")
        var lang: LanguageChoice = .en

        @Option(help: "Decimal mark: the language's (default), comma or point.")
        var decimal: DecimalChoice?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            guard output.lowercased().hasSuffix(".html") || output.lowercased().hasSuffix(".htm") else {
                throw ValidationError("--output must end in .html")
            }
            if let pdf, !pdf.lowercased().hasSuffix(".pdf") { throw ValidationError("--pdf must end in .pdf") }
        }

        func run() throws {
            common.configureLogging()
            var options = ReportOptions(input: input, output: output)
            options.pdf = pdf
            options.language = lang.language
            options.numberStyle = decimal.map { $0.style(for: lang.language) }
            let progress = TerminalProgress(label: "report", quiet: common.quiet)
            let summary = try OutputSet.producing(
                inputs: options.inputPaths,
                declare: { outputs in
                    try outputs.add(output, role: "--output")
                    if let pdf { try outputs.add(pdf, role: "--pdf") }
                },
                work: { outputs in try ReportMaking.run(options, outputs: outputs, progress: progress.report) })
            progress.finish()
            guard !common.quiet else { return }
            var lines = ["\(summary.title): \(summary.regionCount) regions"]
            if summary.incomplete > 0 { lines.append("\(summary.incomplete) region(s) flagged: hazard data incomplete") }
            lines.append("wrote \(summary.written.joined(separator: ", "))")
            writeToStandardError(lines.joined(separator: "\n") + "\n")
        }
    }
}
