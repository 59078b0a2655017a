import Dispatch
import Synchronization

/// Reads population cells for one worker thread. ExposureIO implements it over GDAL.
public protocol PopulationReader {
    /// Fills `values` (row-major, `window.cellCount`) with people per cell; nodata becomes NaN.
    func read(_ window: GridWindow, into values: inout [Double]) throws
}

/// What each worker thread opens for itself (GDAL handles are not shared between threads).
public struct WorkerInputs {
    public var population: any PopulationReader
    public var hazard: HazardSampler?

    public init(population: any PopulationReader, hazard: HazardSampler?) {
        self.population = population
        self.hazard = hazard
    }
}

/// The result of a zonal pass.
public struct ZonalResult: Sendable {
    /// One per region, in the order the regions were given.
    public let totals: [RegionTotals]
    /// Population cells with data (not nodata) that lie at least partly inside some region.
    public let validCellsInRegions: Int
    /// Cells with a negative population count (counted as zero).
    public let negativeCells: Int
    public let chunkCount: Int
}

/// One streaming pass over the population grid: chunks of whole blocks are read once, each by one worker,
/// and every region overlapping a chunk accumulates `coverage x population` (per hazard class).
/// Memory is a few chunks per worker, whatever the raster size. Results do not depend on the number of
/// threads: per-chunk sums are added in chunk order.
public struct ZonalEngine: Sendable {
    public let grid: Grid
    public let regions: [RegionShape]
    public let classes: HazardClasses?
    public let chunks: [GridWindow]

    /// - Parameter blockSize: the population raster's native block size; chunks are made of whole blocks,
    ///   about `targetChunkCells` cells each.
    public init(grid: Grid, regions: [RegionShape], classes: HazardClasses?, blockSize: (width: Int, height: Int),
                targetChunkCells: Int = 1 << 20) {
        self.grid = grid
        self.regions = regions
        self.classes = classes
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
        var regions: [(index: Int, totals: RegionTotals)] = []
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

        var totals = [RegionTotals](repeating: RegionTotals(classCount: classes?.count ?? 0), count: regions.count)
        var valid = 0, negative = 0
        for sums in results.withLock({ $0 }) {
            guard let sums else { continue }
            for (index, part) in sums.regions { totals[index].add(part) }
            valid += sums.validCells
            negative += sums.negativeCells
        }
        return ZonalResult(totals: totals, validCellsInRegions: valid, negativeCells: negative, chunkCount: chunks.count)
    }

    /// A worker's buffers, reused from chunk to chunk.
    private struct ChunkWorker {
        let engine: ZonalEngine
        var population: [Double] = []
        var hazard = HazardCells()
        var fractions: [Double] = []
        var scratch = CoverageScratch()
        /// Marks cells already counted as valid in this chunk (a cell may lie in several regions).
        var counted: [Bool] = []

        init(engine: ZonalEngine) { self.engine = engine }

        mutating func process(_ chunk: GridWindow, inputs: inout WorkerInputs) throws -> ChunkSums {
            if population.count < chunk.cellCount { population = [Double](repeating: 0, count: chunk.cellCount) }
            try inputs.population.read(chunk, into: &population)
            let classes = engine.classes
            if classes != nil, inputs.hazard != nil {
                try inputs.hazard!.sample(chunk, into: &hazard)
            }
            let hasHazard = classes != nil && inputs.hazard != nil
            let classCount = classes?.count ?? 0
            let unknown = Int(classes?.unknownCode ?? 0)
            if counted.count < chunk.cellCount { counted = [Bool](repeating: false, count: chunk.cellCount) } else {
                for i in 0..<chunk.cellCount { counted[i] = false }
            }
            var sums = ChunkSums()
            for (index, region) in engine.regions.enumerated() {
                let window = region.cellWindow.intersection(chunk)
                if window.isEmpty { continue }
                if fractions.count < window.cellCount { fractions = [Double](repeating: 0, count: window.cellCount) }
                CoverageFraction.compute(region, window: window, into: &fractions, scratch: &scratch)
                var totals = RegionTotals(classCount: classCount)
                var touched = false
                for r in 0..<window.height {
                    let chunkRow = (window.row - chunk.row + r) * chunk.width + (window.column - chunk.column)
                    for c in 0..<window.width {
                        let f = fractions[r * window.width + c]
                        if f == 0 { continue }
                        let cell = chunkRow + c
                        let people = population[cell]
                        if people.isNaN { continue }
                        if !counted[cell] {
                            counted[cell] = true
                            sums.validCells += 1
                            if people < 0 { sums.negativeCells += 1 }
                        }
                        if people <= 0 { continue }
                        touched = true
                        let weight = f * people
                        totals.population += weight
                        guard hasHazard else { continue }
                        switch hazard.layout {
                        case .codes:
                            let code = Int(hazard.codes[cell])
                            if code == 0 { continue }
                            if code == unknown { totals.hazardUnknown += weight } else { totals.exposedByClass[code - 1] += weight }
                        case .shares:
                            let base = cell * hazard.codeCount
                            for k in 1...classCount { totals.exposedByClass[k - 1] += weight * Double(hazard.shares[base + k]) }
                            totals.hazardUnknown += weight * Double(hazard.shares[base + unknown])
                        }
                    }
                }
                if touched { sums.regions.append((index, totals)) }
            }
            return sums
        }
    }
}
