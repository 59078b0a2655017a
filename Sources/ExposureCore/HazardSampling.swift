import GridGeometry

/// Reads hazard cells for one worker thread. ExposureAdapters implements it over GDAL and PROJ.
public protocol HazardRasterReader {
    /// The hazard raster's own grid, in its own CRS.
    var grid: Grid { get }
    /// Whether population-grid coordinates must be transformed to reach the hazard's CRS.
    var needsTransform: Bool { get }
    /// Class codes (``HazardClasses/code(for:)``) of a window of hazard cells; nodata gives the unknown code.
    func readCodes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws
    /// Transforms points from the population grid's CRS to the hazard's, in place; a point that cannot be
    /// transformed becomes NaN.
    func transformToHazardCRS(x: inout [Double], y: inout [Double]) throws
    /// The engine is done with population chunk `chunk`: a reader that shares decoded hazard blocks between
    /// chunks may let go of those no later chunk reads.
    func finished(_ chunk: GridWindow)
}

extension HazardRasterReader {
    public func finished(_ chunk: GridWindow) {}
}

/// How the hazard is brought onto the population grid (docs/methodology.md).
public enum HazardSamplingMode: Sendable, Equatable, CustomStringConvertible {
    /// Hazard as coarse as the population grid or coarser: the hazard value at each population cell's centre.
    case centre
    /// Finer hazard in the same CRS: each population cell's exact area share in each hazard cell (on a
    /// region's boundary, of the part of the cell inside the region).
    case exactShares
    /// Finer hazard in another CRS: the class at n x n points evenly spread over each population cell, each
    /// standing for its 1/n x 1/n sub-cell (on a region's boundary, weighted by the region's exact coverage
    /// of the sub-cell).
    case supersampled(Int)

    /// Picks the mode from how many hazard cells fit in one population cell.
    public static func choose(hazardCellsPerPopulationCell ratio: Double, sameCRS: Bool) -> HazardSamplingMode {
        if ratio <= 1 + 1e-9 { return .centre }
        if sameCRS { return .exactShares }
        return .supersampled(min(16, max(2, Int((ratio.squareRoot() - 1e-9).rounded(.up)))))
    }

    public var description: String {
        switch self {
        case .centre: "hazard value at each population cell's centre"
        case .exactShares: "exact area share of each population cell in each hazard class"
        case .supersampled(let n): "share of \(n)x\(n) points per population cell in each hazard class"
        }
    }
}

/// Brings hazard classes onto chunks of the population grid, for one worker.
public struct HazardSampler {
    let populationGrid: Grid
    let classes: HazardClasses
    let mode: HazardSamplingMode
    let reader: any HazardRasterReader
    /// Upper bound on hazard cells read at once, to keep memory bounded when the hazard is much finer.
    let maxHazardCellsPerRead: Int
    /// How many hazard cells fit in one population cell (about), for the read budget.
    let hazardCellsPerPopulationCell: Double

    private var codes: [UInt8] = []
    /// The parts of the cells of a band when the caller does not keep them.
    private var scratchParts = HazardSubCells()
    private var xs: [Double] = []
    private var ys: [Double] = []

    public init(populationGrid: Grid, classes: HazardClasses, mode: HazardSamplingMode,
                reader: any HazardRasterReader, hazardCellsPerPopulationCell: Double,
                maxHazardCellsPerRead: Int = 8_000_000) {
        self.hazardCellsPerPopulationCell = hazardCellsPerPopulationCell
        self.populationGrid = populationGrid
        self.classes = classes
        self.mode = mode
        self.reader = reader
        self.maxHazardCellsPerRead = maxHazardCellsPerRead
    }

    /// Fills `cells` for every population cell of `chunk`.
    public mutating func sample(_ chunk: GridWindow, into cells: inout HazardCells) throws {
        var parts = HazardSubCells()
        swap(&parts, &scratchParts)
        defer { swap(&parts, &scratchParts) }
        try sample(chunk, into: &cells, parts: &parts, keepingParts: false)
    }

    /// With the hazard as coarse as the population grid or coarser (``keepsSubCells`` false): the code of every
    /// cell of `tile` into `codes[cell * stride + lane]`, the engine's interleaved layout of many hazards, the
    /// codes ``sample(_:into:)`` gives, without a copy per hazard to interleave afterwards.
    mutating func sampleInterleaved(_ tile: GridWindow, into codes: UnsafeMutableBufferPointer<UInt8>, stride: Int, lane: Int) throws {
        precondition(mode == .centre, "interleaved sampling takes one code per cell")
        let bandRows = max(1, min(tile.height, Int(Double(maxHazardCellsPerRead) / max(1, Double(tile.width) * max(1, hazardCellsPerPopulationCell)))))
        var row = tile.row
        while row < tile.endRow {
            let band = GridWindow(column: tile.column, row: row, width: tile.width, height: min(bandRows, tile.endRow - row))
            let offset = (row - tile.row) * tile.width
            try samplePoints(band, subdivision: 1, into: UnsafeMutableBufferPointer(rebasing: codes[(offset * stride)...]),
                             stride: stride, lane: lane)
            row = band.endRow
        }
    }

    /// Every sampler of `samplers` into the interleaved layout, lane h from `samplers[h]`: the codes
    /// ``sampleInterleaved(_:into:stride:lane:)`` gives lane by lane. Centre-sampled hazards on the grid of the
    /// first of them, in the population's CRS (a scenario's return periods), share the work: the points'
    /// positions once, each one's window of codes read, then side by side in one array, from which each cell
    /// takes its codes for all of them at once, and a row of cells on the hazard row of the row before is a
    /// copy of it. The others are sampled lane by lane.
    static func sampleInterleaved(_ samplers: inout [HazardSampler], tile: GridWindow,
                                  into pointCodes: UnsafeMutableBufferPointer<UInt8>) throws {
        let stride = samplers.count
        let shared = samplers.indices.filter { h in
            samplers[h].mode == .centre && !samplers[h].reader.needsTransform && samplers[h].reader.grid == samplers[0].reader.grid
                && samplers[h].maxHazardCellsPerRead == samplers[0].maxHazardCellsPerRead
                && samplers[h].hazardCellsPerPopulationCell == samplers[0].hazardCellsPerPopulationCell
        }
        let grouped = shared.first == 0 && shared.count > 1
        if grouped {
            let first = samplers[0]
            let bandRows = max(1, min(tile.height, Int(Double(first.maxHazardCellsPerRead)
                                                      / max(1, Double(tile.width) * max(1, first.hazardCellsPerPopulationCell)))))
            var row = tile.row
            while row < tile.endRow {
                let band = GridWindow(column: tile.column, row: row, width: tile.width, height: min(bandRows, tile.endRow - row))
                let offset = (row - tile.row) * tile.width * stride
                try sampleShared(&samplers, lanes: shared, band: band,
                                 into: UnsafeMutableBufferPointer(rebasing: pointCodes[offset...]))
                row = band.endRow
            }
        }
        let done = Set(grouped ? shared : [])
        for h in samplers.indices where !done.contains(h) {
            try samplers[h].sampleInterleaved(tile, into: pointCodes, stride: stride, lane: h)
        }
    }

    /// ``sampleInterleaved(_:tile:into:)`` for `lanes`, centre-sampled on one grid in the population's CRS, over
    /// `band`; every lane of every cell is written (the lanes not in `lanes` are written again by their samplers).
    private static func sampleShared(_ samplers: inout [HazardSampler], lanes: [Int], band: GridWindow,
                                     into pointCodes: UnsafeMutableBufferPointer<UInt8>) throws {
        let stride = samplers.count
        let vw = band.width, vh = band.height
        let (columns, rows, found) = samplers[lanes[0]].hazardCells(band, subdivision: 1)
        // Each cell's codes outside the hazard: every lane's unknown code.
        let unknown = samplers.map(\.classes.unknownCode)
        guard let window = found else {
            for k in 0..<(vw * vh) { for h in 0..<stride { pointCodes[k * stride + h] = unknown[h] } }
            return
        }
        // The lanes' codes of the window, each in its sampler's array, then side by side: `side[cell * stride + h]`,
        // from which each point takes its cell's codes for all lanes at once.
        let cells = window.cellCount
        for h in lanes { try samplers[h].reader.readCodes(window, classes: samplers[h].classes, into: &samplers[h].codes) }
        // Every code is written below; room for 16 bytes more, which ``transpose(_:cells:into:)`` may write.
        let sideCount = cells * stride
        let side = [UInt8](unsafeUninitializedCapacity: sideCount + 16) { buffer, count in
            count = sideCount
            withPlanes(lanes.map { samplers[$0].codes }) { planes in
                if lanes.elementsEqual(0..<stride) {
                    transpose(planes, cells: cells, into: buffer.baseAddress!)
                    return
                }
                // The lanes of the other samplers, which write them afterwards, as zeros meanwhile.
                buffer.initialize(repeating: 0)
                let to = buffer.baseAddress!
                for k in 0..<cells {
                    let cell = to + k &* stride
                    for (l, h) in lanes.enumerated() { cell[h] = planes[l][k] }
                }
            }
        }
        side.withUnsafeBufferPointer { side in
            unknown.withUnsafeBufferPointer { unknown in
                var previousRow = -2
                for j in 0..<vh {
                    let out = pointCodes.baseAddress! + j * vw * stride
                    if rows[j] >= 0 && rows[j] == previousRow {
                        out.update(from: out - vw * stride, count: vw * stride)
                        continue
                    }
                    previousRow = rows[j]
                    guard rows[j] >= 0 else {
                        for i in 0..<vw { copyCodes(from: unknown.baseAddress!, to: out + i &* stride, count: stride) }
                        continue
                    }
                    // The hazard row's cell `column` is cell `row + column` of the window.
                    let row = (rows[j] - window.row) * window.width - window.column
                    columns.withUnsafeBufferPointer { columns in
                        for i in 0..<vw {
                            let column = columns[i]
                            let source = column < 0 ? unknown.baseAddress! : side.baseAddress! + (row &+ column) &* stride
                            copyCodes(from: source, to: out + i &* stride, count: stride)
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with the start of each array of `arrays`, all valid during the call (one
    /// `withUnsafeBufferPointer` inside the other).
    private static func withPlanes(_ arrays: [[UInt8]], _ body: (UnsafeBufferPointer<UnsafePointer<UInt8>>) -> Void) {
        let planes = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: max(1, arrays.count))
        defer { planes.deallocate() }
        func nest(_ i: Int) {
            guard i < arrays.count else { return body(UnsafeBufferPointer(start: planes, count: arrays.count)) }
            arrays[i].withUnsafeBufferPointer { codes in
                planes[i] = codes.baseAddress!
                nest(i + 1)
            }
        }
        nest(0)
    }

    /// `side[k * lanes + l] = planes[l][k]` for `lanes = planes.count` planes of `cells` codes each: the planes side
    /// by side. Blocks of 16 planes by 16 cells are transposed in four rounds of unpacks (bytes, then 16-, 32- and
    /// 64-bit lanes, which the compiler emits as `punpck` instructions), and each cell's 16 codes stored at once.
    /// `side` has room for 16 bytes more than `cells * lanes`: when fewer than 16 planes are left, the store
    /// of a cell's last codes runs over into the next cells, which are stored after it.
    static func transpose(_ planes: UnsafeBufferPointer<UnsafePointer<UInt8>>, cells: Int, into side: UnsafeMutablePointer<UInt8>) {
        typealias Bytes = SIMD16<UInt8>
        let lanes = planes.count
        let rows = UnsafeMutablePointer<Bytes>.allocate(capacity: 16), next = UnsafeMutablePointer<Bytes>.allocate(capacity: 16)
        defer {
            rows.deallocate()
            next.deallocate()
        }
        let out = UnsafeMutableRawPointer(side)
        var k = 0
        while k &+ 16 <= cells {
            // The last group of planes first: it is the one whose stores run over into the next cells' first
            // codes, which the full groups then store.
            var group = ((lanes &- 1) / 16) &* 16
            while group >= 0 {
                let count = min(16, lanes &- group)
                for l in 0..<16 {
                    rows[l] = l < count ? UnsafeRawPointer(planes[group &+ l] + k).loadUnaligned(as: Bytes.self) : Bytes()
                }
                for i in 0..<8 {
                    next[2 &* i] = rows[2 &* i].interleavedLow8(rows[2 &* i &+ 1])
                    next[2 &* i &+ 1] = rows[2 &* i].interleavedHigh8(rows[2 &* i &+ 1])
                }
                // rows[4q + m]: planes 4q..<4q+4 of cells 4m..<4m+4.
                for q in 0..<4 {
                    let a = next[4 &* q], b = next[4 &* q &+ 1], c = next[4 &* q &+ 2], d = next[4 &* q &+ 3]
                    rows[4 &* q] = a.interleavedLow16(c)
                    rows[4 &* q &+ 1] = a.interleavedHigh16(c)
                    rows[4 &* q &+ 2] = b.interleavedLow16(d)
                    rows[4 &* q &+ 3] = b.interleavedHigh16(d)
                }
                // next[8o + j]: planes 8o..<8o+8 of cells 2j and 2j+1.
                for o in 0..<2 {
                    for m in 0..<4 {
                        let a = rows[8 &* o &+ m], b = rows[8 &* o &+ 4 &+ m]
                        next[8 &* o &+ 2 &* m] = a.interleavedLow32(b)
                        next[8 &* o &+ 2 &* m &+ 1] = a.interleavedHigh32(b)
                    }
                }
                for j in 0..<8 {
                    let cell = (k &+ 2 &* j) &* lanes &+ group
                    out.storeBytes(of: next[j].interleavedLow64(next[8 &+ j]), toByteOffset: cell, as: Bytes.self)
                    out.storeBytes(of: next[j].interleavedHigh64(next[8 &+ j]), toByteOffset: cell &+ lanes, as: Bytes.self)
                }
                group &-= 16
            }
            k &+= 16
        }
        while k < cells {
            for l in 0..<lanes { side[k &* lanes &+ l] = planes[l][k] }
            k &+= 1
        }
    }

    /// Copies `count` codes, sixteen then eight at a time.
    @inline(__always)
    private static func copyCodes(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        var k = 0
        while k &+ 16 <= count {
            UnsafeMutableRawPointer(target + k).storeBytes(of: UnsafeRawPointer(source + k).loadUnaligned(as: SIMD16<UInt8>.self),
                                                           as: SIMD16<UInt8>.self)
            k &+= 16
        }
        while k + 8 <= count {
            UnsafeMutableRawPointer(target + k).storeBytes(of: UnsafeRawPointer(source + k).loadUnaligned(as: UInt64.self), as: UInt64.self)
            k += 8
        }
        while k < count {
            target[k] = source[k]
            k += 1
        }
    }

    /// The engine is done with population chunk `chunk` (see ``HazardRasterReader/finished(_:)``).
    public func finished(_ chunk: GridWindow) { reader.finished(chunk) }

    /// Whether ``sample(_:into:parts:keepingParts:)`` can keep parts (the hazard is finer).
    var keepsSubCells: Bool { mode != .centre }

    /// The most population cells one ``sample(_:into:parts:keepingParts:)`` call keeping parts should
    /// cover: the read budget in hazard cells (exact shares: the codes kept are the ones read, as when the
    /// sampler bands a chunk itself), an eighth of it in points (supersampling: each point takes 16 to 64
    /// bytes while it is transformed).
    var maxCellsPerKeptSample: Int {
        switch mode {
        case .centre: Int.max
        case .exactShares: max(1, Int(Double(maxHazardCellsPerRead) / max(1, hazardCellsPerPopulationCell)))
        case .supersampled(let n): max(1, maxHazardCellsPerRead / 8 / (n * n))
        }
    }

    /// Fills `cells` for every population cell of `chunk`; with `keepingParts` (and a finer hazard) also
    /// `parts`, the class of each part of each cell, which the engine needs for the cells that regions'
    /// boundaries cross. The chunk is then read at once: keep it within ``maxCellsPerKeptSample``.
    mutating func sample(_ chunk: GridWindow, into cells: inout HazardCells, parts: inout HazardSubCells,
                         keepingParts: Bool) throws {
        let codeCount = classes.count + 2
        let keep = keepingParts && keepsSubCells
        switch mode {
        case .centre: cells.prepareCodes(cellCount: chunk.cellCount)
        case .exactShares, .supersampled: cells.prepareShares(cellCount: chunk.cellCount, codeCount: codeCount)
        }
        parts.isAvailable = keep
        // Split the chunk into bands of rows whose hazard window fits the read budget.
        let perRow = Double(chunk.width) * max(1, hazardCellsPerPopulationCell)
        let bandRows = keep ? chunk.height : max(1, min(chunk.height, Int(Double(maxHazardCellsPerRead) / max(1, perRow))))
        var row = chunk.row
        while row < chunk.endRow {
            let band = GridWindow(column: chunk.column, row: row, width: chunk.width, height: min(bandRows, chunk.endRow - row))
            let offset = (row - chunk.row) * chunk.width
            switch mode {
            case .centre:
                try cells.codes.withUnsafeMutableBufferPointer { codes in
                    try samplePoints(band, subdivision: 1, into: UnsafeMutableBufferPointer(rebasing: codes[offset..<(offset + band.cellCount)]))
                }
            case .supersampled(let n):
                // The points' codes (row-major over the band's n-times finer grid), then each cell's share of them.
                let vw = band.width * n
                if keep {
                    parts.supersampled(width: band.width, height: band.height, n: n)
                } else if parts.codes.count < band.cellCount * n * n {
                    parts.codes = [UInt8](repeating: 0, count: band.cellCount * n * n)
                }
                try parts.codes.withUnsafeMutableBufferPointer { try samplePoints(band, subdivision: n, into: $0) }
                let weight = 1 / Float(n * n)
                cells.shares.withUnsafeMutableBufferPointer { shares in
                    parts.codes.withUnsafeBufferPointer { codes in
                        for r in 0..<band.height {
                            for j in 0..<n {
                                let points = (r * n + j) * vw
                                for c in 0..<band.width {
                                    let base = (offset + r * band.width + c) * codeCount
                                    for i in 0..<n { shares[base + Int(codes[points + c * n + i])] += weight }
                                }
                            }
                        }
                    }
                }
            case .exactShares:
                try sampleExactShares(band, parts: &parts)
                let unknown = Int(classes.unknownCode)
                // Each cell adds its shares rows of parts outer, columns inner, as it always has.
                let p = parts
                cells.shares.withUnsafeMutableBufferPointer { shares in
                    p.codes.withUnsafeBufferPointer { codes in
                        for r in 0..<band.height {
                            for t in p.rowStart[r]..<p.rowStart[r + 1] {
                                let rowKey = p.rowKey[t], wy = p.rowHeight[t]
                                for c in 0..<band.width {
                                    let base = (offset + r * band.width + c) * codeCount
                                    for s in p.columnStart[c]..<p.columnStart[c + 1] {
                                        let columnKey = p.columnKey[s]
                                        let code = rowKey < 0 || columnKey < 0 ? unknown : Int(codes[rowKey * p.keyWidth + columnKey])
                                        shares[base + code] += Float(p.columnWidth[s] * wy)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            row = band.endRow
        }
    }

    /// Hazard codes at n x n evenly spread points of each population cell of `band`, into `pointCodes`
    /// row-major over the band's n-times finer grid.
    /// `stride` and `lane`: point k's code goes to `pointCodes[k * stride + lane]` (the engine's interleaved
    /// layout of many hazards).
    private mutating func samplePoints(_ band: GridWindow, subdivision n: Int, into pointCodes: UnsafeMutableBufferPointer<UInt8>,
                                       stride: Int = 1, lane: Int = 0) throws {
        let hazard = reader.grid
        let unknown = classes.unknownCode
        let vw = band.width * n, vh = band.height * n
        if !reader.needsTransform {
            // The same hazard column for every row of points, and the same row for every column.
            let (columns, rows, found) = hazardCells(band, subdivision: n)
            guard let window = found else {
                for k in 0..<(vw * vh) { pointCodes[k * stride + lane] = unknown }
                return
            }
            try reader.readCodes(window, classes: classes, into: &codes)
            codes.withUnsafeBufferPointer { codes in
                for j in 0..<vh {
                    var out = pointCodes.baseAddress! + (j * vw) * stride + lane
                    guard rows[j] >= 0 else {
                        for _ in 0..<vw { out.pointee = unknown; out += stride }
                        continue
                    }
                    let row = codes.baseAddress! + (rows[j] - window.row) * window.width
                    for i in 0..<vw {
                        let k = columns[i]
                        out.pointee = k < 0 ? unknown : row[k - window.column]
                        out += stride
                    }
                }
            }
            return
        }
        // Fractional hazard positions (column, row) of every point, through PROJ.
        let (columns, rows) = try transformedPositions(band, subdivision: n)
        // One read of the hazard window that holds every point inside the hazard grid.
        var minC = Int.max, maxC = Int.min, minR = Int.max, maxR = Int.min
        for k in 0..<(vw * vh) {
            let c = columns[k], r = rows[k]
            guard c >= 0, r >= 0, c < Double(hazard.width), r < Double(hazard.height) else { continue }
            let ci = Int(c), ri = Int(r)
            minC = min(minC, ci); maxC = max(maxC, ci); minR = min(minR, ri); maxR = max(maxR, ri)
        }
        guard minC != Int.max else {
            for k in 0..<(vw * vh) { pointCodes[k * stride + lane] = unknown }
            return
        }
        let window = GridWindow(column: minC, row: minR, width: maxC - minC + 1, height: maxR - minR + 1)
        try reader.readCodes(window, classes: classes, into: &codes)
        for k in 0..<(vw * vh) {
            let c = columns[k], r = rows[k]
            guard c >= 0, r >= 0, c < Double(hazard.width), r < Double(hazard.height) else {
                pointCodes[k * stride + lane] = unknown
                continue
            }
            pointCodes[k * stride + lane] = codes[(Int(r) - window.row) * window.width + Int(c) - window.column]
        }
    }

    /// In the population's CRS (no transformation), the hazard cell under each of the n x n points per cell of
    /// `band`: its column for each column of points and its row for each row (-1 outside the hazard grid), and
    /// the window of hazard cells holding every point inside (nil when none is).
    private func hazardCells(_ band: GridWindow, subdivision n: Int) -> (columns: [Int], rows: [Int], window: GridWindow?) {
        let hazard = reader.grid
        let vw = band.width * n, vh = band.height * n
        var columns = [Int](repeating: -1, count: vw), rows = [Int](repeating: -1, count: vh)
        for i in 0..<vw {
            let x = populationGrid.transform.originX + (Double(band.column) + (Double(i) + 0.5) / Double(n)) * populationGrid.transform.cellWidth
            let c = (x - hazard.transform.originX) / hazard.transform.cellWidth
            if c >= 0 && c < Double(hazard.width) { columns[i] = Int(c) }
        }
        for j in 0..<vh {
            let y = populationGrid.transform.originY - (Double(band.row) + (Double(j) + 0.5) / Double(n)) * populationGrid.transform.cellHeight
            let r = (hazard.transform.originY - y) / hazard.transform.cellHeight
            if r >= 0 && r < Double(hazard.height) { rows[j] = Int(r) }
        }
        let inColumns = columns.filter { $0 >= 0 }, inRows = rows.filter { $0 >= 0 }
        guard let minC = inColumns.min(), let maxC = inColumns.max(), let minR = inRows.min(), let maxR = inRows.max() else {
            return (columns, rows, nil)
        }
        return (columns, rows, GridWindow(column: minC, row: minR, width: maxC - minC + 1, height: maxR - minR + 1))
    }

    /// Hazard positions of n x n points per cell, through PROJ. Points are transformed exactly on a lattice
    /// every `step` points and interpolated bilinearly in between; where interpolation would be off by more
    /// than 0.05 hazard cells (checked at lattice-cell midpoints), every point is transformed exactly.
    private mutating func transformedPositions(_ band: GridWindow, subdivision n: Int) throws -> ([Double], [Double]) {
        let vw = band.width * n, vh = band.height * n
        let pt = populationGrid.transform, ht = reader.grid.transform
        func mapX(_ i: Double) -> Double { pt.originX + (Double(band.column) + (i + 0.5) / Double(n)) * pt.cellWidth }
        func mapY(_ j: Double) -> Double { pt.originY - (Double(band.row) + (j + 0.5) / Double(n)) * pt.cellHeight }
        func exact(_ points: [(Double, Double)]) throws -> [(Double, Double)] {
            xs = points.map { mapX($0.0) }
            ys = points.map { mapY($0.1) }
            try reader.transformToHazardCRS(x: &xs, y: &ys)
            return zip(xs, ys).map { ((($0 - ht.originX) / ht.cellWidth), ((ht.originY - $1) / ht.cellHeight)) }
        }
        let step = 16
        let latticeI = Array(stride(from: 0, to: vw - 1, by: step)) + [vw - 1]
        let latticeJ = Array(stride(from: 0, to: vh - 1, by: step)) + [vh - 1]
        var lattice: [(Double, Double)] = []
        for j in latticeJ { for i in latticeI { lattice.append((Double(i), Double(j))) } }
        let exactLattice = try exact(lattice)
        var usable = exactLattice.allSatisfy { $0.0.isFinite && $0.1.isFinite } && latticeI.count > 1 && latticeJ.count > 1
        var columns = [Double](repeating: .nan, count: vw * vh), rows = [Double](repeating: .nan, count: vw * vh)
        if usable {
            let li = latticeI.count
            for a in 0..<(latticeJ.count - 1) {
                for b in 0..<(li - 1) {
                    let p00 = exactLattice[a * li + b], p10 = exactLattice[a * li + b + 1]
                    let p01 = exactLattice[(a + 1) * li + b], p11 = exactLattice[(a + 1) * li + b + 1]
                    let i0 = latticeI[b], i1 = latticeI[b + 1], j0 = latticeJ[a], j1 = latticeJ[a + 1]
                    for j in j0...j1 {
                        let fy = Double(j - j0) / Double(j1 - j0)
                        for i in i0...i1 {
                            let fx = Double(i - i0) / Double(i1 - i0)
                            let k = j * vw + i
                            columns[k] = (p00.0 * (1 - fx) + p10.0 * fx) * (1 - fy) + (p01.0 * (1 - fx) + p11.0 * fx) * fy
                            rows[k] = (p00.1 * (1 - fx) + p10.1 * fx) * (1 - fy) + (p01.1 * (1 - fx) + p11.1 * fx) * fy
                        }
                    }
                }
            }
            // Check the interpolation where it is worst: midway between lattice points.
            var probes: [(Double, Double)] = []
            for a in stride(from: 0, to: latticeJ.count - 1, by: max(1, (latticeJ.count - 1) / 6)) {
                for b in stride(from: 0, to: latticeI.count - 1, by: max(1, (latticeI.count - 1) / 6)) {
                    probes.append((Double((latticeI[b] + latticeI[b + 1]) / 2), Double((latticeJ[a] + latticeJ[a + 1]) / 2)))
                }
            }
            let exactProbes = try exact(probes)
            for (probe, truth) in zip(probes, exactProbes) {
                let k = Int(probe.1) * vw + Int(probe.0)
                if !(abs(columns[k] - truth.0) <= 0.05 && abs(rows[k] - truth.1) <= 0.05) { usable = false; break }
            }
        }
        if !usable {
            var all: [(Double, Double)] = []
            all.reserveCapacity(vw * vh)
            for j in 0..<vh { for i in 0..<vw { all.append((Double(i), Double(j))) } }
            let transformed = try exact(all)
            for k in 0..<(vw * vh) {
                columns[k] = transformed[k].0
                rows[k] = transformed[k].1
            }
        }
        return (columns, rows)
    }

    /// Same CRS, finer hazard: the exact overlap of each population cell with each hazard cell, which on two
    /// north-up grids is the product of the overlaps along x and along y. Fills `parts` with those overlaps
    /// (as shares of the cell's width and height) and the codes of the hazard window they fall in.
    private func sampleExactShares(_ band: GridWindow, parts: inout HazardSubCells) throws {
        let hazard = reader.grid
        let pt = populationGrid.transform, ht = hazard.transform
        parts.removeAll()
        // [a, b) in hazard cell units, split at hazard cell edges; the index may be outside the grid (unknown).
        func appendSpans(_ a: Double, _ b: Double, starts: inout [Int], keys: inout [Int], sizes: inout [Double]) {
            starts.append(keys.count)
            var k = Int(a.rounded(.down))
            while Double(k) < b {
                let overlap = min(b, Double(k + 1)) - max(a, Double(k))
                if overlap > 0 {
                    keys.append(k)
                    sizes.append(overlap / (b - a))
                }
                k += 1
            }
        }
        for c in 0..<band.width {
            let x0 = pt.originX + Double(band.column + c) * pt.cellWidth
            appendSpans((x0 - ht.originX) / ht.cellWidth, (x0 + pt.cellWidth - ht.originX) / ht.cellWidth,
                        starts: &parts.columnStart, keys: &parts.columnKey, sizes: &parts.columnWidth)
        }
        parts.columnStart.append(parts.columnKey.count)
        for r in 0..<band.height {
            // Rows grow downward: measure from the hazard origin downward.
            let y0 = pt.originY - Double(band.row + r) * pt.cellHeight
            appendSpans((ht.originY - y0) / ht.cellHeight, (ht.originY - y0 + pt.cellHeight) / ht.cellHeight,
                        starts: &parts.rowStart, keys: &parts.rowKey, sizes: &parts.rowHeight)
        }
        parts.rowStart.append(parts.rowKey.count)
        var c0 = Int.max, c1 = Int.min, r0 = Int.max, r1 = Int.min
        for k in parts.columnKey where k >= 0 && k < hazard.width { c0 = min(c0, k); c1 = max(c1, k) }
        for k in parts.rowKey where k >= 0 && k < hazard.height { r0 = min(r0, k); r1 = max(r1, k) }
        if c0 == Int.max || r0 == Int.max {
            // Nothing inside the hazard raster: every part unknown.
            for i in parts.columnKey.indices { parts.columnKey[i] = -1 }
            for i in parts.rowKey.indices { parts.rowKey[i] = -1 }
            return
        }
        let window = GridWindow(column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
        try reader.readCodes(window, classes: classes, into: &parts.codes)
        parts.keyWidth = window.width
        for i in parts.columnKey.indices {
            let k = parts.columnKey[i]
            parts.columnKey[i] = k >= 0 && k < hazard.width ? k - c0 : -1
        }
        for i in parts.rowKey.indices {
            let k = parts.rowKey[i]
            parts.rowKey[i] = k >= 0 && k < hazard.height ? k - r0 : -1
        }
    }
}
