import ExposureAdapters
import ExposureCore
import ExposureProducts
import Foundation

/// One part of a pass (`exposure analyze|run ... --part I/N --partial FILE`): the raw sums over the part's chunks
/// (whole chunks of blocks, so no cell is counted twice or missed), the options that made them, and the
/// size and SHA-256 of every input. `exposure merge` checks that parts belong together and cover the grid
/// once, adds them and writes the outputs a single run would have (docs/methodology.md, "Parts and merge").
public struct PartialResult: Codable, Sendable {
    public static let formatName = "exposure-partial-1"

    /// The options of the analysis, in a form a file can hold.
    public struct Options: Codable, Sendable, Equatable {
        var population: String
        var populationBand: Int
        var regions: String
        var layer: String?
        var idField: String
        var nameField: String?
        var hazard: String?
        var hazardBand: Int
        var thresholds: [Double]?
        var rates: [Double]?
        var preset: String?
        var unit: String?
        var assumeCRS: String?
        var unknownThreshold: Double
        var groupRasters: [Group]
        var groupRatios: String?
        var needs: String?

        struct Group: Codable, Sendable, Equatable {
            var name: String
            var path: String
            var band: Int
        }

        init(_ o: AnalysisOptions) {
            population = o.populationPath
            populationBand = o.populationBand
            regions = o.regionsPath
            layer = o.layer
            idField = o.idField
            nameField = o.nameField
            hazard = o.hazardPath
            hazardBand = o.hazardBand
            thresholds = o.classes?.thresholds
            rates = o.classes?.rates
            preset = o.classes?.preset
            unit = o.classes?.unit
            assumeCRS = o.assumeCRS
            unknownThreshold = o.unknownThreshold
            groupRasters = o.groupRasters.map { Group(name: $0.name, path: $0.path, band: $0.band) }
            groupRatios = o.groupRatiosPath
            needs = o.needsPath
        }

        func analysisOptions(threads: Int) throws -> AnalysisOptions {
            var o = AnalysisOptions(populationPath: population, regionsPath: regions, idField: idField, threads: threads)
            o.populationBand = populationBand
            o.layer = layer
            o.nameField = nameField
            o.hazardPath = hazard
            o.hazardBand = hazardBand
            if let thresholds { o.classes = try HazardClasses(thresholds: thresholds, rates: rates, preset: preset, unit: unit) }
            o.assumeCRS = assumeCRS
            o.unknownThreshold = unknownThreshold
            o.groupRasters = groupRasters.map { GroupRasterOption(name: $0.name, path: $0.path, band: $0.band) }
            o.groupRatiosPath = groupRatios
            o.needsPath = needs
            return o
        }

        /// Every file the sums depend on (the ratio and needs files only change the outputs, but a merge must
        /// use the same ones).
        var files: [(role: String, path: String)] {
            [("population", population), ("regions", regions)] + (hazard.map { [("hazard", $0)] } ?? [])
                + groupRasters.map { ("population group '\($0.name)'", $0.path) }
                + (groupRatios.map { [("group ratios", $0)] } ?? []) + (needs.map { [("needs profile", $0)] } ?? [])
        }
    }

    public struct Input: Codable, Sendable, Equatable {
        let role: String
        let path: String
        let bytes: Int?
        let sha256: String?
    }

    /// One layer's sums (the population, or a group): per region, and per hazard its classes and unknown.
    struct Layer: Codable, Sendable {
        var populations: Doubles
        /// Per hazard: population, unknown, then each class's exposed, each a list over regions.
        var hazards: [[Doubles]]
        var validCells: Int
        var negativeCells: Int
    }

    /// Doubles as base64 of their little-endian bytes: exact, and a quarter the size of decimal text.
    struct Doubles: Codable, Sendable {
        var values: [Double]

        init(_ values: [Double]) { self.values = values }

        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a list of doubles"))
            }
            values = stride(from: 0, to: data.count, by: 8).map { offset in
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(data[data.startIndex + offset + k]) << (8 * UInt64(k)) }
                return Double(bitPattern: bits)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var data = Data(capacity: values.count * 8)
            for value in values {
                let bits = value.bitPattern
                for k in 0..<8 { data.append(UInt8((bits >> (8 * UInt64(k))) & 0xFF)) }
            }
            var container = encoder.singleValueContainer()
            try container.encode(data.base64EncodedString())
        }
    }

    public let format: String
    /// "analyze" or "run": which command made the part (and which outputs merge writes).
    public let kind: String
    public let tool: String
    public let commandLine: [String]
    /// The analysis's options (`analyze`), or the scenario file and the run's option (`run`).
    public let options: Options?
    public let scenarioFile: String?
    public let unknownThreshold: Double?
    public let inputs: [Input]
    /// This part (0-based) of how many, and the chunks it holds (of `chunkCount`).
    public let part: Int
    public let parts: Int
    public let chunkCount: Int
    public let chunkRange: [Int]
    /// The chunking, when not the usual one (a small grid cut into many parts).
    let chunking: ExposureAnalysis.Prepared.Chunking?
    /// ``ZonalEngine/chunkDigest`` of the engine the part ran.
    let chunkDigest: String
    let layers: [Layer]
    let undeclaredNaN: Int
    let groupUndeclaredNaN: [Int]

    init(options: AnalysisOptions, part: Int, parts: Int, chunkRange: Range<Int>, chunking: ExposureAnalysis.Prepared.Chunking?,
         chunkDigest: String, pass: ExposureAnalysis.Prepared.Pass, commandLine: [String]) throws {
        let sums = Options(options)
        try self.init(kind: "analyze", options: sums, scenarioFile: nil, unknownThreshold: nil,
                      inputs: try PartialResult.fingerprints(sums.files), part: part, parts: parts, chunkRange: chunkRange,
                      chunking: chunking, chunkDigest: chunkDigest, pass: pass, commandLine: commandLine)
    }

    init(run file: ScenarioFile, unknownThreshold: Double, part: Int, parts: Int, chunkRange: Range<Int>,
         chunking: ExposureAnalysis.Prepared.Chunking?, chunkDigest: String, pass: ExposureAnalysis.Prepared.Pass,
         commandLine: [String]) throws {
        let files = ScenarioRun.inputs(of: file).enumerated().map { (role: $0.offset == 0 ? "scenario file" : "input", path: $0.element) }
        try self.init(kind: "run", options: nil, scenarioFile: file.path, unknownThreshold: unknownThreshold,
                      inputs: try PartialResult.fingerprints(files), part: part, parts: parts, chunkRange: chunkRange,
                      chunking: chunking, chunkDigest: chunkDigest, pass: pass, commandLine: commandLine)
    }

    private init(kind: String, options: Options?, scenarioFile: String?, unknownThreshold: Double?, inputs: [Input], part: Int,
                 parts: Int, chunkRange: Range<Int>, chunking: ExposureAnalysis.Prepared.Chunking?, chunkDigest: String,
                 pass: ExposureAnalysis.Prepared.Pass, commandLine: [String]) throws {
        self.chunking = chunking
        self.chunkDigest = chunkDigest
        format = PartialResult.formatName
        self.kind = kind
        tool = "exposure \(ExposureVersionInfo.version)"
        self.commandLine = commandLine
        self.options = options
        self.scenarioFile = scenarioFile
        self.unknownThreshold = unknownThreshold
        self.inputs = inputs
        self.part = part
        self.parts = parts
        chunkCount = pass.result.chunkCount
        self.chunkRange = [chunkRange.lowerBound, chunkRange.upperBound]
        layers = ([pass.result.populationLayer] + pass.result.groups).map { layer in
            Layer(populations: Doubles(layer.populations),
                  hazards: layer.hazardTotals.map { totals in
                      [Doubles(totals.map(\.population)), Doubles(totals.map(\.hazardUnknown))]
                          + (0..<(totals.first?.exposedByClass.count ?? 0)).map { k in Doubles(totals.map { $0.exposedByClass[k] }) }
                  },
                  validCells: layer.validCellsInRegions, negativeCells: layer.negativeCells)
        }
        undeclaredNaN = pass.undeclaredNaN
        groupUndeclaredNaN = pass.groupUndeclaredNaN
    }

    static func fingerprints(_ files: [(role: String, path: String)]) throws -> [Input] {
        try files.map { file in
            Input(role: file.role, path: file.path, bytes: InputFingerprint.size(file.path), sha256: try InputFingerprint.checksum(file.path))
        }
    }

    /// The part's sums as a pass result, for `regionCount` regions.
    func pass(regionCount: Int) throws -> ExposureAnalysis.Prepared.Pass {
        func layer(_ l: Layer) throws -> LayerTotals {
            guard l.populations.values.count == regionCount else { throw ExposureError("holds sums for \(l.populations.values.count) regions, not \(regionCount)") }
            let totals = try l.hazards.map { lists -> [RegionTotals] in
                guard lists.count >= 2, lists.allSatisfy({ $0.values.count == regionCount }) else { throw ExposureError("holds malformed hazard sums") }
                return (0..<regionCount).map { r in
                    var t = RegionTotals(classCount: lists.count - 2)
                    t.population = lists[0].values[r]
                    t.hazardUnknown = lists[1].values[r]
                    for k in 0..<(lists.count - 2) { t.exposedByClass[k] = lists[k + 2].values[r] }
                    return t
                }
            }
            return LayerTotals(hazardTotals: totals, populations: l.populations.values, validCellsInRegions: l.validCells,
                               negativeCells: l.negativeCells)
        }
        guard let first = layers.first else { throw ExposureError("holds no sums") }
        guard groupUndeclaredNaN.count == layers.count - 1,
              layers.allSatisfy({ $0.hazards.count == first.hazards.count && $0.hazards.allSatisfy { $0.count == first.hazards.first?.count } })
        else { throw ExposureError("holds sums of inconsistent shape (layers, hazards or classes)") }
        let population = try layer(first)
        let result = ZonalResult(hazardTotals: population.hazardTotals, populations: population.populations,
                                 validCellsInRegions: population.validCellsInRegions, negativeCells: population.negativeCells,
                                 groups: try layers.dropFirst().map(layer), chunkCount: chunkCount)
        return .init(result: result, undeclaredNaN: undeclaredNaN, groupUndeclaredNaN: groupUndeclaredNaN)
    }
}

/// What a manifest says of outputs merged from parts: which part files, made by which commands.
public struct MergedParts: Encodable, Sendable {
    let parts: Int
    let files: [String]
    let partCommandLines: [[String]]

    init(_ parts: [(path: String, partial: PartialResult)]) {
        self.parts = parts.count
        files = parts.map(\.path)
        partCommandLines = parts.map(\.partial.commandLine)
    }
}

/// `exposure analyze --part I/N` and `exposure merge`.
public enum PartsAndMerge {
    /// Parses "I/N" (0 <= I < N).
    public static func parsePart(_ text: String) throws -> (part: Int, parts: Int) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let i = Int(pieces[0]), let n = Int(pieces[1]), n >= 1, n <= 100_000, i >= 0, i < n else {
            throw ExposureError("--part takes I/N with 0 <= I < N, e.g. --part 0/4 ... --part 3/4 (got '\(text)')")
        }
        return (i, n)
    }

    /// Runs part `part` of `parts` of an analysis and writes its partial result.
    public static func runPart(_ options: AnalysisOptions, part: Int, parts: Int, partialPath: String, commandLine: [String],
                               outputs: OutputSet, progress: ProgressReport? = nil) throws -> (chunks: Range<Int>, of: Int, warnings: [String]) {
        var prepared = try ExposureAnalysis.prepare(options)
        prepared.chunk(forParts: parts)
        guard parts <= prepared.engine.chunks.count else {
            throw ExposureError("--part \(part)/\(parts): the regions cover only \(prepared.engine.chunks.count) chunk(s) of the population grid, so at most \(prepared.engine.chunks.count) parts")
        }
        let range = prepared.engine.partRange(part: part, of: parts)
        let pass = try prepared.pass(chunks: range, progress: progress)
        let partial = try PartialResult(options: options, part: part, parts: parts, chunkRange: range, chunking: prepared.chunking,
                                        chunkDigest: prepared.engine.chunkDigest, pass: pass, commandLine: commandLine)
        try ResultWriter.writeJSON(partial, to: partialPath, outputs: outputs)
        return (range, prepared.engine.chunks.count, prepared.warnings)
    }

    /// The files the parts were computed from (outputs may not overwrite them); parts that cannot be read
    /// name nothing here (merge reports them).
    public static func inputs(ofParts paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)),
                  let partial = try? JSONDecoder().decode(PartialResult.self, from: data) else { return [] }
            return partial.inputs.map(\.path)
        }
    }

    /// Which command the parts come from ("analyze" or "run"), from the first readable part.
    public static func kind(ofParts paths: [String]) throws -> String {
        try read(paths[0]).kind
    }

    static func read(_ path: String) throws -> PartialResult {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExposureError("cannot read the partial result (\(OutputSet.reason(error)))", path: path)
        }
        do {
            let partial = try JSONDecoder().decode(PartialResult.self, from: data)
            guard partial.format == PartialResult.formatName else {
                throw ExposureError("is a partial result of format '\(partial.format)', not \(PartialResult.formatName)", path: path)
            }
            return partial
        } catch let error as ExposureError {
            throw error
        } catch let error as DecodingError {
            let problem: String
            switch error {
            case .keyNotFound(let key, _): problem = "no '\(key.stringValue)'"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let at = context.codingPath.map(\.stringValue).joined(separator: ".")
                problem = at.isEmpty ? context.debugDescription : "'\(at)': \(context.debugDescription)"
            @unknown default: problem = "\(error)"
            }
            throw ExposureError("is not a partial result of exposure analyze or run --part of this version (\(problem))", path: path)
        } catch {
            throw ExposureError("cannot be read as a partial result (\(error))", path: path)
        }
    }

    /// The parts, checked to come from one command on the same inputs and split, each once, in part order.
    static func checkedParts(_ paths: [String]) throws -> [(path: String, partial: PartialResult)] {
        guard !paths.isEmpty else { throw ExposureError("merge needs the partial results to add up") }
        let partials = try paths.map { (path: $0, partial: try read($0)) }
        let first = partials[0]
        for (path, partial) in partials.dropFirst() {
            if partial.kind != first.partial.kind || partial.options != first.partial.options
                || partial.scenarioFile != first.partial.scenarioFile || partial.unknownThreshold != first.partial.unknownThreshold {
                throw ExposureError("comes from another analysis than \(first.path) (other inputs or parameters): only parts of the same command can be merged", path: path)
            }
            if partial.inputs != first.partial.inputs {
                let differing = zip(partial.inputs, first.partial.inputs).filter { $0 != $1 }.map(\.0.path)
                throw ExposureError("was computed from other input files than \(first.path) (different size or SHA-256: \(RegionSet.list(differing, limit: 3)))", path: path)
            }
            if partial.parts != first.partial.parts || partial.chunkCount != first.partial.chunkCount || partial.chunking != first.partial.chunking
                || partial.chunkDigest != first.partial.chunkDigest {
                throw ExposureError("is part \(partial.part) of \(partial.parts), \(first.path) part \(first.partial.part) of \(first.partial.parts): parts of different splits cannot be merged", path: path)
            }
        }
        let count = first.partial.parts
        guard (1...100_000).contains(count) else { throw ExposureError("names \(count) parts", path: first.path) }
        var byPart = [String?](repeating: nil, count: count)
        for (path, partial) in partials {
            guard partial.part >= 0, partial.part < count else { throw ExposureError("names part \(partial.part) of \(count)", path: path) }
            if let other = byPart[partial.part] {
                throw ExposureError("part \(partial.part) of \(count) is given twice: \(other) and \(path)")
            }
            byPart[partial.part] = path
        }
        let missing = byPart.indices.filter { byPart[$0] == nil }
        if !missing.isEmpty {
            throw ExposureError("part(s) \(missing.map(String.init).joined(separator: ", ")) of \(count) are missing: run `exposure \(first.partial.kind) ... --part I/\(count)` for them and give every part to merge")
        }
        // The inputs must still be the files the parts read.
        let now = try PartialResult.fingerprints(first.partial.inputs.map { ($0.role, $0.path) })
        if let changed = zip(now, first.partial.inputs).first(where: { $0 != $1 }) {
            throw ExposureError("has changed since the parts were computed (size or SHA-256 differs): run the parts again", path: changed.0.path)
        }
        return partials.sorted { $0.partial.part < $1.partial.part }
    }

    /// The parts' sums added in part order, each checked against the chunks its part should hold.
    static func sum(_ parts: [(path: String, partial: PartialResult)], chunkRanges: (Int, Int) -> Range<Int>,
                    regionCount: Int) throws -> ExposureAnalysis.Prepared.Pass {
        var total: ExposureAnalysis.Prepared.Pass?
        for (path, partial) in parts {
            let expected = chunkRanges(partial.part, partial.parts)
            guard partial.chunkRange == [expected.lowerBound, expected.upperBound] else {
                throw ExposureError("holds chunks \(partial.chunkRange) where part \(partial.part) of \(partial.parts) is \(expected)", path: path)
            }
            let pass: ExposureAnalysis.Prepared.Pass
            do { pass = try partial.pass(regionCount: regionCount) } catch let error as ExposureError {
                throw ExposureError(error.message, path: path)
            }
            total = total.map { sum in
                .init(result: sum.result.adding(pass.result), undeclaredNaN: sum.undeclaredNaN + pass.undeclaredNaN,
                      groupUndeclaredNaN: zip(sum.groupUndeclaredNaN, pass.groupUndeclaredNaN).map { $0 + $1 })
            } ?? pass
        }
        return total!
    }

    /// Runs part `part` of `parts` of a scenario run and writes its partial result.
    public static func runPart(_ file: ScenarioFile, part: Int, parts: Int, threads: Int, unknownThreshold: Double, partialPath: String,
                               commandLine: [String], outputs: OutputSet,
                               progress: ProgressReport? = nil) throws -> (chunks: Range<Int>, of: Int, warnings: [String]) {
        let (pass, range, count, chunking, digest, warnings) = try ScenarioRun.runPart(file, part: part, parts: parts, threads: threads,
                                                                                        outputs: outputs, progress: progress)
        let partial = try PartialResult(run: file, unknownThreshold: unknownThreshold, part: part, parts: parts, chunkRange: range,
                                        chunking: chunking, chunkDigest: digest, pass: pass, commandLine: commandLine)
        try ResultWriter.writeJSON(partial, to: partialPath, outputs: outputs)
        return (range, count, warnings)
    }

    /// The scenario file of run parts (for the outputs to declare).
    public static func scenarioFile(ofParts paths: [String]) throws -> ScenarioFile {
        let partial = try read(paths[0])
        guard partial.kind == "run", let path = partial.scenarioFile else {
            throw ExposureError("holds the parts of an analysis: merge it with --output and/or --csv", path: paths[0])
        }
        return try ScenarioFile.load(path)
    }

    /// Reads, checks and adds the parts of a run and writes the run's outputs into `outputDirectory`.
    public static func mergeRun(_ paths: [String], outputDirectory: String, threads: Int, commandLine: [String],
                                outputs: OutputSet) throws -> ScenarioRun.Report {
        let parts = try checkedParts(paths)
        let first = parts[0].partial
        guard first.kind == "run", let path = first.scenarioFile else {
            throw ExposureError("holds the parts of an analysis: merge it with --output and/or --csv", path: parts[0].path)
        }
        let file = try ScenarioFile.load(path)
        return try ScenarioRun.run(file, outputDirectory: outputDirectory, threads: threads, commandLine: commandLine,
                                   unknownThreshold: first.unknownThreshold ?? AnalysisOptions.defaultUnknownThreshold,
                                   outputs: outputs, progress: nil,
                                   parts: .init(parts: parts, chunkCount: first.chunkCount, chunking: first.chunking))
    }

    /// Reads, checks and adds the parts of an analysis; returns the analysis a single run would have given.
    public static func merge(_ paths: [String], threads: Int) throws -> AnalysisResult {
        let parts = try checkedParts(paths)
        let first = parts[0]
        guard first.partial.kind == "analyze", let partOptions = first.partial.options else {
            throw ExposureError("holds the parts of a scenario run: merge it with --output-dir", path: first.path)
        }
        let options = try partOptions.analysisOptions(threads: threads)
        var prepared = try ExposureAnalysis.prepare(options)
        if first.partial.chunking != nil { prepared.use(first.partial.chunking) }
        guard prepared.engine.chunks.count == first.partial.chunkCount, prepared.engine.chunkDigest == first.partial.chunkDigest else {
            throw ExposureError("the grid now splits into \(prepared.engine.chunks.count) chunks, the parts into \(first.partial.chunkCount): this build of exposure chunks the grid differently; run the parts with the same version")
        }
        let engine = prepared.engine
        let total = try sum(parts, chunkRanges: { engine.partRange(part: $0, of: $1) }, regionCount: prepared.regions.count)
        var result = try prepared.finish(total)
        result.mergedFrom = MergedParts(parts)
        return result
    }
}
