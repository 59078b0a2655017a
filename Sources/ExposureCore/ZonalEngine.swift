import Dispatch
import Synchronization

/// Reads population cells for one worker thread. ExposureAdapters implements it over GDAL.
public protocol PopulationReader {
    /// Fills `values` (row-major, `window.cellCount`) with people per cell; nodata becomes NaN.
    func read(_ window: GridWindow, into values: inout [Double]) throws
}

/// What each worker thread opens for itself (GDAL handles are not shared between threads).
public struct WorkerInputs {
    public var population: any PopulationReader
    /// One reader per population group raster (people of a group per cell, on the population grid), in the
    /// engine's group order.
    public var groups: [any PopulationReader]
    /// One sampler per hazard raster, in the engine's hazard order; all share the engine's classes.
    public var hazards: [HazardSampler]

    public init(population: any PopulationReader, groups: [any PopulationReader] = [], hazards: [HazardSampler]) {
        self.population = population
        self.groups = groups
        self.hazards = hazards
    }

    public init(population: any PopulationReader, groups: [any PopulationReader] = [], hazard: HazardSampler?) {
        self.init(population: population, groups: groups, hazards: hazard.map { [$0] } ?? [])
    }
}

/// The sums of one population layer (the population, or one group's raster) over the pass.
public struct LayerTotals: Sendable {
    /// Per hazard, one per region (in the order the regions were given); each carries the layer's population.
    public let hazardTotals: [[RegionTotals]]
    /// The layer's people per region.
    public let populations: [Double]
    /// The layer's cells with data (not nodata) that lie at least partly inside some region.
    public let validCellsInRegions: Int
    /// The layer's cells with a negative count (counted as zero).
    public let negativeCells: Int

    public init(hazardTotals: [[RegionTotals]], populations: [Double], validCellsInRegions: Int, negativeCells: Int) {
        self.hazardTotals = hazardTotals
        self.populations = populations
        self.validCellsInRegions = validCellsInRegions
        self.negativeCells = negativeCells
    }
}

/// The result of a zonal pass.
public struct ZonalResult: Sendable {
    /// Per hazard, one per region (in the order the regions were given). Every hazard's totals carry the
    /// same population.
    public let hazardTotals: [[RegionTotals]]
    /// Population per region.
    public let populations: [Double]
    /// The first hazard's totals, or population-only totals when there is no hazard.
    public var totals: [RegionTotals] {
        hazardTotals.first ?? populations.map { var t = RegionTotals(classCount: 0); t.population = $0; return t }
    }
    /// Population cells with data (not nodata) that lie at least partly inside some region.
    public let validCellsInRegions: Int
    /// Cells with a negative population count (counted as zero).
    public let negativeCells: Int
    /// The same sums for each population group raster, in the engine's group order.
    public let groups: [LayerTotals]
    public let chunkCount: Int

    public init(hazardTotals: [[RegionTotals]], populations: [Double], validCellsInRegions: Int, negativeCells: Int,
                groups: [LayerTotals], chunkCount: Int) {
        self.hazardTotals = hazardTotals
        self.populations = populations
        self.validCellsInRegions = validCellsInRegions
        self.negativeCells = negativeCells
        self.groups = groups
        self.chunkCount = chunkCount
    }

    /// The population's sums as a layer.
    public var populationLayer: LayerTotals {
        LayerTotals(hazardTotals: hazardTotals, populations: populations, validCellsInRegions: validCellsInRegions,
                    negativeCells: negativeCells)
    }

    /// The sums of two parts of a pass (disjoint sets of chunks of the same engine).
    public func adding(_ other: ZonalResult) -> ZonalResult {
        let a = populationLayer.adding(other.populationLayer)
        return ZonalResult(hazardTotals: a.hazardTotals, populations: a.populations, validCellsInRegions: a.validCellsInRegions,
                           negativeCells: a.negativeCells, groups: zip(groups, other.groups).map { $0.adding($1) }, chunkCount: chunkCount)
    }
}

extension LayerTotals {
    public func adding(_ other: LayerTotals) -> LayerTotals {
        var totals = hazardTotals
        for h in totals.indices { for r in totals[h].indices { totals[h][r].add(other.hazardTotals[h][r]) } }
        return LayerTotals(hazardTotals: totals, populations: zip(populations, other.populations).map { $0 + $1 },
                           validCellsInRegions: validCellsInRegions + other.validCellsInRegions,
                           negativeCells: negativeCells + other.negativeCells)
    }
}

/// One streaming pass over the population grid: chunks of whole blocks are read once, each by one worker,
/// and every region overlapping a chunk accumulates `coverage x population` (per hazard class, for each
/// of any number of hazard rasters, and for any number of population group rasters on the same grid:
/// coverage is computed once for all of them). Each group is summed exactly as the population is, so a group's
/// figures are those of an analysis with the group's raster as the population. Where a finer hazard meets
/// a cell that a region's boundary crosses, the cell's classes are those of the part inside the region
/// (``SubCellCoverage``), so people at a region's edge are placed exactly under the uniform-within-cell
/// assumption; cells wholly inside take the cell's shares.
/// Memory is a few chunks per worker, whatever the raster size (a finer hazard is sampled in tiles of a
/// chunk, within the samplers' read budget). Results do not depend on the number of threads: per-chunk sums
/// are added in chunk order.
public struct ZonalEngine: Sendable {
    public let grid: Grid
    public let regions: [RegionShape]
    public let classes: HazardClasses?
    public let hazardCount: Int
    /// How many population group readers each worker brings.
    public let groupCount: Int
    public let chunks: [GridWindow]
    /// The cells of a tile when every hazard gives one code per cell (tests make it small, so that chunks split).
    var interleavedTileCells: Int?

    /// - Parameters:
    ///   - hazardCount: how many hazard samplers each worker brings (0 for population only; 1 when
    ///     `classes` is given and this is left out).
    ///   - groupCount: how many population group readers each worker brings.
    ///   - blockSize: the population raster's native block size; chunks are made of whole blocks, about
    ///     `targetChunkCells` cells each (by default, fewer as groups add layers, so that a worker's buffers
    ///     stay about the same size).
    public init(grid: Grid, regions: [RegionShape], classes: HazardClasses?, hazardCount: Int? = nil, groupCount: Int = 0,
                blockSize: (width: Int, height: Int), targetChunkCells: Int? = nil) {
        self.grid = grid
        self.regions = regions
        self.classes = classes
        self.hazardCount = classes == nil ? 0 : (hazardCount ?? 1)
        self.groupCount = groupCount
        let target = targetChunkCells ?? ZonalEngine.defaultChunkCells(layers: 1 + groupCount)
        self.chunks = ZonalEngine.makeChunks(grid: grid, regions: regions, blockSize: blockSize, targetCells: target)
    }

    /// About a million cells for the population alone; with groups, about 16 MB of population layers
    /// (8 bytes a cell each) per worker, but never under 64 Ki cells.
    public static func defaultChunkCells(layers: Int) -> Int {
        layers <= 1 ? 1 << 20 : max(1 << 16, (2 << 20) / layers)
    }

    static func makeChunks(grid: Grid, regions: [RegionShape], blockSize: (width: Int, height: Int), targetCells: Int) -> [GridWindow] {
        let bw = max(1, min(blockSize.width, grid.width)), bh = max(1, min(blockSize.height, grid.height))
        var chunkWidth: Int, chunkHeight: Int
        if bw * 2 > grid.width {
            // Strips: whole rows.
            chunkWidth = grid.width
            chunkHeight = max(bh, (targetCells / max(1, grid.width)) / bh * bh)
        } else {
            let side = Int(Double(targetCells).squareRoot())
            chunkWidth = max(bw, side / bw * bw)
            chunkHeight = max(bh, (targetCells / chunkWidth) / bh * bh)
        }
        chunkHeight = min(chunkHeight, grid.height)
        chunkWidth = min(chunkWidth, grid.width)
        let touched = regions.map(\.cellWindow).filter { !$0.isEmpty }
        var chunks: [(order: UInt64, window: GridWindow)] = []
        for (j, row) in stride(from: 0, to: grid.height, by: chunkHeight).enumerated() {
            for (i, column) in stride(from: 0, to: grid.width, by: chunkWidth).enumerated() {
                let chunk = GridWindow(column: column, row: row, width: min(chunkWidth, grid.width - column),
                                       height: min(chunkHeight, grid.height - row))
                if touched.contains(where: { !$0.intersection(chunk).isEmpty }) { chunks.append((morton(i, j), chunk)) }
            }
        }
        // Z order: chunks next to each other on the grid are processed close in time, so the hazard blocks a
        // chunk shares with its neighbours below as well as beside are still in GDAL's block cache (in rows, a
        // chunk's neighbour below comes a whole row of chunks later, and with many hazards its blocks are gone).
        return chunks.sorted { $0.order < $1.order }.map(\.window)
    }

    /// The Morton (Z-order) code of chunk column i, chunk row j.
    static func morton(_ i: Int, _ j: Int) -> UInt64 {
        func spread(_ v: Int) -> UInt64 {
            var x = UInt64(truncatingIfNeeded: v) & 0xFFFF_FFFF
            x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
            x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333_3333_3333
            x = (x | (x << 1)) & 0x5555_5555_5555_5555
            return x
        }
        return spread(i) | (spread(j) << 1)
    }

    /// A chunk's sums: per region touched, per layer (the population, then each group), the people and the
    /// totals per hazard.
    private struct ChunkSums: Sendable {
        var regions: [(index: Int, populations: [Double], hazards: [[RegionTotals]])] = []
        var validCells: [Int]
        var negativeCells: [Int]

        init(layers: Int) {
            validCells = [Int](repeating: 0, count: layers)
            negativeCells = [Int](repeating: 0, count: layers)
        }
    }

    /// Runs the pass on `threads` threads; `makeInputs` is called once on each thread to open its readers.
    /// - Parameter range: the chunks to process (indices into ``chunks``, a part of the grid: see
    ///   ``partRange(part:of:)``); all by default. The result holds the sums over those chunks only.
    public func run(
        threads: Int,
        chunks range: Range<Int>? = nil,
        makeInputs: @Sendable () throws -> WorkerInputs,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ZonalResult {
        let range = (range ?? chunks.indices).clamped(to: chunks.indices)
        let results = Mutex([ChunkSums?](repeating: nil, count: chunks.count))
        let next = Mutex(range.lowerBound)
        let firstError = Mutex<(any Error)?>(nil)
        let done = Mutex(0)
        let workerCount = max(1, min(threads, range.count))
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            do {
                var inputs = try makeInputs()
                var worker = ChunkWorker(engine: self)
                while firstError.withLock({ $0 == nil }) {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < range.upperBound else { break }
                    let sums = try worker.process(chunks[index], inputs: &inputs)
                    for sampler in inputs.hazards { sampler.finished(chunks[index]) }
                    results.withLock { $0[index] = sums }
                    let count = done.withLock { value -> Int in
                        value += 1
                        return value
                    }
                    progress(count, range.count)
                }
            } catch {
                firstError.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }

        let layers = 1 + groupCount
        let empty = [RegionTotals](repeating: RegionTotals(classCount: classes?.count ?? 0), count: regions.count)
        var hazardTotals = [[[RegionTotals]]](repeating: [[RegionTotals]](repeating: empty, count: hazardCount), count: layers)
        var populations = [[Double]](repeating: [Double](repeating: 0, count: regions.count), count: layers)
        var valid = [Int](repeating: 0, count: layers), negative = [Int](repeating: 0, count: layers)
        for sums in results.withLock({ $0 }) {
            guard let sums else { continue }
            for (index, layerPopulations, layerParts) in sums.regions {
                for l in 0..<layers {
                    populations[l][index] += layerPopulations[l]
                    for (h, part) in layerParts[l].enumerated() { hazardTotals[l][h][index].add(part) }
                }
            }
            for l in 0..<layers {
                valid[l] += sums.validCells[l]
                negative[l] += sums.negativeCells[l]
            }
        }
        let groups = (1..<layers).map {
            LayerTotals(hazardTotals: hazardTotals[$0], populations: populations[$0], validCellsInRegions: valid[$0],
                        negativeCells: negative[$0])
        }
        return ZonalResult(hazardTotals: hazardTotals[0], populations: populations[0], validCellsInRegions: valid[0],
                           negativeCells: negative[0], groups: groups, chunkCount: chunks.count)
    }

    /// A digest of the chunks, in order, and the region count: parts must come from the same list of chunks
    /// (another build might order or cut them differently with the same count).
    public var chunkDigest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: Int) {
            for k in 0..<8 {
                hash ^= UInt64(truncatingIfNeeded: value >> (8 * k)) & 0xFF
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        mix(regions.count)
        for chunk in chunks { mix(chunk.column); mix(chunk.row); mix(chunk.width); mix(chunk.height) }
        return String(hash, radix: 16)
    }

    /// The chunks of part `part` (0-based) of `count` parts: whole chunks, consecutive, about as many in each
    /// part, so that the parts of any count cover every chunk exactly once.
    public func partRange(part: Int, of count: Int) -> Range<Int> {
        (chunks.count * part / count)..<(chunks.count * (part + 1) / count)
    }

    /// Parts of `chunk` of at most `maxCells` cells and about equal sizes (bands of whole rows when a row
    /// fits), in row-major order.
    static func tiles(of chunk: GridWindow, maxCells: Int) -> [GridWindow] {
        if chunk.cellCount <= maxCells { return [chunk] }
        func split(_ length: Int, into most: Int) -> Int {
            let count = (length + most - 1) / most
            return (length + count - 1) / count
        }
        var tiles: [GridWindow] = []
        if maxCells >= chunk.width {
            let rows = split(chunk.height, into: maxCells / chunk.width)
            for row in stride(from: chunk.row, to: chunk.endRow, by: rows) {
                tiles.append(GridWindow(column: chunk.column, row: row, width: chunk.width, height: min(rows, chunk.endRow - row)))
            }
        } else {
            let columns = split(chunk.width, into: maxCells)
            for row in chunk.row..<chunk.endRow {
                for column in stride(from: chunk.column, to: chunk.endColumn, by: columns) {
                    tiles.append(GridWindow(column: column, row: row, width: min(columns, chunk.endColumn - column), height: 1))
                }
            }
        }
        return tiles
    }

    /// A worker's buffers, reused from chunk to chunk.
    private struct ChunkWorker {
        let engine: ZonalEngine
        /// The chunk's people per cell, per layer: the population, then each group.
        var layers: [[Double]]
        var hazards: [HazardCells] = []
        /// Per hazard, the class of each part of each cell of the tile, when the hazard is finer.
        var hazardParts: [HazardSubCells] = []
        var fractions: [Double] = []
        var scratch = CoverageScratch()
        var splitter = BoundarySplitter()
        /// Marks the population's cells already counted as valid in this chunk (a cell may lie in several regions).
        var counted: [Bool] = []
        /// Marks the chunk's cells that some region covers at least in part (for the groups' cell counts).
        var covered: [Bool] = []
        /// The covered cells of the region window being summed, for the groups: chunk index, tile index, coverage.
        var coverCells: [(chunk: Int, tile: Int, fraction: Double)] = []
        /// A layer's sums over one region window: per hazard, code 0 (not exposed), classes, unknown.
        var flatSums: [Double] = []
        /// When every hazard gives one code per cell (none is finer than the population grid): the tile's codes
        /// interleaved, `codes[cell * hazardCount + h]`, so a cell's classes for all hazards are read together.
        var interleaved: [UInt8] = []
        var isInterleaved = false

        init(engine: ZonalEngine) {
            self.engine = engine
            layers = [[Double]](repeating: [], count: 1 + engine.groupCount)
            hazards = [HazardCells](repeating: HazardCells(), count: engine.hazardCount)
            hazardParts = [HazardSubCells](repeating: HazardSubCells(), count: engine.hazardCount)
        }

        mutating func process(_ chunk: GridWindow, inputs: inout WorkerInputs) throws -> ChunkSums {
            guard inputs.hazards.count == engine.hazardCount else {
                throw ExposureError("\(inputs.hazards.count) hazard sampler(s) given for \(engine.hazardCount) hazard(s)")
            }
            guard inputs.groups.count == engine.groupCount else {
                throw ExposureError("\(inputs.groups.count) group reader(s) given for \(engine.groupCount) group(s)")
            }
            for l in layers.indices {
                if layers[l].count < chunk.cellCount { layers[l] = [Double](repeating: 0, count: chunk.cellCount) }
                try (l == 0 ? inputs.population : inputs.groups[l - 1]).read(chunk, into: &layers[l])
            }
            ChunkWorker.clear(&counted, count: chunk.cellCount)
            if engine.groupCount > 0 { ChunkWorker.clear(&covered, count: chunk.cellCount) }
            // A finer hazard keeps, for the cells regions' boundaries cross, the class of each part of the cell;
            // to bound that memory the chunk is sampled and summed in tiles (the population is read once).
            let fine = inputs.hazards.filter(\.keepsSubCells)
            // Many hazards sampled into the interleaved layout: tiles of about 512 KB of codes, which stay in
            // the core's cache between sampling and summing.
            let tileCells = !fine.isEmpty ? max(1, fine.map(\.maxCellsPerKeptSample).min()! / fine.count)
                : engine.hazardCount > 0 ? engine.interleavedTileCells ?? max(1 << 12, (1 << 19) / engine.hazardCount) : Int.max
            scratch.recordsPieces = !fine.isEmpty
            var sums = ChunkSums(layers: layers.count)
            for tile in ZonalEngine.tiles(of: chunk, maxCells: tileCells) {
                if fine.isEmpty && engine.hazardCount > 0 {
                    // One code per cell for every hazard: sampled straight into the interleaved layout.
                    let count = engine.hazardCount, n = tile.cellCount
                    if interleaved.count < n * count { interleaved = [UInt8](repeating: 0, count: n * count) }
                    try interleaved.withUnsafeMutableBufferPointer { codes in
                        try HazardSampler.sampleInterleaved(&inputs.hazards, tile: tile, into: codes)
                    }
                    isInterleaved = true
                } else {
                    for h in 0..<engine.hazardCount {
                        try inputs.hazards[h].sample(tile, into: &hazards[h], parts: &hazardParts[h], keepingParts: true)
                    }
                    interleaveCodes(tile)
                }
                sum(tile, of: chunk, into: &sums)
            }
            // A group's cells with data (and negative ones) among those some region covers.
            for l in 1..<layers.count {
                var valid = 0, negative = 0
                layers[l].withUnsafeBufferPointer { people in
                    for i in 0..<chunk.cellCount where covered[i] && !people[i].isNaN {
                        valid += 1
                        if people[i] < 0 { negative += 1 }
                    }
                }
                sums.validCells[l] = valid
                sums.negativeCells[l] = negative
            }
            return sums
        }

        /// Fills ``interleaved`` when every hazard of the tile is in the codes layout.
        private mutating func interleaveCodes(_ tile: GridWindow) {
            let count = engine.hazardCount
            isInterleaved = count > 0 && hazards.allSatisfy { $0.layout == .codes }
            guard isInterleaved else { return }
            let n = tile.cellCount
            if interleaved.count < n * count { interleaved = [UInt8](repeating: 0, count: n * count) }
            interleaved.withUnsafeMutableBufferPointer { out in
                for h in 0..<count {
                    hazards[h].codes.withUnsafeBufferPointer { codes in
                        for i in 0..<n { out[i * count + h] = codes[i] }
                    }
                }
            }
        }

        static func clear(_ flags: inout [Bool], count: Int) {
            if flags.count < count { flags = [Bool](repeating: false, count: count) } else {
                for i in 0..<count { flags[i] = false }
            }
        }

        /// Adds every region's sums over the cells of `tile` (hazards sampled on the tile, layers read on the chunk).
        private mutating func sum(_ tile: GridWindow, of chunk: GridWindow, into sums: inout ChunkSums) {
            let classCount = engine.classes?.count ?? 0
            let recording = scratch.recordsPieces
            let empty = [RegionTotals](repeating: RegionTotals(classCount: classCount), count: engine.hazardCount)
            for (index, region) in engine.regions.enumerated() {
                let window = region.cellWindow.intersection(tile)
                if window.isEmpty { continue }
                if fractions.count < window.cellCount { fractions = [Double](repeating: 0, count: window.cellCount) }
                CoverageFraction.compute(region, window: window, into: &fractions, scratch: &scratch)
                var layerPopulations = [Double](repeating: 0, count: layers.count)
                var layerTotals = [[RegionTotals]](repeating: empty, count: layers.count)
                var anyTouched = false
                var totals = empty
                var validCells = 0, negativeCells = 0
                let stride = classCount + 2
                if flatSums.count < stride * engine.hazardCount { flatSums = [Double](repeating: 0, count: stride * engine.hazardCount) }
                let regionPopulation: Double, touched: Bool
                if isInterleaved {
                    // Many hazards at the cost of few: one read of each cell's codes, one flat array of sums.
                    (regionPopulation, touched) = ChunkWorker.accumulateCodes(
                        window: window, tile: tile, chunk: chunk, fractions: fractions, population: layers[0], counted: &counted,
                        codes: interleaved, hazardCount: engine.hazardCount, stride: stride, sums: &flatSums,
                        validCells: &validCells, negativeCells: &negativeCells)
                    ChunkWorker.copy(flatSums, into: &totals, classCount: classCount)
                } else if engine.hazardCount == 0 {
                    (regionPopulation, touched) = ChunkWorker.accumulatePopulation(
                        window: window, chunk: chunk, fractions: fractions, population: layers[0], counted: &counted,
                        validCells: &validCells, negativeCells: &negativeCells)
                } else {
                    // The per-cell loop is a function of its own that touches only its arguments, so the optimiser keeps
                    // it as tight as before the boundary work below existed (checked with callgrind: a call on the
                    // worker here, or `inout totals` passed to one, cost the loop 10 to 35 % more instructions).
                    (regionPopulation, touched) = ChunkWorker.accumulate(
                        window: window, tile: tile, chunk: chunk, fractions: fractions, population: layers[0], counted: &counted,
                        hazards: hazards, hazardParts: hazardParts, classCount: classCount, totals: &totals,
                        validCells: &validCells, negativeCells: &negativeCells)
                }
                sums.validCells[0] += validCells
                sums.negativeCells[0] += negativeCells
                if touched {
                    anyTouched = true
                    layerPopulations[0] = regionPopulation
                    for h in 0..<engine.hazardCount { totals[h].population = regionPopulation }
                }
                layerTotals[0] = totals
                if layers.count > 1 {
                    // The groups: the covered cells once, then each group over them in one flat loop.
                    ChunkWorker.coveredCells(window: window, tile: tile, chunk: chunk, fractions: fractions, into: &coverCells,
                                             marking: &covered)
                    for l in 1..<layers.count {
                        let (population, touched) = ChunkWorker.accumulateGroup(
                            cells: coverCells, people: layers[l], hazards: hazards, hazardParts: hazardParts,
                            interleaved: isInterleaved ? interleaved : nil, classCount: classCount, sums: &flatSums)
                        guard touched else { continue }
                        anyTouched = true
                        layerPopulations[l] = population
                        ChunkWorker.copy(flatSums, into: &layerTotals[l], classCount: classCount)
                        for h in 0..<engine.hazardCount { layerTotals[l][h].population = population }
                    }
                }
                if recording {
                    let parts = splitter.sums(window: window, tile: tile, chunk: chunk, fractions: fractions, layers: layers,
                                              scratch: &scratch, hazards: hazards, hazardParts: hazardParts, classCount: classCount)
                    for l in parts.indices { for h in parts[l].indices { layerTotals[l][h].add(parts[l][h]) } }
                }
                if anyTouched { sums.regions.append((index, layerPopulations, layerTotals)) }
            }
        }

        /// The cells of `window` with some coverage, in row-major order, marked in `covered` (chunk indices).
        private static func coveredCells(window: GridWindow, tile: GridWindow, chunk: GridWindow, fractions: [Double],
                                         into cells: inout [(chunk: Int, tile: Int, fraction: Double)], marking covered: inout [Bool]) {
            cells.removeAll(keepingCapacity: true)
            for r in 0..<window.height {
                let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
                let tileRow = (window.row - tile.row + r) * tile.width + (window.column - tile.column)
                for c in 0..<window.width {
                    let f = fractions[r * window.width + c]
                    if f == 0 { continue }
                    covered[chunkRow + c] = true
                    cells.append((chunkRow + c, tileRow + c, f))
                }
            }
        }

        /// A group's sums over the covered cells of a region window, as ``accumulate`` adds the population's
        /// (same cells, same order, same products; ``accumulateCodes`` groups runs of cells, so the population's
        /// sums may differ in the last digits): per hazard, `sums[h * (classCount + 2) + code]`
        /// with code 0 not exposed, 1...classCount the classes and classCount + 1 unknown. Cells a finer hazard
        /// splits on the boundary are left to ``BoundarySplitter``. Returns the group's people and whether any
        /// cell held some.
        private static func accumulateGroup(
            cells: [(chunk: Int, tile: Int, fraction: Double)], people: [Double], hazards: [HazardCells],
            hazardParts: [HazardSubCells], interleaved: [UInt8]?, classCount: Int, sums: inout [Double]
        ) -> (population: Double, touched: Bool) {
            let stride = classCount + 2, unknown = classCount + 1, count = hazards.count
            for i in 0..<(stride * count) { sums[i] = 0 }
            var population = 0.0
            var touched = false
            if let interleaved {
                people.withUnsafeBufferPointer { people in
                    sums.withUnsafeMutableBufferPointer { sums in
                        interleaved.withUnsafeBufferPointer { codes in
                            for cell in cells {
                                let p = people[cell.chunk]
                                if !(p > 0) { continue }
                                touched = true
                                let weight = cell.fraction * p
                                population += weight
                                let first = cell.tile * count
                                for h in 0..<count { sums[h * stride + Int(codes[first + h])] += weight }
                            }
                        }
                    }
                }
                return (population, touched)
            }
            people.withUnsafeBufferPointer { people in
                sums.withUnsafeMutableBufferPointer { sums in
                    for cell in cells {
                        let p = people[cell.chunk]
                        if !(p > 0) { continue }
                        touched = true
                        let weight = cell.fraction * p
                        population += weight
                        for h in hazards.indices {
                            let base = h * stride
                            switch hazards[h].layout {
                            case .codes:
                                sums[base + Int(hazards[h].codes[cell.tile])] += weight
                            case .shares:
                                if cell.fraction < 1 && hazardParts[h].isAvailable { continue }
                                let shares = hazards[h].shares, first = cell.tile * hazards[h].codeCount
                                for k in 1...unknown { sums[base + k] += weight * Double(shares[first + k]) }
                            }
                        }
                    }
                }
            }
            return (population, touched)
        }

        /// ``accumulate`` when every hazard gives one code per cell: the same cells in the same order, from the
        /// interleaved codes into flat sums (`sums[h * stride + code]`); the weights of a run of cells with the same
        /// codes are added first, so sums differ from ``accumulate``'s in the last digits only.
        private static func accumulateCodes(
            window: GridWindow, tile: GridWindow, chunk: GridWindow, fractions: [Double], population: [Double],
            counted: inout [Bool], codes: [UInt8], hazardCount: Int, stride: Int, sums: inout [Double],
            validCells: inout Int, negativeCells: inout Int
        ) -> (population: Double, touched: Bool) {
            for i in 0..<(stride * hazardCount) { sums[i] = 0 }
            var regionPopulation = 0.0
            var touched = false
            var valid = 0, negative = 0
            // The run of cells with the same codes: its first cell's codes (an index in `codes`), its weight.
            var run = -1, runWeight = 0.0
            fractions.withUnsafeBufferPointer { fractions in
                population.withUnsafeBufferPointer { population in
                    counted.withUnsafeMutableBufferPointer { counted in
                        codes.withUnsafeBufferPointer { codes in
                            sums.withUnsafeMutableBufferPointer { sums in
                                for r in 0..<window.height {
                                    let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
                                    let tileRow = (window.row - tile.row + r) * tile.width + (window.column - tile.column)
                                    for c in 0..<window.width {
                                        let f = fractions[r * window.width + c]
                                        if f == 0 { continue }
                                        let cell = chunkRow + c
                                        let people = population[cell]
                                        if people.isNaN { continue }
                                        if !counted[cell] {
                                            counted[cell] = true
                                            valid += 1
                                            if people < 0 { negative += 1 }
                                        }
                                        if people <= 0 { continue }
                                        touched = true
                                        let weight = f * people
                                        regionPopulation += weight
                                        // Neighbouring cells mostly share every hazard's class: their weights are
                                        // added up first and given to the classes once, when the classes change.
                                        let first = (tileRow + c) * hazardCount
                                        if run >= 0 && sameCodes(codes.baseAddress! + first, codes.baseAddress! + run, hazardCount) {
                                            runWeight += weight
                                        } else {
                                            if run >= 0 { for h in 0..<hazardCount { sums[h * stride + Int(codes[run + h])] += runWeight } }
                                            run = first
                                            runWeight = weight
                                        }
                                    }
                                }
                                if run >= 0 { for h in 0..<hazardCount { sums[h * stride + Int(codes[run + h])] += runWeight } }
                            }
                        }
                    }
                }
            }
            validCells += valid
            negativeCells += negative
            return (regionPopulation, touched)
        }

        /// ``accumulate`` without hazards (the population alone): the same sums over the window's rows through
        /// pointers, without the bounds and overflow checks of the general loop.
        private static func accumulatePopulation(
            window: GridWindow, chunk: GridWindow, fractions: [Double], population: [Double], counted: inout [Bool],
            validCells: inout Int, negativeCells: inout Int
        ) -> (population: Double, touched: Bool) {
            var regionPopulation = 0.0
            var touched = false
            var valid = 0, negative = 0
            fractions.withUnsafeBufferPointer { fractions in
                population.withUnsafeBufferPointer { population in
                    counted.withUnsafeMutableBufferPointer { counted in
                        for r in 0..<window.height {
                            let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
                            let share = fractions.baseAddress! + r * window.width
                            let people = population.baseAddress! + chunkRow
                            let seen = counted.baseAddress! + chunkRow
                            for c in 0..<window.width {
                                let f = share[c]
                                if f == 0 { continue }
                                let p = people[c]
                                if p.isNaN { continue }
                                if !seen[c] {
                                    seen[c] = true
                                    valid &+= 1
                                    negative &+= p < 0 ? 1 : 0
                                }
                                if p > 0 {
                                    touched = true
                                    regionPopulation += f * p
                                }
                            }
                        }
                    }
                }
            }
            validCells += valid
            negativeCells += negative
            return (regionPopulation, touched)
        }

        /// Whether the `count` codes at `a` and at `b` are the same (eight at a time).
        @inline(__always)
        private static func sameCodes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            var k = 0
            while k + 8 <= count {
                if UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) {
                    return false
                }
                k += 8
            }
            while k < count {
                if a[k] != b[k] { return false }
                k += 1
            }
            return true
        }

        /// Flat sums (code 0 not exposed, 1...classCount, unknown) into per-hazard totals.
        private static func copy(_ sums: [Double], into totals: inout [RegionTotals], classCount: Int) {
            let stride = classCount + 2
            for h in totals.indices {
                let base = h * stride
                for k in 0..<classCount { totals[h].exposedByClass[k] = sums[base + k + 1] }
                totals[h].hazardUnknown = sums[base + classCount + 1]
            }
        }

        /// Adds `coverage x count` (by class, for each hazard) over the cells of `window`, but for the parts of
        /// boundary cells that hazards with parts leave to ``BoundarySplitter``; marks cells counted.
        /// Returns the population and whether any cell held people.
        private static func accumulate(
            window: GridWindow, tile: GridWindow, chunk: GridWindow, fractions: [Double], population: [Double],
            counted: inout [Bool], hazards: [HazardCells], hazardParts: [HazardSubCells], classCount: Int,
            totals: inout [RegionTotals], validCells: inout Int, negativeCells: inout Int
        ) -> (population: Double, touched: Bool) {
            let unknown = classCount + 1
            var regionPopulation = 0.0
            var touched = false
            for r in 0..<window.height {
                let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
                let tileRow = (window.row - tile.row + r) * tile.width + (window.column - tile.column)
                for c in 0..<window.width {
                    let f = fractions[r * window.width + c]
                    if f == 0 { continue }
                    let cell = chunkRow + c
                    let people = population[cell]
                    if people.isNaN { continue }
                    if !counted[cell] {
                        counted[cell] = true
                        validCells += 1
                        if people < 0 { negativeCells += 1 }
                    }
                    if people <= 0 { continue }
                    touched = true
                    let weight = f * people
                    regionPopulation += weight
                    for h in hazards.indices {
                        let hazardCell = tileRow + c
                        let cells = hazards[h]
                        switch cells.layout {
                        case .codes:
                            let code = Int(cells.codes[hazardCell])
                            if code == 0 { continue }
                            if code == unknown { totals[h].hazardUnknown += weight } else { totals[h].exposedByClass[code - 1] += weight }
                        case .shares:
                            // A boundary cell of a hazard with parts is added by BoundarySplitter.
                            if f < 1 && hazardParts[h].isAvailable { continue }
                            let base = hazardCell * cells.codeCount
                            for k in 1...classCount { totals[h].exposedByClass[k - 1] += weight * Double(cells.shares[base + k]) }
                            totals[h].hazardUnknown += weight * Double(cells.shares[base + unknown])
                        }
                    }
                }
            }
            return (regionPopulation, touched)
        }
    }
}

/// A cell of a coverage window that the region's boundary crosses.
struct BoundaryCell {
    var windowCell: Int
    /// The cell's index in the chunk's layers.
    var chunkCell: Int
    var coverage: Double
    /// Its pieces of boundary in ``CoverageScratch/cellPieces``.
    var pieces: Range<Int> = 0..<0
}

/// Sums by hazard class over the cells a region's boundary crosses, for hazards finer than the population
/// grid: each cell is split by the hazard's parts (``HazardSubCells``) with ``SubCellCoverage``, once for
/// every layer of people.
struct BoundarySplitter {
    private var parts = SubCellCoverage()
    private var partSums: [Double] = []
    private var cells: [BoundaryCell] = []

    /// Per layer and hazard, the sums by class of `people x area(region ∩ part)` over the parts of each cell of
    /// `window` that the region's boundary crosses and where the layer holds people (`fractions` its coverage,
    /// `layers` the chunk's people, `scratch` holding the window's pieces of boundary); hazards without parts
    /// get nothing.
    mutating func sums(window: GridWindow, tile: GridWindow, chunk: GridWindow, fractions: [Double], layers: [[Double]],
                       scratch: inout CoverageScratch, hazards: [HazardCells], hazardParts: [HazardSubCells],
                       classCount: Int) -> [[RegionTotals]] {
        cells.removeAll(keepingCapacity: true)
        for r in 0..<window.height {
            let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
            for c in 0..<window.width {
                let f = fractions[r * window.width + c]
                guard f > 0 && f < 1 else { continue }
                if layers.contains(where: { $0[chunkRow + c] > 0 }) {
                    cells.append(BoundaryCell(windowCell: r * window.width + c, chunkCell: chunkRow + c, coverage: f))
                }
            }
        }
        if cells.isEmpty { return [] }
        scratch.orderPiecesByCell()
        let pieces = scratch.cellPieces
        var next = 0
        for i in cells.indices {
            while next < pieces.count && pieces[next].cell < cells[i].windowCell { next += 1 }
            var end = next
            while end < pieces.count && pieces[end].cell == cells[i].windowCell { end += 1 }
            cells[i].pieces = next..<end
            next = end
        }
        let unknown = classCount + 1
        var totals = [[RegionTotals]](repeating: [RegionTotals](repeating: RegionTotals(classCount: classCount), count: hazards.count),
                                      count: layers.count)
        if partSums.count < unknown + 1 { partSums = [Double](repeating: 0, count: unknown + 1) }
        for h in hazards.indices where hazardParts[h].isAvailable {
            let sub = hazardParts[h], shares = hazards[h].shares, codeCount = hazards[h].codeCount
            for cell in cells {
                let r = cell.windowCell / window.width, c = cell.windowCell % window.width
                let tileColumn = window.column - tile.column + c, tileRow = window.row - tile.row + r
                if cell.pieces.isEmpty {
                    // No piece of boundary (only an invalid, self-overlapping region gets here): the cell's shares.
                    let base = (tileRow * tile.width + tileColumn) * codeCount
                    for l in layers.indices {
                        let people = layers[l][cell.chunkCell]
                        guard people > 0 else { continue }
                        let weight = cell.coverage * people
                        for k in 1...classCount { totals[l][h].exposedByClass[k - 1] += weight * Double(shares[base + k]) }
                        totals[l][h].hazardUnknown += weight * Double(shares[base + unknown])
                    }
                    continue
                }
                let columns = sub.columnStart[tileColumn]..<sub.columnStart[tileColumn + 1]
                let rows = sub.rowStart[tileRow]..<sub.rowStart[tileRow + 1]
                parts.setLines(widths: sub.columnWidth[columns], heights: sub.rowHeight[rows])
                parts.compute(pieces: pieces, range: cell.pieces, column: window.column + c, row: window.row + r,
                              coverage: cell.coverage)
                for k in 0...unknown { partSums[k] = 0 }
                let m = columns.count
                for (j, t) in rows.enumerated() {
                    let rowKey = sub.rowKey[t]
                    for (i, s) in columns.enumerated() {
                        let columnKey = sub.columnKey[s]
                        let code = rowKey < 0 || columnKey < 0 ? unknown : Int(sub.codes[rowKey * sub.keyWidth + columnKey])
                        partSums[code] += parts.area[j * m + i]
                    }
                }
                for l in layers.indices {
                    let people = layers[l][cell.chunkCell]
                    guard people > 0 else { continue }
                    for k in 1...classCount { totals[l][h].exposedByClass[k - 1] += people * partSums[k] }
                    totals[l][h].hazardUnknown += people * partSums[unknown]
                }
            }
        }
        return totals
    }
}
