import Foundation

/// Spreads counts known per polygon (census tracts, municipalities) over a grid: each polygon's count goes
/// to the cells it covers in proportion to the covered area, optionally only the habitable part of each
/// cell. Every polygon's count is conserved exactly; a polygon whose cells are all uninhabitable is spread
/// over its whole area instead (and reported).
///
/// Works strip by strip in two passes (measure every strip, then distribute every strip), so memory stays a
/// strip whatever the grid size.
public struct CensusGridder: Sendable {
    public let grid: Grid
    public let shapes: [RegionShape]
    public let counts: [Double]
    /// Relative area of a cell in each row (1 on a projected grid; on a geographic grid it shrinks with
    /// latitude: sin(top) - sin(bottom), scaled).
    private let rowArea: [Double]
    private var habitableWeight: [Double]
    private var totalWeight: [Double]

    public init(grid: Grid, shapes: [RegionShape], counts: [Double], geographic: Bool) {
        precondition(shapes.count == counts.count, "one count per polygon")
        self.grid = grid
        self.shapes = shapes
        self.counts = counts
        if geographic {
            rowArea = (0..<grid.height).map { r in
                let top = grid.transform.mapPoint(column: 0, row: Double(r)).y * .pi / 180
                let bottom = grid.transform.mapPoint(column: 0, row: Double(r + 1)).y * .pi / 180
                return (sin(top) - sin(bottom)) / (grid.transform.cellHeight * .pi / 180)
            }
        } else {
            rowArea = [Double](repeating: 1, count: grid.height)
        }
        habitableWeight = [Double](repeating: 0, count: shapes.count)
        totalWeight = [Double](repeating: 0, count: shapes.count)
    }

    /// Pass 1: adds each polygon's covered (and covered habitable) area in `strip`. `habitable` holds each
    /// cell's habitable share in [0, 1] (nil: every cell fully habitable).
    public mutating func measure(_ strip: GridWindow, habitable: [Double]?, scratch: inout CoverageScratch, fractions: inout [Double]) {
        for p in shapes.indices {
            var total = 0.0, inhabited = 0.0
            forEachCoveredCell(of: p, in: strip, scratch: &scratch, fractions: &fractions) { cell, weight in
                total += weight
                inhabited += weight * (habitable?[cell] ?? 1)
            }
            totalWeight[p] += total
            habitableWeight[p] += inhabited
        }
    }

    /// Calls `body(cell index in strip, covered area)` for every cell of `strip` that polygon `p` covers,
    /// the area being `coverage x relative cell area`.
    private func forEachCoveredCell(of p: Int, in strip: GridWindow, scratch: inout CoverageScratch, fractions: inout [Double],
                                    _ body: (Int, Double) -> Void) {
        let window = shapes[p].cellWindow.intersection(strip)
        if window.isEmpty { return }
        CoverageFraction.compute(shapes[p], window: window, into: &fractions, scratch: &scratch)
        for r in 0..<window.height {
            let area = rowArea[window.row + r]
            for c in 0..<window.width {
                let f = fractions[r * window.width + c]
                if f == 0 { continue }
                body((window.row - strip.row + r) * strip.width + window.column - strip.column + c, f * area)
            }
        }
    }

    /// Pass 2: the count of every cell of `strip` (row-major), given the same `habitable` shares as pass 1.
    public func distribute(_ strip: GridWindow, habitable: [Double]?, into values: inout [Double],
                           scratch: inout CoverageScratch, fractions: inout [Double]) {
        for i in 0..<strip.cellCount { values[i] = 0 }
        for p in shapes.indices where counts[p] != 0 {
            let useMask = habitableWeight[p] > 0
            let denominator = useMask ? habitableWeight[p] : totalWeight[p]
            if denominator <= 0 { continue }
            let perWeight = counts[p] / denominator
            forEachCoveredCell(of: p, in: strip, scratch: &scratch, fractions: &fractions) { cell, weight in
                values[cell] += perWeight * weight * (useMask ? (habitable?[cell] ?? 1) : 1)
            }
        }
    }

    /// Polygons whose every covered cell is uninhabitable (spread over their whole area instead).
    public var fullyMasked: [Int] {
        shapes.indices.filter { totalWeight[$0] > 0 && habitableWeight[$0] == 0 && counts[$0] != 0 }
    }

    /// Polygons with no area on the grid (their count cannot be placed).
    public var unplaced: [Int] {
        shapes.indices.filter { totalWeight[$0] <= 0 && counts[$0] != 0 }
    }
}
