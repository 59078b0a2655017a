/// Reads hazard cells for one worker thread. ExposureIO implements it over GDAL and PROJ.
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
}

/// How the hazard is brought onto the population grid (BRIEF section 3).
public enum HazardSamplingMode: Sendable, Equatable, CustomStringConvertible {
    /// Hazard as coarse as the population grid or coarser: the hazard value at each population cell's centre.
    case centre
    /// Finer hazard in the same CRS: each population cell's exact area share in each hazard cell.
    case exactShares
    /// Finer hazard in another CRS: the class at n x n points evenly spread over each population cell.
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
        let codeCount = classes.count + 2
        switch mode {
        case .centre: cells.prepareCodes(cellCount: chunk.cellCount)
        case .exactShares, .supersampled: cells.prepareShares(cellCount: chunk.cellCount, codeCount: codeCount)
        }
        // Split the chunk into bands of rows whose hazard window fits the read budget.
        let perRow = Double(chunk.width) * max(1, hazardCellsPerPopulationCell)
        let bandRows = max(1, min(chunk.height, Int(Double(maxHazardCellsPerRead) / max(1, perRow))))
        var row = chunk.row
        while row < chunk.endRow {
            let band = GridWindow(column: chunk.column, row: row, width: chunk.width, height: min(bandRows, chunk.endRow - row))
            let offset = (row - chunk.row) * chunk.width
            switch mode {
            case .centre:
                try samplePoints(band, subdivision: 1) { cell, code in cells.codes[offset + cell] = code }
            case .supersampled(let n):
                let weight = 1 / Float(n * n)
                try samplePoints(band, subdivision: n) { cell, code in
                    cells.shares[(offset + cell) * codeCount + Int(code)] += weight
                }
            case .exactShares:
                try sampleExactShares(band, codeCount: codeCount) { cell, code, share in
                    cells.shares[(offset + cell) * codeCount + Int(code)] += share
                }
            }
            row = band.endRow
        }
    }

    /// Hazard codes at n x n evenly spread points of each population cell of `band`; `emit(cell, code)`
    /// receives the cell's index within the band.
    private mutating func samplePoints(_ band: GridWindow, subdivision n: Int, emit: (Int, UInt8) -> Void) throws {
        let hazard = reader.grid
        let unknown = classes.unknownCode
        let vw = band.width * n, vh = band.height * n
        // Fractional hazard positions (column, row) of every point.
        let positions: (columns: [Double], rows: [Double], separable: Bool)
        if reader.needsTransform {
            let (cols, rows) = try transformedPositions(band, subdivision: n)
            positions = (cols, rows, false)
        } else {
            var cols = [Double](repeating: 0, count: vw), rows = [Double](repeating: 0, count: vh)
            for i in 0..<vw {
                let x = populationGrid.transform.originX + (Double(band.column) + (Double(i) + 0.5) / Double(n)) * populationGrid.transform.cellWidth
                cols[i] = (x - hazard.transform.originX) / hazard.transform.cellWidth
            }
            for j in 0..<vh {
                let y = populationGrid.transform.originY - (Double(band.row) + (Double(j) + 0.5) / Double(n)) * populationGrid.transform.cellHeight
                rows[j] = (hazard.transform.originY - y) / hazard.transform.cellHeight
            }
            positions = (cols, rows, true)
        }
        @inline(__always) func column(_ i: Int, _ j: Int) -> Double { positions.separable ? positions.columns[i] : positions.columns[j * vw + i] }
        @inline(__always) func row(_ i: Int, _ j: Int) -> Double { positions.separable ? positions.rows[j] : positions.rows[j * vw + i] }

        // One read of the hazard window that holds every point inside the hazard grid.
        var minC = Int.max, maxC = Int.min, minR = Int.max, maxR = Int.min
        for j in 0..<vh {
            for i in 0..<vw {
                let c = column(i, j), r = row(i, j)
                guard c >= 0, r >= 0, c < Double(hazard.width), r < Double(hazard.height) else { continue }
                let ci = Int(c), ri = Int(r)
                minC = min(minC, ci); maxC = max(maxC, ci); minR = min(minR, ri); maxR = max(maxR, ri)
                if positions.separable { break }
            }
        }
        if positions.separable, minC != Int.max {
            // Separable: the column range is the same on every row; recompute it over all columns.
            minC = Int.max; maxC = Int.min
            for c in positions.columns where c >= 0 && c < Double(hazard.width) {
                minC = min(minC, Int(c)); maxC = max(maxC, Int(c))
            }
        }
        guard minC != Int.max else {
            for j in 0..<vh { for i in 0..<vw { emit((j / n) * band.width + i / n, unknown) } }
            return
        }
        let window = GridWindow(column: minC, row: minR, width: maxC - minC + 1, height: maxR - minR + 1)
        try reader.readCodes(window, classes: classes, into: &codes)
        for j in 0..<vh {
            for i in 0..<vw {
                let c = column(i, j), r = row(i, j)
                let cell = (j / n) * band.width + i / n
                guard c >= 0, r >= 0, c < Double(hazard.width), r < Double(hazard.height) else {
                    emit(cell, unknown)
                    continue
                }
                emit(cell, codes[(Int(r) - window.row) * window.width + Int(c) - window.column])
            }
        }
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
    /// north-up grids is the product of the overlaps along x and along y.
    private mutating func sampleExactShares(_ band: GridWindow, codeCount: Int, emit: (Int, UInt8, Float) -> Void) throws {
        let hazard = reader.grid
        let pt = populationGrid.transform, ht = hazard.transform
        let unknown = classes.unknownCode
        func spans(_ lo: Double, _ hi: Double, origin: Double, size: Double) -> [(Int, Double)] {
            // [lo, hi) in hazard cell units; index may be outside the grid (unknown).
            let a = (lo - origin) / size, b = (hi - origin) / size
            var result: [(Int, Double)] = []
            var k = Int(a.rounded(.down))
            while Double(k) < b {
                let overlap = min(b, Double(k + 1)) - max(a, Double(k))
                if overlap > 0 { result.append((k, overlap / (b - a))) }
                k += 1
            }
            return result
        }
        let columnSpans = (0..<band.width).map { c -> [(Int, Double)] in
            let x0 = pt.originX + Double(band.column + c) * pt.cellWidth
            return spans(x0, x0 + pt.cellWidth, origin: ht.originX, size: ht.cellWidth)
        }
        let rowSpans = (0..<band.height).map { r -> [(Int, Double)] in
            let y0 = pt.originY - Double(band.row + r) * pt.cellHeight
            // Rows grow downward: measure from the hazard origin downward.
            return spans(ht.originY - y0, ht.originY - y0 + pt.cellHeight, origin: 0, size: ht.cellHeight)
        }
        let validColumns = columnSpans.flatMap { $0.map(\.0) }.filter { $0 >= 0 && $0 < hazard.width }
        let validRows = rowSpans.flatMap { $0.map(\.0) }.filter { $0 >= 0 && $0 < hazard.height }
        guard let c0 = validColumns.min(), let c1 = validColumns.max(), let r0 = validRows.min(), let r1 = validRows.max() else {
            for cell in 0..<band.cellCount { emit(cell, unknown, 1) }
            return
        }
        let window = GridWindow(column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
        try reader.readCodes(window, classes: classes, into: &codes)
        for r in 0..<band.height {
            for c in 0..<band.width {
                let cell = r * band.width + c
                for (hr, wy) in rowSpans[r] {
                    let rowInside = hr >= 0 && hr < hazard.height
                    for (hc, wx) in columnSpans[c] {
                        let share = Float(wx * wy)
                        if rowInside && hc >= 0 && hc < hazard.width {
                            emit(cell, codes[(hr - window.row) * window.width + hc - window.column], share)
                        } else {
                            emit(cell, unknown, share)
                        }
                    }
                }
            }
        }
    }
}
