/// A piece of a region's boundary inside one cell of a coverage window, as ``CoverageFraction`` cuts it
/// (see ``CoverageScratch/recordsPieces``): coordinates in the population grid (u = column, v = row).
struct BoundaryPiece: Sendable {
    /// The cell's index in the window, row-major.
    var cell: Int
    var u0, v0, u1, v1: Double
    /// Whether the boundary arrives in the cell here (the piece before it, along the ring, is in another
    /// cell or was not walked) and whether it leaves after this piece.
    var startsRun = false
    var endsRun = false
}

/// How much of one population cell lying on a region's boundary falls in each part of a finer division of
/// the cell: its overlaps with the hazard cells (``HazardSamplingMode/exactShares``) or its n x n sub-cells
/// (``HazardSamplingMode/supersampled(_:)``). The division is rectilinear: column lines `xs`, row lines
/// `ys`, both from 0 to 1 in the cell's own units.
///
/// It is ``CoverageFraction``'s formula run inside the cell on the finer lines,
///
///     area(i, j) = h(j) x B(i, j) - T(i, j),      B(i, j) = top(i) + sum over sub-rows j' <= j of L(i, j')
///
/// with L and T from the cell's own pieces of boundary, cut at the finer lines. Only `top(i)`, the integral
/// across sub-column i of the winding number just inside the cell's top edge, needs anything from outside
/// the cell, and little: going east along the top edge, that winding number starts at `W0` and changes
/// only where the boundary crosses the edge, by -1 where the boundary comes down into the cell and by +1
/// where it leaves upward; those are where the cell's runs of pieces start or end on the top edge. `W0` is
/// an integer, and the areas are linear in it with the cell's area as coefficient, so it is the integer that
/// makes their sum equal the cell's exact coverage `f`: `W0 = round(f - sum of areas with W0 = 0)`. No
/// other cell is visited.
struct SubCellCoverage {
    /// Column and row lines, from 0 to 1 (m + 1 and n + 1 values).
    var xs: [Double] = []
    var ys: [Double] = []
    /// Area of the region in each sub-cell (j x m + i), in units of the whole cell's area.
    var area: [Double] = []
    private var l: [Double] = []
    private var t: [Double] = []
    private var top: [Double] = []
    private var cuts: [Double] = []

    init() {}

    /// Sets the lines from the widths (and heights) of the parts, which add up to 1.
    mutating func setLines(widths: ArraySlice<Double>, heights: ArraySlice<Double>) {
        SubCellCoverage.lines(from: widths, into: &xs)
        SubCellCoverage.lines(from: heights, into: &ys)
    }

    private static func lines(from sizes: ArraySlice<Double>, into lines: inout [Double]) {
        lines.removeAll(keepingCapacity: true)
        var x = 0.0
        lines.append(0)
        for size in sizes.dropLast() {
            x += size
            lines.append(x)
        }
        lines.append(1)
    }

    /// Fills `area` for the cell at (`column`, `row`) of the population grid from its pieces of boundary
    /// (`pieces[range]`, all in this cell) and its exact coverage `f`.
    mutating func compute(pieces: [BoundaryPiece], range: Range<Int>, column: Int, row: Int, coverage f: Double) {
        let m = xs.count - 1, n = ys.count - 1
        let count = m * n
        if l.count < count {
            l = [Double](repeating: 0, count: count)
            t = [Double](repeating: 0, count: count)
            area = [Double](repeating: 0, count: count)
        } else {
            for k in 0..<count { l[k] = 0; t[k] = 0 }
        }
        if top.count < m { top = [Double](repeating: 0, count: m) } else { for i in 0..<m { top[i] = 0 } }
        let u = Double(column), v = Double(row)
        // A run endpoint on the top edge lies on it up to rounding; every other one lies on the left, right
        // or bottom edge (or is a ring's first vertex, met twice with opposite signs), where counting it as on
        // the top edge would change nothing, so the tolerance can be generous.
        let onTopEdge = 1e-6
        for k in range {
            let piece = pieces[k]
            let au = piece.u0 - u, av = piece.v0 - v, bu = piece.u1 - u, bv = piece.v1 - v
            if piece.startsRun && abs(av) <= onTopEdge { addJump(at: au, by: -1, m: m) }
            if piece.endsRun && abs(bv) <= onTopEdge { addJump(at: bu, by: 1, m: m) }
            let du = bu - au, dv = bv - av
            if du == 0 { continue }
            // Cut at every finer line the piece crosses.
            cuts.removeAll(keepingCapacity: true)
            let uLow = min(au, bu), uHigh = max(au, bu)
            var i = SubCellCoverage.index(xs, uLow, m) + 1
            while i < m && xs[i] < uHigh {
                if xs[i] > uLow { cuts.append((xs[i] - au) / du) }
                i += 1
            }
            if dv != 0 {
                let vLow = min(av, bv), vHigh = max(av, bv)
                var j = SubCellCoverage.index(ys, vLow, n) + 1
                while j < n && ys[j] < vHigh {
                    if ys[j] > vLow { cuts.append((ys[j] - av) / dv) }
                    j += 1
                }
            }
            // A few cuts at most: insertion sort.
            for a in cuts.indices.dropFirst() {
                var b = a
                while b > 0 && cuts[b - 1] > cuts[b] { cuts.swapAt(b - 1, b); b -= 1 }
            }
            cuts.append(1)
            var pu = au, pv = av
            for cut in cuts {
                let qu = cut >= 1 ? bu : au + cut * du
                let qv = cut >= 1 ? bv : av + cut * dv
                let extent = qu - pu
                if extent != 0 {
                    let mu = (pu + qu) / 2, mv = (pv + qv) / 2
                    let si = SubCellCoverage.index(xs, mu, m), sj = SubCellCoverage.index(ys, mv, n)
                    l[sj * m + si] += extent
                    t[sj * m + si] += (mv - ys[sj]) * extent
                }
                pu = qu
                pv = qv
            }
        }
        var sum = 0.0
        for i in 0..<m {
            var b = top[i]
            for j in 0..<n {
                let k = j * m + i
                b += l[k]
                let a = (ys[j + 1] - ys[j]) * b - t[k]
                area[k] = a
                sum += a
            }
        }
        let w0 = (f - sum).rounded()
        for j in 0..<n {
            let h = ys[j + 1] - ys[j]
            for i in 0..<m {
                let k = j * m + i
                let whole = (xs[i + 1] - xs[i]) * h
                area[k] = min(max(area[k] + w0 * whole, 0), whole)
            }
        }
    }

    /// The winding number just inside the top edge changes by `s` at `x`: adds its integral over each
    /// sub-column.
    @inline(__always)
    private mutating func addJump(at x: Double, by s: Double, m: Int) {
        for i in 0..<m where xs[i + 1] > x {
            top[i] += s * (xs[i + 1] - max(xs[i], x))
        }
    }

    /// The part (0 ..< count) holding `x`: `lines[i] <= x < lines[i + 1]`, clamped.
    @inline(__always)
    static func index(_ lines: [Double], _ x: Double, _ count: Int) -> Int {
        var low = 0, high = count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lines[mid] <= x { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
