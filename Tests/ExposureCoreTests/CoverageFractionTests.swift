import Foundation
import Testing
@testable import ExposureCore

/// A 3x3 grid of unit cells with its top-left corner at (0, 3): row 0 spans y 2..3.
let unitGrid = Grid(width: 3, height: 3, transform: GeoTransform(originX: 0, originY: 3, cellWidth: 1, cellHeight: 1))

func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > tolerance {
        Issue.record("cell \(i): \(a) != \(e)", sourceLocation: sourceLocation)
    }
}

@Suite struct CoverageFractionTests {
    @Test func aSquareOnOneCellCoversItExactly() {
        let square = points([(1, 1), (2, 1), (2, 2), (1, 2), (1, 1)])
        expectClose(coverage([[square]], grid: unitGrid), [0, 0, 0, 0, 1, 0, 0, 0, 0])
    }

    @Test func aSquareOffsetByHalfACellCoversQuartersAndHalves() {
        // [0.5, 2.5] x [0.5, 2.5]: corner cells a quarter, side cells a half, the centre whole.
        let square = points([(0.5, 0.5), (2.5, 0.5), (2.5, 2.5), (0.5, 2.5)])
        expectClose(coverage([[square]], grid: unitGrid), [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
    }

    @Test func orientationDoesNotMatter() {
        let clockwise = points([(0.5, 0.5), (0.5, 2.5), (2.5, 2.5), (2.5, 0.5)])
        expectClose(coverage([[clockwise]], grid: unitGrid), [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
    }

    @Test func aTriangleCutsCellsAlongItsDiagonal() {
        // x + y <= 2 on the bottom-left 2x2 cells: (col 0, row 2) whole, its neighbours halves.
        let triangle = points([(0, 0), (2, 0), (0, 2)])
        expectClose(coverage([[triangle]], grid: unitGrid), [0, 0, 0, 0.5, 0, 0, 1, 0.5, 0])
    }

    @Test func aSteepTriangleInsideOneCell() {
        // Triangle (0.2,0.2) (0.8,0.2) (0.5,0.9) inside cell (col 0, row 2): area 0.5 * 0.6 * 0.7 = 0.21.
        let triangle = points([(0.2, 0.2), (0.8, 0.2), (0.5, 0.9)])
        expectClose(coverage([[triangle]], grid: unitGrid), [0, 0, 0, 0, 0, 0, 0.21, 0, 0])
    }

    @Test func holesSubtract() {
        let outer = points([(0, 0), (3, 0), (3, 3), (0, 3)])
        let hole = points([(1, 1), (2, 1), (2, 2), (1, 2)])
        expectClose(coverage([[outer, hole]], grid: unitGrid), [1, 1, 1, 1, 0, 1, 1, 1, 1])
        // A hole with the same orientation as the exterior still subtracts.
        let sameWay = points([(1, 1), (1, 2), (2, 2), (2, 1)])
        expectClose(coverage([[outer, sameWay]], grid: unitGrid), [1, 1, 1, 1, 0, 1, 1, 1, 1])
    }

    @Test func multipolygonPartsAdd() {
        let left = points([(0, 0), (0.5, 0), (0.5, 3), (0, 3)])
        let right = points([(2.5, 2.5), (3, 2.5), (3, 3), (2.5, 3)])
        expectClose(coverage([[left], [right]], grid: unitGrid), [0.5, 0, 0.25, 0.5, 0, 0, 0.5, 0, 0])
    }

    @Test func partsOutsideTheGridAreIgnored() {
        // Square from (-1, -1) to (1.5, 1.5): inside the grid only [0, 1.5]^2.
        let square = points([(-1, -1), (1.5, -1), (1.5, 1.5), (-1, 1.5)])
        expectClose(coverage([[square]], grid: unitGrid), [0, 0, 0, 0.5, 0.25, 0, 1, 0.5, 0])
        // Entirely outside: an empty window.
        let away = RegionShape(polygons: [[points([(10, 10), (11, 10), (11, 11)])]], grid: unitGrid)
        #expect(away.cellWindow.isEmpty)
    }

    @Test func anyWindowGivesTheSameFractionsAsTheWholeGrid() {
        let grid = Grid(width: 20, height: 15, transform: GeoTransform(originX: 100, originY: 50, cellWidth: 0.5, cellHeight: 0.5))
        var random = SeededGenerator(seed: 7)
        let polygon = starPolygon(centre: MapPoint(x: 105, y: 46), radius: 3.5, vertices: 40, using: &random)
        let whole = coverage([[polygon]], grid: grid)
        for window in [GridWindow(column: 3, row: 2, width: 7, height: 5), GridWindow(column: 0, row: 7, width: 20, height: 8),
                       GridWindow(column: 11, row: 0, width: 9, height: 15), GridWindow(column: 9, row: 6, width: 1, height: 1)] {
            let part = coverage([[polygon]], grid: grid, window: window)
            for r in 0..<window.height {
                for c in 0..<window.width {
                    let a = part[r * window.width + c], b = whole[(window.row + r) * grid.width + window.column + c]
                    #expect(abs(a - b) < 1e-12, "window \(window) cell \(c),\(r)")
                }
            }
        }
    }

    @Test(arguments: 1...12)
    func randomPolygonsMatchAnIndependentClippingOracle(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let grid = Grid(width: 12, height: 10, transform: GeoTransform(originX: -3, originY: 8, cellWidth: 0.75, cellHeight: 0.6))
        let outer = starPolygon(centre: MapPoint(x: 1.5, y: 5), radius: 3.2, vertices: 5 + seed * 3, using: &random)
        let hole = starPolygon(centre: MapPoint(x: 1.5, y: 5), radius: 0.9, vertices: 7, using: &random)
        let polygons = [[outer, hole]]
        expectClose(coverage(polygons, grid: grid), CoverageOracle.fractions(polygons, grid: grid), tolerance: 1e-10)
    }

    @Test func regionsThatTileTheGridSumToOneInEveryCell() {
        // Cut a 10x8 grid in two along a wiggly line, twice (vertically and horizontally).
        let grid = Grid(width: 10, height: 8, transform: GeoTransform(originX: 0, originY: 8, cellWidth: 1, cellHeight: 1))
        var random = SeededGenerator(seed: 99)
        let vertical = (0...16).map { i in MapPoint(x: 4.3 + Double.random(in: -1.2...1.2, using: &random), y: Double(i) * 0.5) }
        let horizontal = (0...20).map { i in MapPoint(x: Double(i) * 0.5, y: 3.7 + Double.random(in: -1...1, using: &random)) }
        // Each line with the grid's sides closes two rings that share the line's vertices.
        let leftRing = [MapPoint(x: -1, y: 0)] + vertical + [MapPoint(x: -1, y: 8)]
        let rightRing = [MapPoint(x: 11, y: 0)] + vertical + [MapPoint(x: 11, y: 8)]
        let bottomRing = [MapPoint(x: 0, y: -1)] + horizontal + [MapPoint(x: 10, y: -1)]
        let topRing = [MapPoint(x: 0, y: 9)] + horizontal + [MapPoint(x: 10, y: 9)]
        let leftCoverage = coverage([[leftRing]], grid: grid), rightCoverage = coverage([[rightRing]], grid: grid)
        let bottomCoverage = coverage([[bottomRing]], grid: grid), topCoverage = coverage([[topRing]], grid: grid)
        for i in 0..<grid.cellCount {
            #expect(abs(leftCoverage[i] + rightCoverage[i] - 1) < 1e-12)
            #expect(abs(bottomCoverage[i] + topCoverage[i] - 1) < 1e-12)
        }
    }
}

/// A star-shaped (hence simple) polygon with random radii.
func starPolygon(centre: MapPoint, radius: Double, vertices: Int, using random: inout SeededGenerator) -> [MapPoint] {
    (0..<vertices).map { i in
        let angle = Double(i) / Double(vertices) * 2 * Double.pi
        let r = radius * Double.random(in: 0.45...1, using: &random)
        return MapPoint(x: centre.x + r * cos(angle), y: centre.y + r * sin(angle))
    }
}
