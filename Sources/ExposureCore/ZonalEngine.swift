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
    /// One sampler per hazard raster, in the engine's hazard order; all share the engine's classes.
    public var hazards: [HazardSampler]

    public init(population: any PopulationReader, hazards: [HazardSampler]) {
        self.population = population
        self.hazards = hazards
    }

    public init(population: any PopulationReader, hazard: HazardSampler?) {
        self.init(population: population, hazards: hazard.map { [$0] } ?? [])
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
    public let chunkCount: Int
}

/// One streaming pass over the population grid: chunks of whole blocks are read once, each by one worker,
/// and every region overlapping a chunk accumulates `coverage x population` (per hazard class, for each
/// of any number of hazard rasters: coverage is computed once for all of them). Where a finer hazard meets
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
    public let chunks: [GridWindow]

    /// - Parameters:
    ///   - hazardCount: how many hazard samplers each worker brings (0 for population only; 1 when
    ///     `classes` is given and this is left out).
    ///   - blockSize: the population raster's native block size; chunks are made of whole blocks, about
    ///     `targetChunkCells` cells each.
    public init(grid: Grid, regions: [RegionShape], classes: HazardClasses?, hazardCount: Int? = nil,
                blockSize: (width: Int, height: Int), targetChunkCells: Int = 1 << 20) {
        self.grid = grid
        self.regions = regions
        self.classes = classes
        self.hazardCount = classes == nil ? 0 : (hazardCount ?? 1)
        self.chunks = ZonalEngine.makeChunks(grid: grid, regions: regions, blockSize: blockSize, targetCells: targetChunkCells)
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
        var chunks: [GridWindow] = []
        for row in stride(from: 0, to: grid.height, by: chunkHeight) {
            for column in stride(from: 0, to: grid.width, by: chunkWidth) {
                let chunk = GridWindow(column: column, row: row, width: min(chunkWidth, grid.width - column),
                                       height: min(chunkHeight, grid.height - row))
                if touched.contains(where: { !$0.intersection(chunk).isEmpty }) { chunks.append(chunk) }
            }
        }
        return chunks
    }

    private struct ChunkSums: Sendable {
        var regions: [(index: Int, population: Double, hazards: [RegionTotals])] = []
        var validCells = 0
        var negativeCells = 0
    }

    /// Runs the pass on `threads` threads; `makeInputs` is called once on each thread to open its readers.
    public func run(
        threads: Int,
        makeInputs: @Sendable () throws -> WorkerInputs,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ZonalResult {
        let results = Mutex([ChunkSums?](repeating: nil, count: chunks.count))
        let next = Mutex(0)
        let firstError = Mutex<(any Error)?>(nil)
        let done = Mutex(0)
        let workerCount = max(1, min(threads, chunks.count))
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            do {
                var inputs = try makeInputs()
                var worker = ChunkWorker(engine: self)
                while firstError.withLock({ $0 == nil }) {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < chunks.count else { break }
                    let sums = try worker.process(chunks[index], inputs: &inputs)
                    results.withLock { $0[index] = sums }
                    let count = done.withLock { value -> Int in
                        value += 1
                        return value
                    }
                    progress(count, chunks.count)
                }
            } catch {
                firstError.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }

        let empty = [RegionTotals](repeating: RegionTotals(classCount: classes?.count ?? 0), count: regions.count)
        var hazardTotals = [[RegionTotals]](repeating: empty, count: hazardCount)
        var populations = [Double](repeating: 0, count: regions.count)
        var valid = 0, negative = 0
        for sums in results.withLock({ $0 }) {
            guard let sums else { continue }
            for (index, population, parts) in sums.regions {
                populations[index] += population
                for (h, part) in parts.enumerated() { hazardTotals[h][index].add(part) }
            }
            valid += sums.validCells
            negative += sums.negativeCells
        }
        return ZonalResult(hazardTotals: hazardTotals, populations: populations, validCellsInRegions: valid,
                           negativeCells: negative, chunkCount: chunks.count)
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
        var population: [Double] = []
        var hazards: [HazardCells] = []
        /// Per hazard, the class of each part of each cell of the tile, when the hazard is finer.
        var hazardParts: [HazardSubCells] = []
        var fractions: [Double] = []
        var scratch = CoverageScratch()
        var splitter = BoundarySplitter()
        /// Marks cells already counted as valid in this chunk (a cell may lie in several regions).
        var counted: [Bool] = []

        init(engine: ZonalEngine) {
            self.engine = engine
            hazards = [HazardCells](repeating: HazardCells(), count: engine.hazardCount)
            hazardParts = [HazardSubCells](repeating: HazardSubCells(), count: engine.hazardCount)
        }

        mutating func process(_ chunk: GridWindow, inputs: inout WorkerInputs) throws -> ChunkSums {
            if population.count < chunk.cellCount { population = [Double](repeating: 0, count: chunk.cellCount) }
            try inputs.population.read(chunk, into: &population)
            guard inputs.hazards.count == engine.hazardCount else {
                throw ExposureError("\(inputs.hazards.count) hazard sampler(s) given for \(engine.hazardCount) hazard(s)")
            }
            if counted.count < chunk.cellCount { counted = [Bool](repeating: false, count: chunk.cellCount) } else {
                for i in 0..<chunk.cellCount { counted[i] = false }
            }
            // A finer hazard keeps, for the cells regions' boundaries cross, the class of each part of the cell;
            // to bound that memory the chunk is sampled and summed in tiles (the population is read once).
            let fine = inputs.hazards.filter(\.keepsSubCells)
            let tileCells = fine.isEmpty ? Int.max : max(1, fine.map(\.maxCellsPerKeptSample).min()! / fine.count)
            scratch.recordsPieces = !fine.isEmpty
            var sums = ChunkSums()
            for tile in ZonalEngine.tiles(of: chunk, maxCells: tileCells) {
                for h in 0..<engine.hazardCount {
                    try inputs.hazards[h].sample(tile, into: &hazards[h], parts: &hazardParts[h], keepingParts: true)
                }
                sum(tile, of: chunk, into: &sums)
            }
            return sums
        }

        /// Adds every region's sums over the cells of `tile` (hazards sampled on the tile, population on the chunk).
        private mutating func sum(_ tile: GridWindow, of chunk: GridWindow, into sums: inout ChunkSums) {
            let classCount = engine.classes?.count ?? 0
            let recording = scratch.recordsPieces
            var validCells = 0, negativeCells = 0
            for (index, region) in engine.regions.enumerated() {
                let window = region.cellWindow.intersection(tile)
                if window.isEmpty { continue }
                if fractions.count < window.cellCount { fractions = [Double](repeating: 0, count: window.cellCount) }
                CoverageFraction.compute(region, window: window, into: &fractions, scratch: &scratch)
                var totals = [RegionTotals](repeating: RegionTotals(classCount: classCount), count: engine.hazardCount)
                // The per-cell loop is a function of its own that touches only its arguments, so the optimiser keeps
                // it as tight as before the boundary work below existed (checked with callgrind: a call on the
                // worker here, or `inout totals` passed to one, cost the loop 10 to 35 % more instructions).
                let (regionPopulation, touched) = ChunkWorker.accumulate(
                    window: window, tile: tile, chunk: chunk, fractions: fractions, population: population, counted: &counted,
                    hazards: hazards, hazardParts: hazardParts, classCount: classCount, totals: &totals,
                    validCells: &validCells, negativeCells: &negativeCells)
                if recording {
                    let parts = splitter.sums(window: window, tile: tile, chunk: chunk, fractions: fractions, population: population,
                                              scratch: &scratch, hazards: hazards, hazardParts: hazardParts, classCount: classCount)
                    for h in parts.indices { totals[h].add(parts[h]) }
                }
                if touched {
                    for h in 0..<engine.hazardCount { totals[h].population = regionPopulation }
                    sums.regions.append((index, regionPopulation, totals))
                }
            }
            sums.validCells += validCells
            sums.negativeCells += negativeCells
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
    var people: Double
    var coverage: Double
    /// Its pieces of boundary in ``CoverageScratch/cellPieces``.
    var pieces: Range<Int> = 0..<0
}

/// Sums by hazard class over the cells a region's boundary crosses, for hazards finer than the population
/// grid: each cell is split by the hazard's parts (``HazardSubCells``) with ``SubCellCoverage``.
struct BoundarySplitter {
    private var parts = SubCellCoverage()
    private var partSums: [Double] = []
    private var cells: [BoundaryCell] = []

    /// Per hazard, the sums by class of `people x area(region ∩ part)` over the parts of each cell of
    /// `window` that the region's boundary crosses (`fractions` its coverage, `population` the chunk's,
    /// `scratch` holding the window's pieces of boundary); hazards without parts get nothing.
    mutating func sums(window: GridWindow, tile: GridWindow, chunk: GridWindow, fractions: [Double], population: [Double],
                       scratch: inout CoverageScratch, hazards: [HazardCells], hazardParts: [HazardSubCells],
                       classCount: Int) -> [RegionTotals] {
        cells.removeAll(keepingCapacity: true)
        for r in 0..<window.height {
            let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
            for c in 0..<window.width {
                let f = fractions[r * window.width + c], people = population[chunkRow + c]
                if f > 0 && f < 1 && people > 0 { cells.append(BoundaryCell(windowCell: r * window.width + c, people: people, coverage: f)) }
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
        var totals = [RegionTotals](repeating: RegionTotals(classCount: classCount), count: hazards.count)
        if partSums.count < unknown + 1 { partSums = [Double](repeating: 0, count: unknown + 1) }
        for h in hazards.indices where hazardParts[h].isAvailable {
            let sub = hazardParts[h], shares = hazards[h].shares, codeCount = hazards[h].codeCount
            for cell in cells {
                let r = cell.windowCell / window.width, c = cell.windowCell % window.width
                let tileColumn = window.column - tile.column + c, tileRow = window.row - tile.row + r
                if cell.pieces.isEmpty {
                    // No piece of boundary (only an invalid, self-overlapping region gets here): the cell's shares.
                    let base = (tileRow * tile.width + tileColumn) * codeCount
                    let weight = cell.coverage * cell.people
                    for k in 1...classCount { totals[h].exposedByClass[k - 1] += weight * Double(shares[base + k]) }
                    totals[h].hazardUnknown += weight * Double(shares[base + unknown])
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
                for k in 1...classCount { totals[h].exposedByClass[k - 1] += cell.people * partSums[k] }
                totals[h].hazardUnknown += cell.people * partSums[unknown]
            }
        }
        return totals
    }
}
