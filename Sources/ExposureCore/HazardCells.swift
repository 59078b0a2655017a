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
