import ExposureCore
import ExposureProducts
import Foundation
import GDALSwift
import Localization
import Reports

/// What `exposure report` was asked for.
public struct ReportOptions: Sendable {
    public var input: String
    public var output: String
    public var pdf: String?
    public var language: Language = .en
    public var numberStyle: NumberStyle?

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }

    /// Every file read: the layer and its manifest, or a run folder's regions.geojson, run.json and annual.csv.
    public var inputPaths: [String?] {
        isRunFolder
            ? [MapSource.runLayer, MapSource.runManifest, "annual.csv"].map { (input as NSString).appendingPathComponent($0) }
            : [input, input + ".manifest.json"]
    }

    var isRunFolder: Bool { MapSource.isRunFolder(input) }
}

public struct ReportSummary: Sendable {
    public let title: String
    public let regionCount: Int
    public let incomplete: Int
    public let written: [String]
}

/// `exposure report`: an analysis or a scenario run as one self-contained HTML file (and a PDF printed from
/// it by headless Chromium), in the reader's language.
public enum ReportMaking {
    public static func run(_ options: ReportOptions, outputs: OutputSet, progress: ProgressReport? = nil) throws -> ReportSummary {
        try PlainErrors.wrap { try write(options, outputs: outputs, progress: progress) }
    }

    static func write(_ options: ReportOptions, outputs: OutputSet, progress: ProgressReport?) throws -> ReportSummary {
        let numbers = options.numberStyle ?? NumberStyle.of(options.language)
        let catalog = try Catalog.load(options.language).writingNumbers(numbers)
        let words = ReportWords(catalog: catalog, numbers: numbers)
        let document: ReportDocument
        let regionCount: Int, incomplete: Int
        if options.isRunFolder {
            (document, regionCount, incomplete) = try RunReport.build(options, words: words)
        } else {
            (document, regionCount, incomplete) = try AnalysisReport.build(options, words: words)
        }
        progress?(0.7)
        let html = try ReportRenderer.html(document)
        try outputs.write(options.output) { path in
            do {
                try html.write(toFile: path, atomically: false, encoding: .utf8)
            } catch {
                throw ExposureError("cannot be written (\(OutputSet.reason(error)))", path: options.output)
            }
        }
        if let pdf = options.pdf {
            // Chromium prints the HTML from where it was just written (its temporary name beside --output).
            let staged = try outputs.temporaryPath(for: options.output)
            try outputs.write(pdf) { path in try Chromium.printToPDF(html: staged, pdf: path) }
        }
        progress?(1)
        return ReportSummary(title: document.title, regionCount: regionCount, incomplete: incomplete,
                             written: [options.output] + (options.pdf.map { [$0] } ?? []))
    }
}

/// The catalog and number style of a report, with the few formatting rules every section shares.
struct ReportWords {
    let catalog: Catalog
    let numbers: NumberStyle

    func t(_ key: String, _ arguments: [String: String] = [:]) -> String { catalog.text(key, arguments) }
    /// Whole people, rounded after summing.
    func people(_ x: Double) -> String { numbers.format(x, decimals: 0) }
    /// Rates (per 100,000) to one decimal.
    func rate(_ x: Double) -> String { numbers.format(x, decimals: 1) }
    func percent(_ share: Double) -> String { t("number.percent", ["value": numbers.format(share * 100, decimals: 1)]) }
    func date(_ iso: String?) -> String { iso.flatMap(CalendarDate.init(iso8601:)).map(catalog.format) ?? "—" }

    func cell(people x: Double?) -> ReportDocument.Table.Cell {
        x.map { .init(text: people($0), sortKey: String($0)) } ?? .init(text: "—", sortKey: "")
    }
    func cell(rate x: Double?) -> ReportDocument.Table.Cell {
        x.map { .init(text: rate($0), sortKey: String($0)) } ?? .init(text: "—", sortKey: "")
    }
    func cell(share x: Double?) -> ReportDocument.Table.Cell {
        x.map { .init(text: percent($0), sortKey: String($0)) } ?? .init(text: "—", sortKey: "")
    }
    func cell(text s: String) -> ReportDocument.Table.Cell { .init(text: s, sortKey: s) }

    /// The manifest's sampling rule in the reader's language.
    func sampling(_ rule: String?) -> String {
        guard let rule else { return "—" }
        if rule.hasPrefix("hazard value at each") { return t("report.sampling_centre") }
        if rule.hasPrefix("exact area share") { return t("report.sampling_exact") }
        if let n = rule.split(separator: " ").dropFirst(2).first?.split(separator: "x").first.flatMap({ Int($0) }), rule.hasPrefix("share of") {
            return t("report.sampling_supersampled", ["n": String(n)])
        }
        return rule
    }

    func role(_ raw: String) -> String {
        if raw.hasPrefix("population group '") {
            return t("report.role_group", ["group": String(raw.dropFirst("population group '".count).dropLast())])
        }
        if raw == "group ratios" { return t("report.role_ratios") }
        if raw == "needs profile" { return t("report.role_needs") }
        return raw.hasPrefix("population") ? t("report.role_population") : raw.hasPrefix("regions") ? t("report.role_regions")
            : raw.hasPrefix("hazard") ? t("report.role_hazard") : raw
    }

    func headings() -> [String: String] {
        Dictionary(uniqueKeysWithValues: ["question", "figures", "maps", "regions", "charts", "notes", "provenance"].map { ($0, t("report.h_\($0)")) })
    }

    /// Hazard classes with their rates: "0,1 a 0,7 m: 1 %".
    func classes(_ source: MapSource, rates: [Double]) -> String {
        source.hazardClasses.indices.map { i in
            let range = ColumnWording.range(ofClass: i + 1, source.hazardClasses, unit: source.hazardUnit, catalog: catalog, numbers: numbers)
            let r = rates.indices.contains(i) ? t("number.percent", ["value": numbers.format(rates[i] * 100, decimals: rates[i] * 100 == (rates[i] * 100).rounded() ? 0 : 1)]) : "—"
            return t("report.q_class", ["range": range, "rate": r])
        }.joined(separator: "; ")
    }

    func inputs(_ source: MapSource) -> [ReportDocument.Input] {
        source.inputs.map { .init(role: role($0.role), path: $0.path, sha256: $0.sha256 ?? "—") }
    }

    func provenance(_ manifest: [String: Any], manifestPath: String?) -> [(label: String, value: String)] {
        var lines: [(String, String)] = []
        if let command = manifest["commandLine"] as? [String] { lines.append((t("report.p_command"), command.joined(separator: " "))) }
        lines.append((t("report.p_tool"), (manifest["tool"] as? String) ?? "exposure"))
        lines.append((t("report.p_libraries"), "GDAL \((manifest["gdalVersion"] as? String) ?? "?"), PROJ \((manifest["projVersion"] as? String) ?? "?")"))
        lines.append((t("report.p_date"), (manifest["createdAt"] as? String) ?? "—"))
        if let manifestPath { lines.append((t("report.p_manifest"), manifestPath)) }
        return lines
    }

    func commonNotes(threshold: Double, sampling: String?, rates: String) -> [String] {
        [t("report.n_rates", ["rates": rates]),
         t("report.n_sampling", ["rule": self.sampling(sampling)]),
         t("report.n_unknown", ["percent": t("number.percent", ["value": numbers.format(threshold * 100, decimals: threshold * 100 == (threshold * 100).rounded() ? 0 : 1)])]),
         t("report.n_caution"),
         t("report.n_rounded")]
    }

    var footer: String { t("report.footer", ["version": ExposureVersionInfo.version, "disclaimer": t("map.disclaimer")]) }
}

/// Per-region rows of a layer, in its order: field name to value.
enum LayerRows {
    static func read(_ path: String) throws -> [[String: FieldValue]] {
        let dataset = try Dataset.open(path, kinds: .vector)
        let layer = try dataset.layer(at: 0)
        var rows: [[String: FieldValue]] = []
        try layer.resetReading()
        while let feature = try layer.nextFeature() {
            var row: [String: FieldValue] = [:]
            for (field, value) in zip(feature.fields, feature.values) { row[field.name] = value }
            rows.append(row)
        }
        return rows
    }

    static func number(_ v: FieldValue?) -> Double? {
        switch v {
        case .integer(let i)?: Double(i)
        case .real(let d)? where d.isFinite: d
        default: nil
        }
    }

    static func text(_ v: FieldValue?) -> String { v?.description ?? "" }
}

/// Headless Chromium prints the report to PDF (Debian's `chromium`).
enum Chromium {
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in candidates {
            for folder in path.split(separator: ":") {
                let file = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: file) { return file }
            }
        }
        return nil
    }

    static func printToPDF(html: String, pdf: String) throws {
        guard let chromium = executable() else {
            throw ExposureError("--pdf needs headless Chromium, which is not installed: install Debian's chromium package (sudo apt-get install chromium), or open the HTML report in a browser and print it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        // No network: every name resolves to nothing, and the page's own policy forbids any request anyway.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer", "--print-to-pdf=\(pdf)",
                             URL(fileURLWithPath: html).absoluteString]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ExposureError("cannot start Chromium (\(OutputSet.reason(error)))", path: chromium)
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let size = (try? FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int) ?? 0
        guard process.terminationStatus == 0, size > 0 else {
            let last = message.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw ExposureError("Chromium could not print the report (status \(process.terminationStatus)): \(last)", path: pdf)
        }
    }
}

extension MapSource {
    /// The inline SVG map of `column` (with `scenario`) of this source, in the report's language.
    static func inlineMap(input: String, column: String, scenario: String?, language: Language, numbers: NumberStyle?, index: Int) throws -> String {
        var options = MapOptions(input: input, output: "map.svg")
        options.column = column
        options.scenario = scenario
        options.language = language
        options.numberStyle = numbers
        options.page = .paper(.a4, .landscape)
        return InlineSVG.embed(try MapMaking.svg(options).svg, prefix: "m\(index)")
    }
}

/// An SVG document made fit to sit inside HTML beside others: no XML prolog, the page size replaced by the
/// frame's width, and every id prefixed (Cairo numbers its clip paths from 1 in every document).
enum InlineSVG {
    static func embed(_ svg: String, prefix: String) -> String {
        var s = svg
        if let start = s.range(of: "<svg") { s = String(s[start.lowerBound...]) }
        s = replace(s, #"<svg([^>]*?) width="[^"]*" height="[^"]*""#, "<svg$1")
        s = replace(s, #"id="([^"]+)""#, "id=\"\(prefix)-$1\"")
        s = replace(s, ##"url\(#([^)]+)\)"##, "url(#\(prefix)-$1)")
        s = replace(s, ##"href="#([^"]+)""##, "href=\"#\(prefix)-$1\"")
        return s
    }

    static func replace(_ s: String, _ pattern: String, _ template: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return s }
        return regex.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
    }
}
