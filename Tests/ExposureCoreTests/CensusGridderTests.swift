import Testing
@testable import ExposureCore

@Suite struct CensusGridderTests {
    /// Runs both passes over strips of `stripRows` rows and returns the whole grid.
    func grid(_ gridder: inout CensusGridder, habitable: [Double]? = nil, stripRows: Int = 2) -> [Double] {
        let g = gridder.grid
        var scratch = CoverageScratch(), fractions = [Double](repeating: 0, count: g.cellCount)
        func strips() -> [GridWindow] {
            stride(from: 0, to: g.height, by: stripRows).map { GridWindow(column: 0, row: $0, width: g.width, height: min(stripRows, g.height - $0)) }
        }
        func slice(_ s: GridWindow) -> [Double]? { habitable.map { Array($0[(s.row * g.width)..<(s.endRow * g.width)]) } }
        for s in strips() { gridder.measure(s, habitable: slice(s), scratch: &scratch, fractions: &fractions) }
        var result: [Double] = []
        for s in strips() {
            var values = [Double](repeating: 0, count: s.cellCount)
            gridder.distribute(s, habitable: slice(s), into: &values, scratch: &scratch, fractions: &fractions)
            result += values
        }
        return result
    }

    @Test func countsSpreadInProportionToCoveredArea() {
        // A 4 x 1 strip of unit cells; polygon x 0.5..2.5 holds 100 people: 25 + 50 + 25 over cells 0-2.
        let g = Grid(width: 4, height: 1, transform: GeoTransform(originX: 0, originY: 1, cellWidth: 1, cellHeight: 1))
        var gridder = CensusGridder(grid: g, shapes: [RegionShape(polygons: [square(0.5, 0, 2.5, 1)], grid: g)], counts: [100], geographic: false)
        #expect(grid(&gridder) == [25, 50, 25, 0])
    }

    @Test func theMaskKeepsPeopleOffUninhabitableCells() {
        let g = Grid(width: 4, height: 1, transform: GeoTransform(originX: 0, originY: 1, cellWidth: 1, cellHeight: 1))
        var gridder = CensusGridder(grid: g, shapes: [RegionShape(polygons: [square(0.5, 0, 2.5, 1)], grid: g)], counts: [100], geographic: false)
        // Cell 1 is water: the 100 go to cells 0 and 2 (a quarter of a cell each).
        #expect(grid(&gridder, habitable: [1, 0, 1, 1]) == [50, 0, 50, 0])
        #expect(gridder.fullyMasked.isEmpty)
    }

    @Test func aFullyMaskedPolygonIsSpreadOverItsAreaAndReported() {
        let g = Grid(width: 2, height: 1, transform: GeoTransform(originX: 0, originY: 1, cellWidth: 1, cellHeight: 1))
        var gridder = CensusGridder(grid: g, shapes: [RegionShape(polygons: [square(0, 0, 2, 1)], grid: g)], counts: [10], geographic: false)
        #expect(grid(&gridder, habitable: [0, 0]) == [5, 5])
        #expect(gridder.fullyMasked == [0])
    }

    @Test func everyPolygonsCountIsConservedOnAGeographicGrid() {
        var random = SeededGenerator(seed: 5)
        let g = Grid(width: 30, height: 24, transform: GeoTransform(originX: -35, originY: -7.9, cellWidth: 0.004, cellHeight: 0.004))
        let polygons = (0..<6).map { i -> [PolygonRings] in
            [[starPolygon(centre: MapPoint(x: -34.95 + Double(i % 3) * 0.035, y: -7.93 - Double(i / 3) * 0.04), radius: 0.02, vertices: 30, using: &random)]]
        }
        let counts = [1200.0, 35, 980, 4410, 0, 77]
        let shapes = polygons.map { RegionShape(polygons: $0, grid: g) }
        var gridder = CensusGridder(grid: g, shapes: shapes, counts: counts, geographic: true)
        let values = grid(&gridder, stripRows: 5)
        // Polygon by polygon: grid each alone and check it sums to its count.
        for (i, shape) in shapes.enumerated() {
            var alone = CensusGridder(grid: g, shapes: [shape], counts: [counts[i]], geographic: true)
            let total: Double = grid(&alone, stripRows: 7).reduce(0, +)
            #expect(abs(total - counts[i]) <= 1e-9 * max(1, counts[i]))
        }
        let gridTotal: Double = values.reduce(0, +)
        let countTotal: Double = counts.reduce(0, +)
        #expect(abs(gridTotal - countTotal) <= 1e-9 * countTotal)
    }
}
