import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import Testing

/// A bounded, seeded fuzz run of the two readers that take whatever a user hands over: the scenario-file
/// parser (`ScenarioFile.load`) and the region reader (`RegionSet`). Valid inputs are mutated (bytes
/// flipped, lines deleted or repeated, numbers replaced by huge, negative, NaN or text values, deep
/// nesting, anchors and aliases, geometry types swapped...) and read in this process, each on its own
/// thread with a time limit. A crash kills the test process; a hang, an error that is not an
/// `ExposureError`/`GDALError`, or a message that does not name the file is a finding: the input is saved.
///
/// Environment: EXPOSURE_FUZZ_ITERATIONS (default 200 per reader: the smoke run of `swift test`),
/// EXPOSURE_FUZZ_SEED, EXPOSURE_FUZZ_TIME_LIMIT (seconds per input, default 10), EXPOSURE_FUZZ_FINDINGS
/// (folder for findings; default a temporary folder), EXPOSURE_FUZZ_SECONDS (stop after this long). `make fuzz` runs scripts/fuzz for a long run.
/// The input being read is kept in FINDINGS/.work/ until the run ends, so after a crash it is the
/// reproducer (scripts/fuzz saves it).
@Suite(.serialized) struct ParserFuzzTests {
    @Test func scenarioFileParser() throws {
        let fuzz = try Fuzzer(target: "scenario", fileExtension: "yaml")
        let seeds = try ScenarioSeeds.all(in: fuzz.workFolder)
        try fuzz.run(seeds: seeds, mutate: YAMLMutator.mutate) { path in
            _ = try ScenarioFile.load(path)
        }
    }

    @Test func regionReader() throws {
        let fuzz = try Fuzzer(target: "regions", fileExtension: "geojson")
        let seeds = try RegionSeeds.all()
        let target = try SpatialReference(epsg: 32618)
        try fuzz.run(seeds: seeds, mutate: JSONMutator.mutate) { path in
            let regions = try RegionSet(path: path, layer: nil, idField: "code", nameField: "name", targetCRS: target, assumeCRS: nil)
            // A set that was read must be consistent.
            guard regions.ids.count == regions.polygons.count, regions.ids.count == regions.geometries.count,
                  regions.ids.count == regions.names.count, regions.ids.count == regions.attributes.count
            else {
                throw FuzzFinding("inconsistent RegionSet: \(regions.ids.count) ids, \(regions.polygons.count) polygon sets")
            }
        }
    }
}

struct FuzzFinding: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs mutated inputs through a reader and records what breaks the policy.
final class Fuzzer {
    let target: String
    let fileExtension: String
    let iterations: Int
    let seed: UInt64
    let timeLimit: Double
    /// Stop after this many seconds even if iterations remain (EXPOSURE_FUZZ_SECONDS), for a bounded long run.
    let timeBudget: Double?
    let findingsFolder: URL
    let workFolder: URL
    /// Whether the findings folder is a temporary one of this run (removed at the end when nothing was found).
    let temporaryFindings: Bool
    private var savedSignatures = Set<String>()

    static let rawTexts = ["Error Domain=", "Exception", "EncodingError", "DecodingError", "-partial-", "NSCocoaErrorDomain"]

    init(target: String, fileExtension: String) throws {
        let environment = ProcessInfo.processInfo.environment
        self.target = target
        self.fileExtension = fileExtension
        iterations = environment["EXPOSURE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 200
        seed = environment["EXPOSURE_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_260_601
        timeLimit = environment["EXPOSURE_FUZZ_TIME_LIMIT"].flatMap(Double.init) ?? 10
        timeBudget = environment["EXPOSURE_FUZZ_SECONDS"].flatMap(Double.init)
        temporaryFindings = environment["EXPOSURE_FUZZ_FINDINGS"] == nil
        findingsFolder = environment["EXPOSURE_FUZZ_FINDINGS"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("exposure-fuzz-\(UUID().uuidString)")
        workFolder = findingsFolder.appendingPathComponent(".work")
        try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true)
    }

    /// The input currently being read (left behind only by a crash).
    var inputPath: String { workFolder.appendingPathComponent("\(target)-input.\(fileExtension)").path }

    func run(seeds: [Data], mutate: (Data, inout SeededGenerator) -> Data, read: @escaping (String) throws -> Void) throws {
        var generator = SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: target.hashValueStable))
        var findings = 0, accepted = 0, rejected = 0, done = 0
        let start = Date()
        for iteration in 0..<iterations {
            if let timeBudget, Date().timeIntervalSince(start) > timeBudget { break }
            done += 1
            let input = mutate(seeds[Int(generator.next() % UInt64(seeds.count))], &generator)
            try input.write(to: URL(fileURLWithPath: inputPath))
            switch readWithTimeLimit(inputPath, read) {
            case .accepted:
                accepted += 1
            case .rejected(let error):
                rejected += 1
                if let problem = problem(with: error) {
                    findings += 1
                    record(problem, input: input, iteration: iteration, message: String(describing: error))
                }
            case .hung:
                findings += 1
                record("hang: still reading after \(timeLimit) s", input: input, iteration: iteration, message: "")
                try? FileManager.default.removeItem(atPath: inputPath)
                // The reading thread cannot be stopped: end the run here.
                print("fuzz \(target): stopped after a hang at iteration \(iteration)")
                return
            }
        }
        try? FileManager.default.removeItem(atPath: inputPath)
        if temporaryFindings && findings == 0 { try? FileManager.default.removeItem(at: findingsFolder) }
        print("fuzz \(target): \(done) inputs (seed \(seed)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: "
            + "\(accepted) read, \(rejected) refused, \(findings) finding(s) of \(savedSignatures.count) kind(s); findings in \(findingsFolder.path)")
    }

    enum Outcome { case accepted, rejected(Error), hung }

    /// Reads on a thread with the main thread's stack size (the CLI reads on the main thread).
    func readWithTimeLimit(_ path: String, _ read: @escaping (String) throws -> Void) -> Outcome {
        // The reader runs on one thread at a time; the box only carries it and its result across.
        final class Box: @unchecked Sendable {
            let read: (String) throws -> Void
            var error: Error?
            let done = DispatchSemaphore(value: 0)
            init(_ read: @escaping (String) throws -> Void) { self.read = read }
        }
        let box = Box(read)
        let thread = Thread {
            do { try box.read(path) } catch { box.error = error }
            box.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        if box.done.wait(timeout: .now() + timeLimit) == .timedOut { return .hung }
        return box.error.map { .rejected($0) } ?? .accepted
    }

    /// What is wrong with an error, by the policy: only our error types, naming the file, in plain words.
    func problem(with error: Error) -> String? {
        let text: String
        switch error {
        case let e as ExposureError:
            text = e.description
        case let e as GDALError:
            text = e.description
        case let e as FuzzFinding:
            return e.description
        default:
            return "unexpected error type \(type(of: error)): \(String(describing: error).prefix(200))"
        }
        if !text.contains(inputPath) && !text.contains((inputPath as NSString).lastPathComponent) {
            return "the message does not name the file: \(text.prefix(300))"
        }
        for raw in Fuzzer.rawTexts where text.contains(raw) { return "raw text '\(raw)' in the message: \(text.prefix(300))" }
        return nil
    }

    /// Saves the input (once per kind of problem) and reports it.
    func record(_ problem: String, input: Data, iteration: Int, message: String) {
        // One reproducer per kind of problem: digits and quoted values do not make a new kind.
        let signature = problem.replacingOccurrences(of: "[0-9]+", with: "N", options: .regularExpression)
            .replacingOccurrences(of: "'[^']*'", with: "'…'", options: .regularExpression).prefix(120)
        let isNew = savedSignatures.insert(String(signature)).inserted
        if isNew {
            let name = "\(target)-seed\(seed)-\(iteration)"
            let saved = findingsFolder.appendingPathComponent("\(name).\(fileExtension)")
            try? input.write(to: saved)
            try? Data("\(problem)\n\(message)\n".utf8).write(to: findingsFolder.appendingPathComponent("\(name).txt"))
            Issue.record("fuzz \(target) #\(iteration): \(problem) (input saved as \(saved.path))")
        }
    }
}

extension String {
    /// A hash that is the same in every run (Swift's hashValue is seeded per process).
    var hashValueStable: UInt64 {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return hash
    }
}

extension SeededGenerator {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

enum Package {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// Valid scenario files with absolute paths: the examples and a few written here for the other branches
/// (a list of region sets, explicit classes, a census population).
enum ScenarioSeeds {
    static func all(in folder: URL) throws -> [Data] {
        let root = Package.root.path
        func absolute(_ text: String) -> String {
            text.replacingOccurrences(of: "../sample-rasters/", with: "\(root)/sample-rasters/")
                .replacingOccurrences(of: "../data/olinda/", with: "\(root)/data/olinda/")
        }
        var seeds: [String] = []
        for example in ["examples/sample-floods.yaml", "examples/olinda-sea-level.yaml"] {
            seeds.append(absolute(try String(contentsOfFile: "\(root)/\(example)", encoding: .utf8)))
        }
        let s = "\(root)/sample-rasters"
        seeds.append("""
            name: classes and region sets
            assume_crs: EPSG:4326
            population:
              raster: \(s)/population.tif
              band: 1
            regions:
              - label: municipalities
                file: \(s)/municipalities.geojson
                id: code
                name: name
              - label: departments
                file: \(s)/municipalities.geojson
                id: department
                dissolve: true
            hazard:
              classes: [0.1, 0.7, 1.5]
              rates: [0.01, 0.03, 0.05]
              band: 1
              unit: m
            scenarios:
              baseline:
                return_periods:
                  10: \(s)/flood_baseline_rp10.tif
                  100: \(s)/flood_baseline_rp100.tif
              generated:
                inundation:
                  dem: \(s)/dem.tif
                  sea_edge: [east, south]
                  sea_level: 0.5
                  surge: {10: 1.0, 100: 2.0}

            """)
        seeds.append("""
            population:
              census:
                file: \(s)/municipalities.geojson
                layer: municipalities
                count: code
                resolution: 0.01
                crs: EPSG:4326
                mask: \(s)/dem.tif
            regions: {file: \(s)/municipalities.geojson, id: code}
            hazard: {preset: flood-depth, rates: [0.1, 0.2, 0.3]}
            scenarios:
              only:
                return_periods: {50: \(s)/flood_baseline_rp50.tif}

            """)
        _ = folder
        return seeds.map { Data($0.utf8) }
    }
}

/// Valid region files: the sample municipalities and a small one written here.
enum RegionSeeds {
    static func all() throws -> [Data] {
        let sample = try Data(contentsOf: Package.root.appendingPathComponent("sample-rasters/municipalities.geojson"))
        let small = """
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32618"}}, "features": [
            {"type": "Feature", "properties": {"code": "A", "name": "West"}, "geometry": {"type": "Polygon", "coordinates": [[[500000, 700000], [500500, 700000], [500500, 701000], [500000, 701000], [500000, 700000]]]}},
            {"type": "Feature", "properties": {"code": 2, "name": null}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[500500, 700000], [501000, 700000], [501000, 701000], [500500, 701000], [500500, 700000]], [[500600, 700100], [500700, 700100], [500700, 700200], [500600, 700100]]]]}}
            ]}

            """
        return [sample, Data(small.utf8)]
    }
}

/// Text values that have broken parsers before.
enum Interesting {
    static let numbers = ["0", "-1", "-0", "1.5", "1e20", "-1e20", "1e400", "1e-320", "4294967297", "9223372036854775808",
                          "99999999999999999999999", ".nan", ".inf", "-.inf", "NaN", "Infinity", "0x1F", "0o17", "1_000", "+5", "1e", "."]
    static let scalars = ["", "''", "\"\"", "~", "null", "true", "no", "[]", "{}", "[1, 2]", "{a: 1}", "*undefined", "&anchor value",
                          "!!binary aGVsbG8=", "!!map {}", "!custom x", "/", "/dev/null", "/proc/self/mem", "..", "../../../../etc/passwd",
                          "/vsizip//nonexistent.zip/a.shp", "NETCDF:\"x.nc\":v", "'quoted: colon'", "\"\\u0000\"", "\"\\x00\"",
                          String(repeating: "a", count: 5000), "|\n  block\n  text", ">\n  folded"]
    static let yamlSnippets = [
        "x: &a [1, 2, 3]\ny: *a\n", "<<: *a\n", "? [complex, key]\n: value\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
        "\t\tkey: tab\n", "\u{FEFF}", "\0", "\r", "key: value: other\n", "- item\n", "  - nested: [\n", "{{{{\n", "]]]]\n",
        "anchor: &b {k: v}\nref: *b\n", "dup: 1\ndup: 2\n", "'unterminated\n", "\"unterminated\n", "&a &b x\n", "? \n",
    ]
    static let jsonNumbers = ["1e308", "-1e308", "1e309", "NaN", "Infinity", "-Infinity", "-0", "1e-320", "\"12\"", "null", "[]", "{}",
                              "true", "123456789012345678901234567890", "0.000000000000000000000001", "1.7976931348623157e308"]
    static let jsonStrings = ["\"\"", "\"\\u0000\"", "\"\\r\\n\"", "\"\\ud800\"", "\"" + String(repeating: "z", count: 70_000) + "\"",
                              "\"Point\"", "\"LineString\"", "\"MultiPoint\"", "\"GeometryCollection\"", "\"Polygon\"", "\"MultiPolygon\"",
                              "\"FeatureCollection\"", "\"Feature\"", "\"urn:ogc:def:crs:EPSG::999999\"", "\"urn:ogc:def:crs:EPSG::4326\"",
                              "null", "1", "[]", "{}"]
    static let geometryTypes = ["Point", "LineString", "MultiPoint", "MultiLineString", "GeometryCollection", "Polygon", "MultiPolygon",
                                "Unknown", "Feature", ""]
}

/// Text mutations shared by both formats.
enum TextMutations {
    static func flipBytes(_ data: inout [UInt8], _ g: inout SeededGenerator) {
        guard !data.isEmpty else { return }
        for _ in 0..<(1 + g.below(4)) { data[g.below(data.count)] ^= UInt8(truncatingIfNeeded: 1 << g.below(8)) }
    }

    static func setRandomByte(_ data: inout [UInt8], _ g: inout SeededGenerator) {
        guard !data.isEmpty else { return }
        data[g.below(data.count)] = g.pick([0, 0x0A, 0x0D, 0x09, 0x22, 0x27, 0x3A, 0x2C, 0x5B, 0x7B, 0x5D, 0x7D, 0x26, 0x2A, 0xFF, 0xC3, 0x80])
    }

    static func deleteSpan(_ data: inout [UInt8], _ g: inout SeededGenerator) {
        guard data.count > 1 else { return }
        let start = g.below(data.count), length = 1 + g.below(min(200, data.count - start))
        data.removeSubrange(start..<min(data.count, start + length))
    }

    static func duplicateSpan(_ data: inout [UInt8], _ g: inout SeededGenerator) {
        guard data.count > 1 else { return }
        let start = g.below(data.count), length = 1 + g.below(min(400, data.count - start))
        let span = data[start..<min(data.count, start + length)]
        data.insert(contentsOf: span, at: g.below(data.count))
    }

    static func truncate(_ data: inout [UInt8], _ g: inout SeededGenerator) {
        guard !data.isEmpty else { return }
        data.removeSubrange(g.below(data.count)...)
    }

    /// Replaces the n-th match of a regular expression with `replacement`.
    static func replaceMatch(_ text: String, pattern: String, _ g: inout SeededGenerator, with replacement: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        let matches = regex.matches(in: text, range: range)
        guard !matches.isEmpty, let swiftRange = Range(matches[g.below(matches.count)].range, in: text) else { return text }
        var copy = text
        copy.replaceSubrange(swiftRange, with: replacement)
        return copy
    }
}

enum YAMLMutator {
    static let keys = ["name", "assume_crs", "population", "raster", "band", "census", "file", "layer", "count", "like", "resolution",
                       "crs", "mask", "regions", "id", "label", "dissolve", "hazard", "preset", "classes", "rates", "unit", "scenarios",
                       "return_periods", "inundation", "dem", "sea_edge", "sea", "sea_level", "surge"]

    static func mutate(_ seed: Data, _ g: inout SeededGenerator) -> Data {
        var text = String(decoding: seed, as: UTF8.self)
        for _ in 0..<(1 + g.below(4)) {
            var lines = text.components(separatedBy: "\n")
            switch g.below(14) {
            case 0:
                var bytes = Array(text.utf8)
                TextMutations.flipBytes(&bytes, &g)
                text = String(decoding: bytes, as: UTF8.self)
            case 1 where lines.count > 1:
                lines.remove(at: g.below(lines.count)); text = lines.joined(separator: "\n")
            case 2 where !lines.isEmpty:
                let i = g.below(lines.count); lines.insert(lines[i], at: g.below(lines.count)); text = lines.joined(separator: "\n")
            case 3 where lines.count > 1:
                lines.swapAt(g.below(lines.count), g.below(lines.count)); text = lines.joined(separator: "\n")
            case 4:
                text = TextMutations.replaceMatch(text, pattern: "-?[0-9]+(\\.[0-9]+)?", &g, with: g.pick(Interesting.numbers))
            case 5:
                text = TextMutations.replaceMatch(text, pattern: "(?<=: )[^\\n#]+", &g, with: g.pick(Interesting.scalars))
            case 6 where !lines.isEmpty:
                lines.insert(g.pick(Interesting.yamlSnippets), at: g.below(lines.count)); text = lines.joined(separator: "\n")
            case 7:
                text = TextMutations.replaceMatch(text, pattern: "[a-z_]+(?=:)", &g, with: g.pick(keys))
            case 8 where !lines.isEmpty:
                let i = g.below(lines.count)
                lines[i] = g.chance(0.5) ? "  " + lines[i] : String(lines[i].drop(while: { $0 == " " }).prefix(10_000))
                text = lines.joined(separator: "\n")
            case 9:
                var bytes = Array(text.utf8); TextMutations.truncate(&bytes, &g); text = String(decoding: bytes, as: UTF8.self)
            case 10:
                // Deep flow nesting as a value.
                let depth = 1 + g.below(g.chance(0.1) ? 20_000 : 200)
                text = TextMutations.replaceMatch(text, pattern: "(?<=: )[^\\n#]+", &g,
                                                  with: String(repeating: g.chance(0.5) ? "[" : "{a: ", count: depth) + "1"
                                                      + String(repeating: "]", count: depth))
            case 11:
                // Anchors and aliases: a small bomb (10^depth leaves) as a key or a value.
                let depth = 1 + g.below(5)
                var bomb = "z0: &z0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                for level in 1..<depth { bomb += "z\(level): &z\(level) [" + Array(repeating: "*z\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
                let use = g.chance(0.5) ? "? *z\(depth - 1)\n: 1\n" : "name: *z\(depth - 1)\n"
                text = bomb + use + text
            case 12:
                text = text.replacingOccurrences(of: "\n", with: g.pick(["\r\n", "\r", "\n\n", "\n\t"]))
            default:
                var bytes = Array(text.utf8)
                if g.chance(0.5) { TextMutations.deleteSpan(&bytes, &g) } else { TextMutations.duplicateSpan(&bytes, &g) }
                if g.chance(0.3) { TextMutations.setRandomByte(&bytes, &g) }
                text = String(decoding: bytes, as: UTF8.self)
            }
        }
        var data = Data(text.utf8)
        if g.chance(0.05) { data.append(contentsOf: [0xFF, 0xFE, 0x00, 0xC3]) }
        return data
    }
}

enum JSONMutator {
    static func mutate(_ seed: Data, _ g: inout SeededGenerator) -> Data {
        var text = String(decoding: seed, as: UTF8.self)
        for _ in 0..<(1 + g.below(4)) {
            switch g.below(11) {
            case 0:
                var bytes = Array(text.utf8); TextMutations.flipBytes(&bytes, &g); text = String(decoding: bytes, as: UTF8.self)
            case 1, 2:
                text = TextMutations.replaceMatch(text, pattern: "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?", &g, with: g.pick(Interesting.jsonNumbers))
            case 3:
                text = TextMutations.replaceMatch(text, pattern: "\"[^\"]*\"(?=\\s*[,}])", &g, with: g.pick(Interesting.jsonStrings))
            case 4:
                text = TextMutations.replaceMatch(text, pattern: "(?<=\"type\": \")[A-Za-z]+(?=\")", &g, with: g.pick(Interesting.geometryTypes))
            case 5:
                let depth = 1 + g.below(g.chance(0.1) ? 10_000 : 100)
                text = TextMutations.replaceMatch(text, pattern: "\\[\\s*-?[0-9]", &g,
                                                  with: String(repeating: "[", count: depth) + "0" + String(repeating: "]", count: depth) + ", [0")
            case 6:
                // Drop the closing vertex of a ring, or a whole ring's worth of coordinates.
                text = TextMutations.replaceMatch(text, pattern: ",\\s*\\[[^\\[\\]]*\\]\\s*\\]", &g, with: "]")
            case 7:
                text = TextMutations.replaceMatch(text, pattern: "\"geometry\":\\s*", &g, with: "\"geometry\": null, \"x\": ")
            case 8:
                var bytes = Array(text.utf8); TextMutations.truncate(&bytes, &g); text = String(decoding: bytes, as: UTF8.self)
            case 9:
                text = TextMutations.replaceMatch(text, pattern: "\"properties\":\\s*\\{", &g,
                                                  with: "\"properties\": {\"code\": \(g.pick(Interesting.jsonStrings)), ")
            default:
                var bytes = Array(text.utf8)
                if g.chance(0.5) { TextMutations.deleteSpan(&bytes, &g) } else { TextMutations.duplicateSpan(&bytes, &g) }
                if g.chance(0.3) { TextMutations.setRandomByte(&bytes, &g) }
                text = String(decoding: bytes, as: UTF8.self)
            }
        }
        return Data(text.utf8)
    }
}
