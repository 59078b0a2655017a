import Foundation
import GDALSwift

typealias Setup = @Sendable (Workspace) throws -> Void

/// Shorthand for a case.
func corpusCase(
    _ name: String, _ category: CorpusCase.Category, _ arguments: [String], _ expected: CorpusCase.Expected,
    outputs: [String] = [], check: (@Sendable (Workspace) throws -> [String])? = nil, setup: @escaping Setup
) -> CorpusCase {
    CorpusCase(name: name, category: category, setup: setup, arguments: arguments, expected: expected, outputs: outputs, check: check)
}

/// Command lines over the standard inputs.
enum Command {
    static func analyze(population: String = "in/pop.tif", regions: String = "in/regions.geojson", id: String = "code",
                        hazard: String? = "in/hazard.tif", classes: [String] = ["--preset", "flood-depth"],
                        csv: String? = "out/result.csv", extra: [String] = []) -> [String] {
        var arguments = ["analyze", "--population", population, "--regions", regions, "--region-id", id, "--region-name", "name"]
        if let hazard { arguments += ["--hazard", hazard] + classes }
        if let csv { arguments += ["--csv", csv] }
        return arguments + extra
    }

    static func run(_ file: String = "in/scenario.yaml", outputDir: String = "out/run", extra: [String] = []) -> [String] {
        ["run", file, "--output-dir", outputDir] + extra
    }

    static let runOutputs = ["out/run/annual.csv", "out/run/by_return_period.csv", "out/run/regions.geojson", "out/run/run.json"]

    static func water(image: String = "in/scene.tif", output: String = "out/water.tif", extra: [String] = ["--sensor", "landsat7"]) -> [String] {
        ["water", "--image", image, "--output", output] + extra
    }

    static func index(image: String = "in/scene.tif", output: String = "out/ndvi.tif") -> [String] {
        ["index", "--image", image, "--sensor", "landsat7", "--index", "ndvi", "--output", output]
    }

    static func inundate(dem: String = "in/dem.tif", level: String = "2", output: String = "out/depth.tif",
                         sea: [String] = ["--sea-edge", "east"]) -> [String] {
        ["inundate", "--dem", dem, "--sea-level=\(level)"] + sea + ["--output", output]
    }

    static func grid(census: String = "in/census.geojson", count: String = "people", like: String? = "in/like.tif",
                     output: String = "out/grid.tif", extra: [String] = []) -> [String] {
        ["grid", "--census", census, "--count", count] + (like.map { ["--like", $0] } ?? []) + ["--output", output] + extra
    }

    static func sar(before: String = "in/before.tif", after: String = "in/after.tif", output: String = "out/flood.tif",
                    extra: [String] = []) -> [String] {
        ["flood-extent", "--kind", "sar", "--before", before, "--after", after, "--output", output, "--min-pixels", "1"] + extra
    }

    static func optical(before: String = "in/before.tif", after: String = "in/after.tif", output: String = "out/flood.tif",
                        extra: [String] = []) -> [String] {
        ["flood-extent", "--kind", "optical", "--sensor", "landsat7", "--before", before, "--after", after,
         "--output", output, "--min-pixels", "1"] + extra
    }
}

/// Setups shared by several cases.
enum Setups {
    static let standard: Setup = { try $0.standardInputs() }
    static let noHazard: Setup = { try $0.standardInputs(hazard: false) }
    static let scenario: Setup = { try $0.scenarioInputs(); try $0.scenario() }

    static func scenarioEdited(_ edit: @escaping @Sendable (String) -> String) -> Setup {
        { try $0.scenarioInputs(); try $0.scenario(edit) }
    }

    /// The standard inputs with `relative` replaced by raw bytes.
    static func standard(replacing relative: String, with data: Data) -> Setup {
        { workspace in
            try workspace.standardInputs()
            try workspace.write(relative, data: data)
        }
    }

    static let scene: Setup = { try $0.opticalScene("in/scene.tif", waterColumns: 8) }
    static let sarPair: Setup = { workspace in
        try workspace.sarScene("in/before.tif", waterColumns: 4)
        try workspace.sarScene("in/after.tif", waterColumns: 10)
    }
    static let opticalPair: Setup = { workspace in
        try workspace.opticalScene("in/before.tif", waterColumns: 4)
        try workspace.opticalScene("in/after.tif", waterColumns: 10)
    }
    static let demOnly: Setup = { try $0.dem("in/dem.tif") }
    static let census: Setup = { workspace in
        try workspace.census("in/census.geojson", counts: ["30", "70"])
        try workspace.raster("in/like.tif")
    }
}

/// Broken files: what a user may hand over instead of a real input.
enum Broken: String, CaseIterable, Sendable {
    case zeroByte = "zero-byte"
    case text = "text"
    case html = "html"
    case garbage = "binary-garbage"
    case directory = "directory"

    func make(_ workspace: Workspace, _ relative: String) throws {
        try? FileManager.default.removeItem(atPath: workspace.path(relative))
        switch self {
        case .zeroByte: try workspace.write(relative, data: Data())
        case .text: try workspace.write(relative, "population,1,2,3\nthis is a text file, not the format its name says\n")
        case .html: try workspace.write(relative, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")
        case .garbage:
            var generator = ByteGenerator(seed: 42)
            try workspace.write(relative, data: Data((0..<4096).map { _ in generator.next() }))
        case .directory: try workspace.mkdir(relative)
        }
    }
}

/// Deterministic bytes (SplitMix64).
struct ByteGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt8 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}

extension Workspace {
    /// Cuts a file down to `fraction` of its size (or to `bytes`).
    func truncate(_ relative: String, fraction: Double = 0.5, bytes: Int? = nil) throws {
        let data = try read(relative)
        let keep = bytes ?? Int(Double(data.count) * fraction)
        try write(relative, data: data.prefix(keep))
    }
}
