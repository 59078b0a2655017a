/// Exact coverage fractions: the share of each cell's area that lies inside a region, for any window of
/// cells, computed from the region's edges alone (no rasterisation, no sampling).
///
/// With v growing downward, the area of the region inside cell (c, r) is
///
///     area(c, r) = B(c, r) - T(c, r)
///     B(c, r)    = B(c, r-1) + L(c, r),   B(c, r0-1) = top(c)
///
/// where, over the pieces of boundary inside the cell (edges cut at every grid line), L is the sum of
/// their signed extents along u and T the sum of `(mean v of the piece - r) x (signed u extent)`, and
/// top(c) is the signed u extent, within column c, of every piece of boundary above the window's first
/// row. B(c, r) is the integral, across the column, of the region's winding number on the line below
/// row r: the column-wise running sum that plays the part of exactextract's flood fill. It needs no
/// state from other windows, so windows are computed independently (and in parallel).
public enum CoverageFraction {
    /// Fills `fractions` (row-major, `window.cellCount` values) with the coverage of each cell of `window`.
    /// `scratch` is reused between calls to avoid allocation.
    public static func compute(
        _ shape: RegionShape, window: GridWindow, into fractions: inout [Double], scratch: inout CoverageScratch
    ) {
        let w = window.width, h = window.height
        let c0 = Double(window.column), c1 = Double(window.endColumn)
        let r0 = Double(window.row), r1 = Double(window.endRow)
        scratch.reset(width: w, height: h)
        if fractions.count < w * h { fractions = [Double](repeating: 0, count: w * h) }

        for edge in shape.edges {
            let vLow = min(edge.v0, edge.v1), vHigh = max(edge.v0, edge.v1)
            if vLow >= r1 { continue }
            if max(edge.u0, edge.u1) <= c0 || min(edge.u0, edge.u1) >= c1 { continue }
            if vLow < r0 {
                // The part above the window adds its signed u extent to `top`.
                var (ua, va, ub, vb) = (edge.u0, edge.v0, edge.u1, edge.v1)
                if vHigh > r0 { clipToVBelowOrAt(r0, &ua, &va, &ub, &vb) }
                scratch.addTopExtent(from: ua, to: ub, c0: window.column)
            }
            if vHigh > r0 {
                var (ua, va, ub, vb) = (edge.u0, edge.v0, edge.u1, edge.v1)
                guard clipToVRange(r0, r1, &ua, &va, &ub, &vb) else { continue }
                scratch.walk(ua, va, ub, vb, window: window)
            } else if vHigh == r0 && vLow == r0 {
                // Horizontal edge lying on the window's first line.
                scratch.walk(edge.u0, edge.v0, edge.u1, edge.v1, window: window)
            }
        }

        scratch.finishTop()
        // Row by row, each column's running sum in `top`: the same additions in the same order as down each
        // column, but over the arrays in memory order (a wide window's columns are far apart).
        scratch.top.withUnsafeMutableBufferPointer { running in
            scratch.l.withUnsafeBufferPointer { l in
                scratch.t.withUnsafeBufferPointer { t in
                    fractions.withUnsafeMutableBufferPointer { fractions in
                        for r in 0..<h {
                            let row = r * w
                            for c in 0..<w {
                                running[c] += l[row + c]
                                let area = running[c] - t[row + c]
                                // Rounding leaves ~1e-15 outside [0, 1]; overlapping parts of an invalid multipolygon more.
                                fractions[row + c] = area < 1e-12 ? 0 : (area > 1 ? 1 : area)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Keeps the part of segment a-b with v <= limit (the segment crosses the line).
    @inline(__always)
    static func clipToVBelowOrAt(_ limit: Double, _ ua: inout Double, _ va: inout Double, _ ub: inout Double, _ vb: inout Double) {
        let t = (limit - va) / (vb - va)
        let u = ua + t * (ub - ua)
        if va > limit { ua = u; va = limit } else { ub = u; vb = limit }
    }

    /// Keeps the part of segment a-b with lo <= v <= hi; false when nothing (of positive length) is left.
    @inline(__always)
    static func clipToVRange(_ lo: Double, _ hi: Double, _ ua: inout Double, _ va: inout Double, _ ub: inout Double, _ vb: inout Double) -> Bool {
        let dv = vb - va
        var tStart = 0.0, tEnd = 1.0
        if dv == 0 {
            if va < lo || va > hi { return false }
        } else {
            let tLo = (lo - va) / dv, tHi = (hi - va) / dv
            tStart = max(tStart, min(tLo, tHi))
            tEnd = min(tEnd, max(tLo, tHi))
            if tEnd <= tStart { return false }
        }
        let du = ub - ua
        let u0 = ua
        // Points cut at a line are placed exactly on it, so rounding cannot move them out of the window.
        if tStart > 0 { ua = u0 + tStart * du; va = dv > 0 ? lo : hi }
        if tEnd < 1 { ub = u0 + tEnd * du; vb = dv > 0 ? hi : lo }
        return true
    }
}

/// Reusable buffers for ``CoverageFraction``.
public struct CoverageScratch {
    var l: [Double] = []
    var t: [Double] = []
    var top: [Double] = []
    var topRun: [Double] = []
    var width = 0
    /// When set, ``CoverageFraction/compute(_:window:into:scratch:)`` also keeps every piece of boundary it
    /// adds to a cell, in walk order, in `pieces` (for ``SubCellCoverage``); ``orderPiecesByCell()`` then
    /// marks where the boundary enters and leaves each cell and sorts them by cell into `cellPieces`.
    var recordsPieces = false
    var pieces: [BoundaryPiece] = []
    var cellPieces: [BoundaryPiece] = []
    private var sortKeys: [UInt64] = []

    public init() {}

    mutating func reset(width: Int, height: Int) {
        let n = width * height
        if l.count < n {
            l = [Double](repeating: 0, count: n)
            t = [Double](repeating: 0, count: n)
        } else {
            for i in 0..<n { l[i] = 0; t[i] = 0 }
        }
        if top.count < width + 1 {
            top = [Double](repeating: 0, count: width + 1)
            topRun = [Double](repeating: 0, count: width + 1)
        } else {
            for i in 0...width { top[i] = 0; topRun[i] = 0 }
        }
        self.width = width
        pieces.removeAll(keepingCapacity: true)
    }

    /// Marks the runs of `pieces` (a run is the boundary's stay in one cell: consecutive pieces in the same
    /// cell, each starting where the one before ended) and copies them, sorted by cell and in walk order
    /// within a cell, into `cellPieces`.
    mutating func orderPiecesByCell() {
        cellPieces.removeAll(keepingCapacity: true)
        let n = pieces.count
        guard n > 0 else { return }
        sortKeys.removeAll(keepingCapacity: true)
        for k in 0..<n {
            let starts = k == 0 || pieces[k - 1].cell != pieces[k].cell
                || pieces[k - 1].u1 != pieces[k].u0 || pieces[k - 1].v1 != pieces[k].v0
            pieces[k].startsRun = starts
            if starts && k > 0 { pieces[k - 1].endsRun = true }
            sortKeys.append(UInt64(pieces[k].cell) << 32 | UInt64(k))
        }
        pieces[n - 1].endsRun = true
        sortKeys.sort()
        for key in sortKeys { cellPieces.append(pieces[Int(key & 0xffff_ffff)]) }
    }

    /// Adds the signed extent of [ua, ub] to each column it overlaps (columns relative to `c0`).
    @inline(__always)
    mutating func addTopExtent(from ua: Double, to ub: Double, c0: Int) {
        let sign: Double = ub >= ua ? 1 : -1
        let lo = max(min(ua, ub) - Double(c0), 0), hi = min(max(ua, ub) - Double(c0), Double(width))
        if hi <= lo { return }
        let first = Int(lo.rounded(.down)), last = min(Int(hi.rounded(.up)) - 1, width - 1)
        if first == last {
            top[first] += sign * (hi - lo)
            return
        }
        top[first] += sign * (Double(first + 1) - lo)
        top[last] += sign * (hi - Double(last))
        if last > first + 1 {
            // Whole columns in between: a run of +sign, accumulated as differences.
            topRun[first + 1] += sign
            topRun[last] -= sign
        }
    }

    mutating func finishTop() {
        var run = 0.0
        for c in 0..<width {
            run += topRun[c]
            top[c] += run
        }
    }

    /// Cuts segment a-b (inside the window's rows) at every grid line and adds each piece to its cell.
    @inline(__always)
    mutating func walk(_ ua: Double, _ va: Double, _ ub: Double, _ vb: Double, window: GridWindow) {
        let du = ub - ua, dv = vb - va
        let c0 = window.column, r0 = window.row
        let lastColumn = window.width - 1, lastRow = window.height - 1
        // Next crossing of a vertical (u) and a horizontal (v) grid line, as parameters along the segment.
        var nextU = Double.infinity, stepU = Double.infinity
        if du > 0 {
            stepU = 1 / du
            nextU = ((ua.rounded(.down) + 1) - ua) / du
        } else if du < 0 {
            stepU = -1 / du
            nextU = ((ua.rounded(.up) - 1) - ua) / du
        }
        var nextV = Double.infinity, stepV = Double.infinity
        if dv > 0 {
            stepV = 1 / dv
            nextV = ((va.rounded(.down) + 1) - va) / dv
        } else if dv < 0 {
            stepV = -1 / dv
            nextV = ((va.rounded(.up) - 1) - va) / dv
        }
        var t0 = 0.0
        var pu = ua, pv = va
        while t0 < 1 {
            let t1 = min(1, min(nextU, nextV))
            let qu = t1 == 1 ? ub : ua + t1 * du
            let qv = t1 == 1 ? vb : va + t1 * dv
            if t1 > t0 {
                let mu = (pu + qu) / 2, mv = (pv + qv) / 2
                let c = min(max(Int(mu.rounded(.down)) - c0, 0), lastColumn)
                let r = min(max(Int(mv.rounded(.down)) - r0, 0), lastRow)
                if mu >= Double(c0), mu <= Double(c0 + window.width) {
                    let extent = qu - pu
                    let i = r * width + c
                    l[i] += extent
                    t[i] += (mv - Double(r0 + r)) * extent
                    if recordsPieces { pieces.append(BoundaryPiece(cell: i, u0: pu, v0: pv, u1: qu, v1: qv)) }
                }
            }
            if nextU <= nextV { nextU += stepU } else { nextV += stepV }
            if t1 >= 1 { break }
            t0 = t1
            pu = qu
            pv = qv
        }
    }
}
