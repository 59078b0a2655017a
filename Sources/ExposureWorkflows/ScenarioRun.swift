import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import Synchronization
import GDALSwift

/// `exposure run`: every scenario and return period of a scenario file in one pass over the population,
/// then the average annual figures (AAE, AAD), probable maximum displacement per return period, and the
/// change of each scenario against the first.
public enum ScenarioRun {
    /// One hazard raster of the run: which scenario and return period it stands for.
    struct HazardLayer {
        let scenario: Int
        let period: Int
        let plan: HazardPlan
        let generated: (dem: String, level: Double)?
        var input: RasterInput { plan.input }
        var mode: HazardSamplingMode { plan.mode }
    }

    /// Per region set: regions and their figures, [scenario][return period][region].
    public struct RegionSetResult {
        public let label: String
        public let regions: RegionSet
        public let populations: [Double]
        public let figures: [[[RegionFigures]]]
        /// Population groups (rasters first, then ratios), with their figures by scenario and return period.
        public var groups: [GroupSeries] = []
    }

    /// One population group's people per region, and its exposed and displaced people [scenario][period][region]
    /// (two numbers where a full RegionFigures would be many: runs may have dozens of groups and hazards).
    public struct GroupSeries: Sendable {
        public let name: String
        /// Where its people come from, for column meanings.
        public let origin: String
        public let populations: [Double]
        public let exposed: [[[Double]]]
        public let displaced: [[[Double]]]
    }

    public struct Report {
        public let file: ScenarioFile
        public let outputDirectory: String
        public let sets: [RegionSetResult]
        public let outputs: [String]
        public let warnings: [String]
        public let seconds: Double
        /// Scenario totals of the first region set: (scenario, population, AAE, AAD, PMD per return period).
        public let totals: [(scenario: String, population: Double, aae: Double, aad: Double, pmd: [Double])]
        /// Per region set, the regions whose hazard is unknown for more than `unknownThreshold` of their people
        /// in some scenario and return period.
        public let incompleteRegions: [(set: String, regions: [String])]
        public let unknownThreshold: Double
    }

    /// Every file a scenario file reads.
    public static func inputs(of file: ScenarioFile) -> [String] {
        var paths = [file.path]
        switch file.population {
        case .raster(let path, _): paths.append(path)
        case .census(let census): paths += [census.file] + [census.like, census.mask].compactMap { $0 }
        }
        paths += file.groupRasters.map(\.path) + [file.groupRatios, file.needs?.profile].compactMap { $0 }
        paths += file.regions.map(\.file)
        for scenario in file.scenarios {
            switch scenario.source {
            case .rasters(let list): paths += list
            case .inundation(let spec): paths += [spec.dem] + [spec.seaMask].compactMap { $0 }
            }
        }
        return paths
    }

    /// The parts of `run --part` to merge, checked to belong together (``PartsAndMerge/checkedParts(_:)``).
    struct Parts {
        let parts: [(path: String, partial: PartialResult)]
        let chunkCount: Int
        let chunking: ExposureAnalysis.Prepared.Chunking?
    }

    /// Part `part` of `parts` of a run's pass: the sums over its chunks (`run --part I/N`). The population and
    /// every hazard must be rasters: parts do not grid census counts or generate inundation (each part would
    /// redo it); make them first with `exposure grid` and `exposure inundate`.
    static func runPart(_ file: ScenarioFile, part: Int, parts: Int, threads: Int, outputs: OutputSet,
                        progress: ProgressReport?) throws -> (pass: ExposureAnalysis.Prepared.Pass, range: Range<Int>, chunkCount: Int,
                                                               chunking: ExposureAnalysis.Prepared.Chunking?, chunkDigest: String,
                                                               warnings: [String]) {
        if case .census = file.population {
            throw ExposureError("--part: the population is census counts, which each part would grid again: grid them once with `exposure grid` and give the raster as population.raster", path: file.path)
        }
        if let scenario = file.scenarios.first(where: { if case .inundation = $0.source { return true } else { return false } }) {
            throw ExposureError("--part: scenario '\(scenario.name)' generates its inundation, which each part would do again: make the depths once with `exposure inundate` and list them under return_periods", path: file.path)
        }
        var run = Steps(file: file, layout: Layout(directory: "", file: file), outputs: outputs)
        let (population, _) = try run.population()
        let sets = try run.regionSets(on: population)
        let layers = try run.hazards(on: population)
        let groupPlan = try run.groups(on: population)
        var engine = try run.engine(population: population, sets: sets, layers: layers, groups: groupPlan)
        var chunking: ExposureAnalysis.Prepared.Chunking?
        if engine.chunks.count < 2 * parts {
            chunking = .init(targetCells: max(64, population.grid.cellCount / (8 * parts)), blockWidth: 1, blockHeight: 1)
            engine = try run.engine(population: population, sets: sets, layers: layers, groups: groupPlan, chunking: chunking)
        }
        guard parts <= engine.chunks.count else {
            throw ExposureError("--part \(part)/\(parts): the regions cover only \(engine.chunks.count) chunk(s) of the population grid, so at most \(engine.chunks.count) parts")
        }
        let range = engine.partRange(part: part, of: parts)
        let pass = try run.sums(engine: engine, population: population, layers: layers, groups: groupPlan, range: range,
                                threads: threads, progress: progress)
        return (pass, range, engine.chunks.count, chunking, engine.chunkDigest, run.warnings)
    }

    /// The output folder's layout: the gridded census, generated hazards, per region set its tables.
    struct Layout {
        let directory: String
        let file: ScenarioFile

        func path(_ components: String...) -> String {
            components.reduce(directory) { ($0 as NSString).appendingPathComponent($1) }
        }
        var populationRaster: String { path("population.tif") }
        var hazardsFolder: String { path("hazards") }
        func hazard(scenario: String, years: Double) -> String { path("hazards", "\(scenario)_rp\(formatYears(years)).tif") }
        func folder(ofSet label: String) -> String { file.regions.count == 1 ? directory : path(label) }
        /// by_return_period.csv, annual.csv, regions.geojson.
        func tables(ofSet label: String) -> [String] {
            ["by_return_period.csv", "annual.csv", "regions.geojson"].map { (folder(ofSet: label) as NSString).appendingPathComponent($0) }
        }
        /// The tables with their sidecars (.csvt, .qml).
        func files(ofSet label: String) -> [String] {
            let t = tables(ofSet: label)
            return [t[0], ResultWriter.csvtPath(for: t[0]), t[1], ResultWriter.csvtPath(for: t[1]), t[2], ResultWriter.stylePath(for: t[2])]
        }
        var manifest: String { path("run.json") }
    }

    /// Declares every output of the run (before any work starts, so a conflict stops it at once) and
    /// creates the folders they go in (removed again if the run fails).
    public static func declareOutputs(of file: ScenarioFile, in outputs: OutputSet, directory: String) throws {
        let layout = Layout(directory: directory, file: file)
        if case .census = file.population { try outputs.addRaster(layout.populationRaster, role: "the gridded census") }
        for scenario in file.scenarios {
            guard case .inundation = scenario.source else { continue }
            try outputs.createFolder(layout.hazardsFolder)
            for years in scenario.returnPeriods.years {
                try outputs.addRaster(layout.hazard(scenario: scenario.name, years: years), role: "the inundation of '\(scenario.name)'")
            }
        }
        for set in file.regions {
            try outputs.createFolder(layout.folder(ofSet: set.label))
            for path in layout.files(ofSet: set.label) { try outputs.add(path, role: "an output of region set '\(set.label)'") }
        }
        try outputs.add(layout.manifest, role: "run.json")
    }

    public static func run(_ file: ScenarioFile, outputDirectory: String, threads: Int, commandLine: [String],
                           unknownThreshold: Double = AnalysisOptions.defaultUnknownThreshold,
                           outputs outputSet: OutputSet, progress: ProgressReport? = nil) throws -> Report {
        try run(file, outputDirectory: outputDirectory, threads: threads, commandLine: commandLine, unknownThreshold: unknownThreshold,
                outputs: outputSet, progress: progress, parts: nil)
    }

    /// A run whose pass is the sum of `parts` when given (the parts of `run --part`, checked by merge), else computed.
    static func run(_ file: ScenarioFile, outputDirectory: String, threads: Int, commandLine: [String], unknownThreshold: Double,
                    outputs outputSet: OutputSet, progress: ProgressReport?, parts: Parts?) throws -> Report {
        // run.json's checksums, hashed while the regions are read and the pass planned.
        ChecksumPrefetch.shared.start(inputs(of: file))
        var run = Steps(file: file, layout: Layout(directory: outputDirectory, file: file), outputs: outputSet)
        let (population, census) = try run.population()
        let sets = try run.regionSets(on: population)
        let layers = try run.hazards(on: population)
        let groupPlan = try run.groups(on: population)
        let result: ZonalResult
        if let parts {
            let engine = try run.engine(population: population, sets: sets, layers: layers, groups: groupPlan, chunking: parts.chunking)
            guard engine.chunks.count == parts.chunkCount, engine.chunkDigest == parts.parts[0].partial.chunkDigest else {
                throw ExposureError("the grid now splits into \(engine.chunks.count) chunks, the parts into \(parts.chunkCount): run the parts again with this version", path: file.path)
            }
            let pass = try PartsAndMerge.sum(parts.parts, chunkRanges: { engine.partRange(part: $0, of: $1) },
                                             regionCount: sets.reduce(0) { $0 + $1.regions.count })
            result = pass.result
            try run.checkPass(result, population: population, sets: sets, layers: layers, groups: groupPlan,
                              undeclaredNaN: pass.undeclaredNaN, groupUndeclaredNaN: pass.groupUndeclaredNaN)
        } else {
            result = try run.pass(population: population, sets: sets, layers: layers, groups: groupPlan, threads: threads, progress: progress)
        }
        let results = try run.figures(result, sets: sets, layers: layers, groups: groupPlan)
        let (written, incomplete) = try run.write(results, layers: layers, needs: groupPlan.needs, unknownThreshold: unknownThreshold,
                                                     threads: threads)
        let totals = totalsOfFirstSet(results, file: file)
        try run.writeManifest(population: population, census: census, sets: results, layers: layers, groups: groupPlan, totals: totals,
                              written: written, incomplete: incomplete, unknownThreshold: unknownThreshold, commandLine: commandLine,
                              mergedFrom: parts.map { MergedParts($0.parts) })
        return Report(file: file, outputDirectory: outputDirectory, sets: results, outputs: written + [run.layout.manifest],
                      warnings: run.warnings, seconds: Date().timeIntervalSince(run.start), totals: totals,
                      incompleteRegions: incomplete, unknownThreshold: unknownThreshold)
    }

    /// The steps of a run, in order, sharing what they found: warnings and timings.
    struct Steps {
        let file: ScenarioFile
        let layout: Layout
        let outputs: OutputSet
        let start = Date()
        var warnings: [String]
        var timings: [String: Double] = [:]

        init(file: ScenarioFile, layout: Layout, outputs: OutputSet) {
            self.file = file
            self.layout = layout
            self.outputs = outputs
            warnings = file.warnings
        }

        mutating func lap(_ name: String, since: Date) { timings[name] = (Date().timeIntervalSince(since) * 1000).rounded() / 1000 }

        /// The population raster, or census counts gridded first (into the output folder).
        mutating func population() throws -> (RasterInput, CensusGridReport?) {
            switch file.population {
            case .raster(let path, let band):
                return (try RasterInput(path: path, band: band, assumeCRS: file.assumeCRS, role: "population"), nil)
            case .census(let spec):
                let gridStart = Date()
                var options = CensusGridOptions(censusPath: spec.file, countField: spec.count, outputPath: layout.populationRaster)
                options.layer = spec.layer
                options.likePath = spec.like
                options.resolution = spec.resolution
                options.crs = spec.crs
                options.maskPath = spec.mask
                options.resolutionName = "\(file.path):\(spec.line) (census resolution)"
                options.assumeCRS = file.assumeCRS
                let report = try CensusGridding.run(options, outputs: outputs)
                warnings += report.warnings
                lap("census_to_grid", since: gridStart)
                // Read back from where it was written; it is renamed into place with the other outputs.
                let staged = try outputs.temporaryPath(for: options.outputPath)
                return (try RasterInput(path: staged, band: 1, assumeCRS: file.assumeCRS, role: "population"), report)
            }
        }

        /// Every region set, transformed to the population grid's CRS (all go through the same pass).
        mutating func regionSets(on population: RasterInput) throws -> [(spec: ScenarioFile.Regions, regions: RegionSet)] {
            let populationCRS = try population.spatialReference()
            var sets: [(spec: ScenarioFile.Regions, regions: RegionSet)] = []
            for spec in file.regions {
                var regions = try RegionSet(path: spec.file, layer: spec.layer, idField: spec.id, nameField: spec.name,
                                            targetCRS: populationCRS,
                                            targetCellSize: min(population.grid.transform.cellWidth, population.grid.transform.cellHeight),
                                            assumeCRS: file.assumeCRS)
                if spec.dissolve { regions = try regions.dissolved() }
                warnings += regions.warnings
                sets.append((spec, regions))
            }
            return sets
        }

        /// One plan per hazard raster: given, or inundation depths generated into DIR/hazards/.
        mutating func hazards(on population: RasterInput) throws -> [HazardLayer] {
            let hazardStart = Date()
            let populationCRS = try population.spatialReference()
            var layers: [HazardLayer] = []
            for (s, scenario) in file.scenarios.enumerated() {
                var paths: [String] = []
                var generated: [(String, Double)?] = []
                switch scenario.source {
                case .rasters(let list):
                    paths = list
                    generated = list.map { _ in nil }
                case .inundation(let spec):
                    var options = InundationOptions(demPath: spec.dem, seaLevel: spec.seaLevel, outputPath: "")
                    options.seaEdges = spec.seaEdges
                    options.seaMaskPath = spec.seaMask
                    options.assumeCRS = file.assumeCRS
                    let levels = zip(scenario.returnPeriods.years, spec.surge).map { years, surge in
                        (spec.seaLevel + surge, layout.hazard(scenario: scenario.name, years: years))
                    }
                    let reports = try InundationMapping.run(options, levels: levels, outputs: outputs)
                    warnings += reports.flatMap(\.warnings)
                    paths = try levels.map { try outputs.temporaryPath(for: $0.1) }
                    generated = levels.map { (spec.dem, $0.0) }
                }
                for (p, path) in paths.enumerated() {
                    let input = try RasterInput(path: path, band: file.hazardBand, assumeCRS: file.assumeCRS, role: "hazard")
                    let plan = try HazardPlan(hazard: input, classes: file.classes, population: population.grid,
                                              populationCRS: populationCRS, populationWKT: population.crsWKT)
                    layers.append(HazardLayer(scenario: s, period: p, plan: plan, generated: generated[p]))
                }
            }
            lap("hazards", since: hazardStart)
            return layers
        }

        /// The population groups and needs of the file, checked before the pass.
        mutating func groups(on population: RasterInput) throws -> GroupPlan {
            let plan = try GroupPlan(rasters: file.groupRasters, ratiosPath: file.groupRatios, needsPath: file.needs?.profile,
                                     hasHazard: true, assumeCRS: file.assumeCRS, population: population)
            warnings += plan.warnings
            return plan
        }

        /// The engine of the run's pass: every region set's regions on the population grid, every hazard raster
        /// and group; `chunking` when the parts of a small grid needed finer chunks.
        func engine(population: RasterInput, sets: [(spec: ScenarioFile.Regions, regions: RegionSet)], layers: [HazardLayer],
                    groups: GroupPlan, chunking: ExposureAnalysis.Prepared.Chunking? = nil) throws -> ZonalEngine {
            let shapes = sets.flatMap { $0.regions.polygons.map { RegionShape(polygons: $0, grid: population.grid) } }
            if shapes.isEmpty || shapes.allSatisfy({ $0.cellWindow.isEmpty }) {
                throw ExposureError("no region overlaps the population grid", path: file.regions[0].file)
            }
            if let chunking {
                return ZonalEngine(grid: population.grid, regions: shapes, classes: file.classes, hazardCount: layers.count,
                                   groupCount: groups.rasters.count, blockSize: (chunking.blockWidth, chunking.blockHeight),
                                   targetChunkCells: chunking.targetCells)
            }
            return ZonalEngine(grid: population.grid, regions: shapes, classes: file.classes, hazardCount: layers.count,
                               groupCount: groups.rasters.count, blockSize: population.blockSize,
                               targetChunkCells: min(ZonalEngine.defaultChunkCells(layers: 1 + groups.rasters.count),
                                                     max(1 << 16, (1 << 20) / max(1, layers.count / 8))))
        }

        /// The pass over `range` of the engine's chunks (all by default), with what the readers counted.
        func sums(engine: ZonalEngine, population: RasterInput, layers: [HazardLayer], groups: GroupPlan, range: Range<Int>?,
                  threads: Int, progress: ProgressReport?) throws -> ExposureAnalysis.Prepared.Pass {
            let plans = layers.map(\.plan)
            let nanCount = UndeclaredNaNCount()
            let chunks = engine.chunks[range ?? engine.chunks.indices]
            let blocks = plans.map { $0.codeBlocks(chunks: chunks, budgetBytes: HazardPlan.codeBudget(hazards: plans.count)) }
            let cache = ExposureAnalysis.streamingCacheBytes(hazards: blocks.filter { $0 == nil }.count)
            let result = try GDALEnvironment.withCacheSize(bytes: cache) { try engine.run(
                threads: threads, chunks: range,
                makeInputs: {
                    WorkerInputs(population: try GDALPopulationReader(population, nanCount: nanCount), groups: try groups.readers(),
                                 hazards: try zip(plans, blocks).map { try $0.makeSampler(blocks: $1) })
                },
                progress: { done, total in progress?(Double(done) / Double(max(total, 1))) }) }
            return .init(result: result, undeclaredNaN: nanCount.value, groupUndeclaredNaN: groups.nanCounts.map(\.value))
        }

        /// One pass: every hazard raster read once, coverage computed once for all of them (and for every group).
        mutating func pass(population: RasterInput, sets: [(spec: ScenarioFile.Regions, regions: RegionSet)], layers: [HazardLayer],
                           groups: GroupPlan, threads: Int, progress: ProgressReport?) throws -> ZonalResult {
            let passStart = Date()
            let engine = try engine(population: population, sets: sets, layers: layers, groups: groups)
            let pass = try sums(engine: engine, population: population, layers: layers, groups: groups, range: nil,
                                threads: threads, progress: progress)
            lap("zonal_pass", since: passStart)
            try checkPass(pass.result, population: population, sets: sets, layers: layers, groups: groups,
                          undeclaredNaN: pass.undeclaredNaN, groupUndeclaredNaN: pass.groupUndeclaredNaN)
            return pass.result
        }

        /// What a complete pass must satisfy, and what to say about it.
        mutating func checkPass(_ result: ZonalResult, population: RasterInput, sets: [(spec: ScenarioFile.Regions, regions: RegionSet)],
                                layers: [HazardLayer], groups: GroupPlan, undeclaredNaN: Int, groupUndeclaredNaN: [Int]) throws {
            let populationName = outputs.publicText(population.path)
            try PassChecks.checkSums(result, regionIDs: sets.flatMap(\.regions.ids), populationPath: populationName)
            try groups.checkSums(result, regionIDs: sets.flatMap(\.regions.ids))
            if let warning = PassChecks.nanWarning(undeclaredNaN, path: populationName) { warnings.append(warning) }
            if result.validCellsInRegions == 0 {
                throw ExposureError("the population raster has no data (only nodata) inside the regions", path: outputs.publicText(population.path))
            }
            warnings += HazardPlan.unknownWarnings(layers.map(\.plan), totals: result.hazardTotals)
            warnings += groups.passWarnings(result, populations: result.populations, regionIDs: sets.flatMap(\.regions.ids),
                                            undeclaredNaN: groupUndeclaredNaN)
        }

        /// Figures per region set, scenario, return period and region.
        func figures(_ result: ZonalResult, sets: [(spec: ScenarioFile.Regions, regions: RegionSet)], layers: [HazardLayer],
                     groups: GroupPlan) throws -> [RegionSetResult] {
            var results: [RegionSetResult] = []
            var offset = 0
            for (spec, regions) in sets {
                let range = offset..<(offset + regions.count)
                var figures: [[[RegionFigures]]] = file.scenarios.map { s in s.returnPeriods.years.map { _ in [] } }
                for (h, layer) in layers.enumerated() {
                    figures[layer.scenario][layer.period] = range.map { RegionFigures(totals: result.hazardTotals[h][$0], classes: file.classes) }
                }
                var set = RegionSetResult(label: spec.label, regions: regions, populations: Array(result.populations[range]), figures: figures)
                set.groups = try groupSeries(result, range: range, set: set, layers: layers, groups: groups)
                results.append(set)
                offset += regions.count
            }
            return results
        }

        /// Each group's figures over one region set: summed by the pass (rasters) or shares of the set's (ratios).
        func groupSeries(_ result: ZonalResult, range: Range<Int>, set: RegionSetResult, layers: [HazardLayer],
                         groups: GroupPlan) throws -> [GroupSeries] {
            func empty() -> [[[Double]]] { file.scenarios.map { s in s.returnPeriods.years.map { _ in [] } } }
            var series: [GroupSeries] = []
            for (g, raster) in groups.rasters.enumerated() {
                var exposed = empty(), displaced = empty()
                for (h, layer) in layers.enumerated() {
                    let figures = range.map { RegionFigures(totals: result.groups[g].hazardTotals[h][$0], classes: file.classes) }
                    exposed[layer.scenario][layer.period] = figures.map(\.exposed)
                    displaced[layer.scenario][layer.period] = figures.map(\.displaced)
                }
                series.append(GroupSeries(name: raster.name, origin: "from the group raster \((raster.input.path as NSString).lastPathComponent)",
                                          populations: Array(result.groups[g].populations[range]), exposed: exposed, displaced: displaced))
            }
            if let ratios = groups.ratios {
                let shares = try ratios.shares(regionIDs: set.regions.ids)
                for (g, name) in ratios.groups.enumerated() {
                    let share = shares[g]
                    series.append(GroupSeries(
                        name: name, origin: "share of the region's figure given by \((ratios.path as NSString).lastPathComponent)",
                        populations: zip(set.populations, share).map { $0 * $1 },
                        exposed: set.figures.map { $0.map { zip($0, share).map { $0.exposed * $1 } } },
                        displaced: set.figures.map { $0.map { zip($0, share).map { $0.displaced * $1 } } }))
                }
            }
            return series
        }

        /// The tables of every region set; returns the files written (generated rasters included) and, per
        /// set, the regions with incomplete hazard data.
        mutating func write(_ results: [RegionSetResult], layers: [HazardLayer], needs: NeedsProfile?,
                            unknownThreshold: Double, threads: Int) throws -> ([String], [(set: String, regions: [String])]) {
            let writeStart = Date()
            var written: [String] = []
            var incomplete: [(set: String, regions: [String])] = []
            if case .census = file.population { written += [layout.populationRaster, RasterStyle.sidecarPath(for: layout.populationRaster)] }
            for layer in layers where layer.generated != nil {
                let path = outputs.publicText(layer.input.path)
                written += [path, RasterStyle.sidecarPath(for: path)]
            }
            for set in results {
                let paths = layout.tables(ofSet: set.label)
                let byReturnPeriod = try byReturnPeriodTable(set, file: file), annual = try annualTable(set, file: file, needs: needs)
                // The CSVs' text is made on another thread while GDAL writes the GeoJSON (in parts, one per thread).
                let texts = Mutex<(String, String)?>(nil)
                let made = DispatchGroup()
                DispatchQueue.global().async(group: made) {
                    let both = (ResultWriter.csvText(byReturnPeriod), ResultWriter.csvText(annual))
                    texts.withLock { $0 = both }
                }
                defer { made.wait() }
                let regions = try regionsTable(set, file: file, needs: needs)
                // The default style shows the first scenario's AAD per 100k, hatched where any hazard raster is incomplete.
                let style = LayerStyle(table: regions, headline: "\(file.scenarios[0].identifier)_aad_per_100k", unknownThreshold: unknownThreshold)
                try ResultWriter.writeVector(regions, regions: set.regions, to: paths[2], style: style, threads: threads, outputs: outputs)
                made.wait()
                let (byReturnPeriodText, annualText) = texts.withLock { $0! }
                try ResultWriter.writeCSV(byReturnPeriod, to: paths[0], outputs: outputs, text: byReturnPeriodText)
                try ResultWriter.writeCSV(annual, to: paths[1], outputs: outputs, text: annualText)
                written += layout.files(ofSet: set.label)
                incomplete.append((set.label, (0..<set.regions.count).filter {
                    worstUnknownShare(set, region: $0, scenarios: Array(file.scenarios.indices)) > unknownThreshold
                }.map { set.regions.ids[$0] }))
            }
            lap("writing", since: writeStart)
            return (written, incomplete)
        }

        /// run.json, last: it lists every other output.
        mutating func writeManifest(population: RasterInput, census: CensusGridReport?, sets: [RegionSetResult], layers: [HazardLayer],
                                    groups: GroupPlan, totals: [(scenario: String, population: Double, aae: Double, aad: Double, pmd: [Double])],
                                    written: [String], incomplete: [(set: String, regions: [String])], unknownThreshold: Double,
                                    commandLine: [String], mergedFrom: MergedParts?) throws {
            warnings = warnings.map(outputs.publicText)
            timings["total"] = (Date().timeIntervalSince(start) * 1000).rounded() / 1000
            let series = sets.first?.groups ?? []
            let columns: [String: [ResultColumn]] = [
                "by_return_period.csv": byReturnPeriodColumns + groupColumns(series, prefix: ""),
                "annual.csv": annualTableColumns(file, groups: series, needs: groups.needs),
                "regions.geojson": regionsColumns(file, groups: series, needs: groups.needs),
            ]
            try RunManifest.write(file: file, population: population, census: census, sets: sets, layers: layers, groups: groups,
                                  totals: totals, outputs: written + [layout.manifest], columns: columns, unknownThreshold: unknownThreshold,
                                  incompleteRegions: incomplete, warnings: warnings, timings: timings,
                                  commandLine: commandLine, mergedFrom: mergedFrom, to: layout.manifest, outputSet: outputs)
        }
    }

    /// Each scenario's total population, AAE, AAD and displaced by return period, over the first region set.
    static func totalsOfFirstSet(_ results: [RegionSetResult], file: ScenarioFile) -> [(scenario: String, population: Double, aae: Double, aad: Double, pmd: [Double])] {
        file.scenarios.enumerated().map { s, scenario in
            let set = results[0]
            let exposed = set.figures[s].map { $0.reduce(0) { $0 + $1.exposed } }
            let displaced = set.figures[s].map { $0.reduce(0) { $0 + $1.displaced } }
            return (scenario.name, set.populations.reduce(0, +), scenario.returnPeriods.averageAnnual(exposed),
                    scenario.returnPeriods.averageAnnual(displaced), displaced)
        }
    }

    /// One row per region, scenario and return period.
    static func byReturnPeriodTable(_ set: RegionSetResult, file: ScenarioFile) throws -> ResultTable {
        var rows: [[FieldValue]] = []
        for r in 0..<set.regions.count {
            for (s, scenario) in file.scenarios.enumerated() {
                for (p, years) in scenario.returnPeriods.years.enumerated() {
                    let f = set.figures[s][p][r]
                    var row: [FieldValue] = [.string(set.regions.ids[r]), .string(set.regions.names[r]), .string(scenario.name),
                                             .string(formatYears(years)), .real(set.populations[r]), .real(f.exposed), .real(f.displaced),
                                             .real(f.hazardUnknown), .real(unknownShare(f.hazardUnknown, set.populations[r]))]
                    for group in set.groups {
                        row += [.real(group.populations[r]), .real(group.exposed[s][p][r]), .real(group.displaced[s][p][r])]
                    }
                    rows.append(row)
                }
            }
        }
        return try ResultTable(checkedColumns: byReturnPeriodColumns + groupColumns(set.groups, prefix: ""), rows: rows)
    }

    /// population_G, exposed_G, displaced_G of each group at one return period.
    static func groupColumns(_ groups: [GroupSeries], prefix: String) -> [ResultColumn] {
        groups.flatMap { group -> [ResultColumn] in
            [
                ResultColumn("population_\(group.name)", .people, "Population, \(group.name)", "people of the group '\(group.name)' in the region (\(group.origin))"),
                ResultColumn("exposed_\(group.name)", .people, "Exposed, \(group.name)", "people of the group '\(group.name)' in any hazard class at this return period (\(group.origin))"),
                ResultColumn("displaced_\(group.name)", .people, "Displaced (risk), \(group.name)", "sum over classes of rate(class) x exposed people of the group '\(group.name)' at this return period (\(group.origin))"),
            ]
        }
    }

    /// aad_G of each group, then needs_ITEM at the needs' return period.
    static func groupAnnualColumns(_ groups: [GroupSeries], needs: (NeedsProfile, Double)?, prefix: String) -> [ResultColumn] {
        var columns = groups.map { group in
            ResultColumn("\(prefix)aad_\(group.name)", .people, "AAD, \(group.name)", "average annual displacement of the group '\(group.name)' (\(group.origin))")
        }
        if let (profile, years) = needs {
            columns += ResultTable.needsColumns(profile).map { column in
                ResultColumn(prefix + column.name, column.kind, "\(column.title), \(formatYears(years))-year event",
                             "at the \(formatYears(years))-year return period's displacement (PMD): \(column.meaning)")
            }
        }
        return columns
    }

    /// The group and needs values of a region under a scenario (nil needs where it lacks the needs' return period).
    static func groupAnnualValues(_ set: RegionSetResult, region r: Int, scenario s: Int, file: ScenarioFile,
                                  needs: NeedsProfile?) -> [FieldValue] {
        let periods = file.scenarios[s].returnPeriods
        var values: [FieldValue] = set.groups.map { group in .real(periods.averageAnnual(group.displaced[s].map { $0[r] })) }
        if let needs, let years = file.needs?.returnPeriod {
            guard let p = periods.years.firstIndex(of: years) else { return values + needs.items.map { _ in .null } }
            for item in needs.items {
                let people = item.group.flatMap { name in set.groups.first { $0.name == name }?.displaced[s][p][r] } ?? set.figures[s][p][r].displaced
                values.append(.real(people * item.amount))
            }
        }
        return values
    }

    static let byReturnPeriodColumns: [ResultColumn] = [
        .regionID, .regionName, scenarioColumn,
        ResultColumn("return_period", .text, "Return period (years)", "the return period in years: the event has a 1/T chance of being exceeded each year"),
        .population,
        ResultColumn("exposed", .people, "Exposed", "people in any hazard class at this return period"),
        ResultColumn("displaced", .people, "Displaced (risk)", "sum over classes of rate(class) x exposed(class) at this return period"),
        ResultColumn("hazard_unknown", .people, "Hazard unknown", "people where this hazard raster is nodata or missing (neither exposed nor safe)"),
        .hazardUnknownShare,
    ]

    /// Every return period of any scenario, in increasing order (the pmd_<T> columns).
    static func allReturnPeriods(_ file: ScenarioFile) -> [Double] { allReturnPeriods(file.scenarios) }

    static func allReturnPeriods(_ scenarios: [ScenarioFile.Scenario]) -> [Double] {
        Array(Set(scenarios.flatMap(\.returnPeriods.years))).sorted()
    }

    /// Average annual figures of a region under a scenario: (AAE, AAD, PMD by return period).
    static func annual(_ set: RegionSetResult, region r: Int, scenario s: Int, file: ScenarioFile) -> (aae: Double, aad: Double, pmd: [Double: Double]) {
        let periods = file.scenarios[s].returnPeriods
        let exposed = set.figures[s].map { $0[r].exposed }, displaced = set.figures[s].map { $0[r].displaced }
        return (periods.averageAnnual(exposed), periods.averageAnnual(displaced), Dictionary(uniqueKeysWithValues: zip(periods.years, displaced)))
    }

    static let scenarioColumn = ResultColumn("scenario", .text, "Scenario", "the scenario's name in the scenario file")

    static func unknownShare(_ unknown: Double, _ population: Double) -> Double { population > 0 ? unknown / population : 0 }

    /// The largest share of a region's people with the hazard unknown, over the given scenarios' return periods.
    static func worstUnknownShare(_ set: RegionSetResult, region r: Int, scenarios: [Int]) -> Double {
        scenarios.flatMap { s in set.figures[s].map { unknownShare($0[r].hazardUnknown, set.populations[r]) } }.max() ?? 0
    }

    /// The annual figures of one scenario, named with `prefix` (the wide table prefixes the scenario's name).
    static func annualColumns(prefix: String, periods: [Double], change: Bool, scenario: String? = nil) -> [ResultColumn] {
        let columns = annualColumnsOfAnyScenario(prefix: prefix, periods: periods, change: change)
        guard let scenario else { return columns }
        // The wide table's names are identifiers: the scenario's own label goes into the title and meaning.
        return columns.map { ResultColumn($0.name, $0.kind, "\($0.title), \(scenario)", "scenario '\(scenario)': \($0.meaning)") }
    }

    private static func annualColumnsOfAnyScenario(prefix: String, periods: [Double], change: Bool) -> [ResultColumn] {
        var columns = [
            ResultColumn(prefix + "aae_exposed", .people, "Average annual exposure", "average annual exposure: people exposed a year, the area under the exceedance curve of exposed (docs/methodology.md)"),
            ResultColumn(prefix + "aad_displaced", .people, "Average annual displacement", "average annual displacement (AAD, a modelled risk): people displaced a year, sum (p_i - p_i+1)(D_i + D_i+1)/2 + p_n D_n with p = 1/T"),
            ResultColumn(prefix + "aad_per_100k", .per100k, "AAD per 100,000", "AAD per 100,000 inhabitants"),
        ]
        columns += periods.map {
            ResultColumn(prefix + "pmd_\(formatYears($0))", .people, "PMD \(formatYears($0)) years", "probable maximum displacement at the \(formatYears($0))-year return period: displaced by that event")
        }
        if change {
            columns += [
                ResultColumn(prefix + "aad_change", .people, "AAD change", "AAD minus the first scenario's AAD"),
                ResultColumn(prefix + "aad_change_pct", .percent, "AAD change (%)", "AAD change against the first scenario, in % of its AAD (empty where it is 0)"),
            ]
        }
        return columns
    }

    static func annualTableColumns(_ file: ScenarioFile, groups: [GroupSeries] = [], needs: NeedsProfile? = nil) -> [ResultColumn] {
        [.regionID, .regionName, scenarioColumn] + annualColumns(prefix: "", periods: allReturnPeriods(file), change: true)
            + [ResultColumn("hazard_unknown_share", .share, "Share with hazard unknown (worst)", "the largest hazard_unknown / population over the scenario's return periods: where it is above the incomplete-data threshold, the figures are lower bounds")]
            + groupAnnualColumns(groups, needs: needsAt(file, needs), prefix: "")
    }

    /// The needs profile with the return period it is computed at.
    static func needsAt(_ file: ScenarioFile, _ needs: NeedsProfile?) -> (NeedsProfile, Double)? {
        guard let needs, let years = file.needs?.returnPeriod else { return nil }
        return (needs, years)
    }

    static func annualTable(_ set: RegionSetResult, file: ScenarioFile, needs: NeedsProfile? = nil) throws -> ResultTable {
        let periods = allReturnPeriods(file)
        let columns = annualTableColumns(file, groups: set.groups, needs: needs)
        var rows: [[FieldValue]] = []
        for r in 0..<set.regions.count {
            let first = annual(set, region: r, scenario: 0, file: file)
            for (s, scenario) in file.scenarios.enumerated() {
                let a = annual(set, region: r, scenario: s, file: file)
                let population = set.populations[r]
                var row: [FieldValue] = [.string(set.regions.ids[r]), .string(set.regions.names[r]), .string(scenario.name),
                                         .real(a.aae), .real(a.aad), .real(population > 0 ? a.aad / population * 100_000 : 0)]
                row += periods.map { a.pmd[$0].map { .real($0) } ?? .null }
                if s == 0 {
                    row += [.null, .null]
                } else {
                    row += [.real(a.aad - first.aad), first.aad > 0 ? .real((a.aad - first.aad) / first.aad * 100) : .null]
                }
                row.append(.real(worstUnknownShare(set, region: r, scenarios: [s])))
                row += groupAnnualValues(set, region: r, scenario: s, file: file, needs: needs)
                rows.append(row)
            }
        }
        return try ResultTable(checkedColumns: columns, rows: rows)
    }

    /// One feature per region: population, then each scenario's figures as `<scenario>_<figure>`.
    static func regionsColumns(_ file: ScenarioFile, groups: [GroupSeries] = [], needs: NeedsProfile? = nil) -> [ResultColumn] {
        var columns: [ResultColumn] = [.regionID, .regionName, .population]
        columns += groups.map { group in
            ResultColumn("population_\(group.name)", .people, "Population, \(group.name)", "people of the group '\(group.name)' in the region (\(group.origin))")
        }
        for (s, scenario) in file.scenarios.enumerated() {
            columns += annualColumns(prefix: "\(scenario.identifier)_", periods: scenario.returnPeriods.years, change: s > 0,
                                     scenario: scenario.name)
            let hasNeeds = file.needs.map { scenario.returnPeriods.years.contains($0.returnPeriod) } ?? false
            columns += groupAnnualColumns(groups, needs: hasNeeds ? needsAt(file, needs) : nil, prefix: "\(scenario.identifier)_").map {
                ResultColumn($0.name, $0.kind, "\($0.title), \(scenario.name)", "scenario '\(scenario.name)': \($0.meaning)")
            }
        }
        columns.append(ResultColumn("hazard_unknown_share", .share, "Share with hazard unknown (worst)", "the largest hazard_unknown / population over every scenario and return period: where it is above the incomplete-data threshold, the figures are lower bounds"))
        return columns
    }

    static func regionsTable(_ set: RegionSetResult, file: ScenarioFile, needs: NeedsProfile? = nil) throws -> ResultTable {
        let columns = regionsColumns(file, groups: set.groups, needs: needs)
        let rows = (0..<set.regions.count).map { r -> [FieldValue] in
            let population = set.populations[r]
            var row: [FieldValue] = [.string(set.regions.ids[r]), .string(set.regions.names[r]), .real(population)]
            row += set.groups.map { .real($0.populations[r]) }
            let first = annual(set, region: r, scenario: 0, file: file)
            for (s, scenario) in file.scenarios.enumerated() {
                let a = annual(set, region: r, scenario: s, file: file)
                row += [.real(a.aae), .real(a.aad), .real(population > 0 ? a.aad / population * 100_000 : 0)]
                row += scenario.returnPeriods.years.map { .real(a.pmd[$0]!) }
                if s > 0 { row += [.real(a.aad - first.aad), first.aad > 0 ? .real((a.aad - first.aad) / first.aad * 100) : .null] }
                let hasNeeds = file.needs.map { scenario.returnPeriods.years.contains($0.returnPeriod) } ?? false
                row += groupAnnualValues(set, region: r, scenario: s, file: file, needs: hasNeeds ? needs : nil)
            }
            row.append(.real(worstUnknownShare(set, region: r, scenarios: Array(file.scenarios.indices))))
            return row
        }
        return try ResultTable(checkedColumns: columns, rows: rows)
    }
}
