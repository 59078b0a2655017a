/// The hazard class of each population cell of a chunk, in one of two layouts: one class code per cell
/// (the hazard is as coarse as the population grid or coarser: the value at the cell's centre), or the
/// share of each cell in each code (the hazard is finer).
public struct HazardCells: Sendable {
    public enum Layout: Sendable { case codes, shares }

    public var layout: Layout = .codes
    /// One ``HazardClasses`` code per cell.
    public var codes: [UInt8] = []
    /// `codeCount` shares per cell, indexed by code (0 = not exposed, 1...k classes, k+1 unknown).
    public var shares: [Float] = []
    public var codeCount = 0

    public init() {}

    mutating func prepareCodes(cellCount: Int) {
        layout = .codes
        if codes.count < cellCount { codes = [UInt8](repeating: 0, count: cellCount) }
    }

    mutating func prepareShares(cellCount: Int, codeCount: Int) {
        layout = .shares
        self.codeCount = codeCount
        let n = cellCount * codeCount
        if shares.count < n { shares = [Float](repeating: 0, count: n) } else {
            for i in 0..<n { shares[i] = 0 }
        }
    }
}

/// How each population cell of a window divides into parts of one hazard class, for the cells a region's
/// boundary crosses: the engine needs the class of each part of such a cell, not just the cell's shares.
/// Parts are a separable grid in each cell: window column c has the sub-columns
/// `columnStart[c] ..< columnStart[c + 1]` (their widths as shares of the cell's width add up to 1), and
/// likewise for rows; sub-cell (s, t) has the class `codes[rowKey[t] * keyWidth + columnKey[s]]`, or the
/// unknown code when either key is negative (outside the hazard raster).
///
/// With ``HazardSamplingMode/exactShares`` the parts are the cell's overlaps with the hazard cells and
/// `codes` is the hazard window read; with ``HazardSamplingMode/supersampled(_:)`` they are the n x n
/// sub-cells, each with the class at its centre point.
struct HazardSubCells: Sendable {
    /// False when the hazard is not finer (or the parts were not asked for).
    var isAvailable = false
    var columnStart: [Int] = []
    var columnWidth: [Double] = []
    var columnKey: [Int] = []
    var rowStart: [Int] = []
    var rowHeight: [Double] = []
    var rowKey: [Int] = []
    var keyWidth = 0
    var codes: [UInt8] = []

    mutating func removeAll() {
        columnStart.removeAll(keepingCapacity: true)
        columnWidth.removeAll(keepingCapacity: true)
        columnKey.removeAll(keepingCapacity: true)
        rowStart.removeAll(keepingCapacity: true)
        rowHeight.removeAll(keepingCapacity: true)
        rowKey.removeAll(keepingCapacity: true)
        keyWidth = 0
    }

    /// n x n equal sub-cells per cell of a `width` x `height` window, keyed by their row-major position on the
    /// window's n-times finer grid (whose codes the caller fills).
    mutating func supersampled(width: Int, height: Int, n: Int) {
        removeAll()
        for c in 0..<width {
            columnStart.append(c * n)
            for i in 0..<n { columnKey.append(c * n + i); columnWidth.append(1 / Double(n)) }
        }
        columnStart.append(width * n)
        for r in 0..<height {
            rowStart.append(r * n)
            for j in 0..<n { rowKey.append(r * n + j); rowHeight.append(1 / Double(n)) }
        }
        rowStart.append(height * n)
        keyWidth = width * n
        if codes.count < width * n * height * n { codes = [UInt8](repeating: 0, count: width * n * height * n) }
    }
}
