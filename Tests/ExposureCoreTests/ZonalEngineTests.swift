import Testing
@testable import ExposureCore

/// 5x5 unit cells, top-left corner (0, 5); cell (column c, row r) holds 10 r + c + 1 people (575 in all).
let grid5 = Grid(width: 5, height: 5, transform: GeoTransform(originX: 0, originY: 5, cellWidth: 1, cellHeight: 1))
let people5: [Double] = (0..<25).map { (i: Int) -> Double in Double(10 * (i / 5) + i % 5 + 1) }

@Suite struct ZonalEngineTests {
    @Test func populationIsCoverageTimesCount() throws {
        // Region A: x 0..2, y 3..5 = rows 0-1, columns 0-1: 1 + 2 + 11 + 12 = 26.
        // Region B: x 2.5..4, y 0..1 = row 4, half of column 2 and all of column 3: 0.5 * 43 + 44 = 65.5.
        let regions: [[PolygonRings]] = [[square(0, 3, 2, 5)], [square(2.5, 0, 4, 1)]]
        let totals = try analyse(population: people5, grid: grid5, regions: regions)
        #expect(totals[0].population == 26)
        #expect(abs(totals[1].population - 65.5) < 1e-12)
    }

    @Test func nodataAndNegativeCellsAddNothing() throws {
        var people = people5
        people[0] = Double.nan
        people[1] = -5
        let totals = try analyse(population: people, grid: grid5, regions: [[square(0, 3, 2, 5)]])
        #expect(totals[0].population == 23)
    }

    @Test func coarseHazardIsReadAtCellCentres() throws {
        // Hazard cells of 2 x 2 population cells, origin (0, 5): 3 x 3 hazard cells covering x 0..6, y -1..5.
        let hazardGrid = Grid(width: 3, height: 3, transform: GeoTransform(originX: 0, originY: 5, cellWidth: 2, cellHeight: 2))
        // Depths: top row 0, 0.5, 2; middle row 1, nodata, 0; bottom row 0, 0, 0.
        let depths: [Double] = [0, 0.5, 2, 1, .nan, 0, 0, 0, 0]
        let classes = try HazardClasses(thresholds: [0.5, 1.5], rates: [0.1, 0.5])
        // One region: the whole grid.
        let totals = try analyse(population: people5, grid: grid5, regions: [[square(0, 0, 5, 5)]],
                                 hazard: (hazardGrid, depths), classes: classes)
        // Population cells by hazard cell (column c / 2, row r / 2):
        // class 1 (0.5): columns 2-3, rows 0-1 = 3 + 4 + 13 + 14 = 34
        // class 2 (2):   column 4, rows 0-1 = 5 + 15 = 20
        // class 1 (1):   columns 0-1, rows 2-3 = 21 + 22 + 31 + 32 = 106
        // unknown:       columns 2-3, rows 2-3 = 23 + 24 + 33 + 34 = 114
        let t = totals[0]
        #expect(t.population == 575)
        #expect(t.exposedByClass == [140, 20])
        #expect(abs(t.hazardUnknown - 114) < 1e-12)
        let figures = RegionFigures(totals: t, classes: classes)
        #expect(abs(figures.displaced - (0.1 * 140 + 0.5 * 20)) < 1e-12)
        #expect(abs(figures.displacedPer100k - figures.displaced / 575 * 100_000) < 1e-9)
    }

    @Test func finerHazardGivesExactShares() throws {
        // Hazard cells of half a population cell, shifted by a quarter cell: each population cell overlaps
        // 3 x 3 hazard cells with weights (1/4, 1/2, 1/4) along each axis.
        let hazardGrid = Grid(width: 11, height: 11, transform: GeoTransform(originX: -0.25, originY: 5.25, cellWidth: 0.5, cellHeight: 0.5))
        // Flooded (1) only in hazard column 1, which spans x 0.25..0.75.
        let depths = (0..<121).map { $0 % 11 == 1 ? 1.0 : 0.0 }
        let classes = try HazardClasses(thresholds: [0.5], rates: [1])
        let totals = try analyse(population: people5, grid: grid5, regions: [[square(0, 4, 1, 5)]],
                                 hazard: (hazardGrid, depths), classes: classes)
        // Cell (0, 0) holds 1 person; hazard column 1 covers half of its width over its full height.
        #expect(abs(totals[0].exposedByClass[0] - 0.5) < 1e-6)
        #expect(totals[0].hazardUnknown == 0)
    }

    @Test func hazardOutsideItsRasterIsUnknown() throws {
        let hazardGrid = Grid(width: 1, height: 1, transform: GeoTransform(originX: 100, originY: 100, cellWidth: 5, cellHeight: 5))
        let classes = try HazardClasses(thresholds: [1])
        let totals = try analyse(population: people5, grid: grid5, regions: [[square(0, 0, 5, 5)]],
                                 hazard: (hazardGrid, [3]), classes: classes)
        #expect(totals[0].hazardUnknown == 575)
        #expect(totals[0].exposed == 0)
    }

    @Test func resultsDoNotDependOnThreadsOrChunks() throws {
        var random = SeededGenerator(seed: 3)
        let grid = Grid(width: 97, height: 83, transform: GeoTransform(originX: 0, originY: 83, cellWidth: 1, cellHeight: 1))
        let people = (0..<grid.cellCount).map { _ in Double.random(in: 0...50, using: &random) }
        let regions = (0..<9).map { i -> [PolygonRings] in
            [[starPolygon(centre: MapPoint(x: 15 + Double(i % 3) * 30, y: 15 + Double(i / 3) * 27), radius: 16, vertices: 25, using: &random)]]
        }
        let hazardGrid = Grid(width: 40, height: 40, transform: GeoTransform(originX: -3.3, originY: 85.1, cellWidth: 2.6, cellHeight: 2.3))
        let depths = (0..<1600).map { _ in Double.random(in: -0.5...3, using: &random) }
        let classes = try HazardClasses(thresholds: [0, 1, 2], rates: [0.01, 0.1, 0.3])
        let one = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths), classes: classes,
                              threads: 1, chunkCells: 1 << 20)
        let many = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths), classes: classes,
                               threads: 4, chunkCells: 200, blockSize: (16, 8))
        for (a, b) in zip(one, many) {
            #expect(abs(a.population - b.population) <= 1e-9 * a.population)
            for k in 0..<3 { #expect(abs(a.exposedByClass[k] - b.exposedByClass[k]) <= 1e-9 * max(1, a.exposedByClass[k])) }
        }
        // The same chunking twice gives bit-identical results whatever the thread count.
        let again = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths), classes: classes,
                                threads: 2, chunkCells: 200, blockSize: (16, 8))
        #expect(again == many)
    }

    @Test(arguments: 1...6)
    func invariantsHoldForRandomTilings(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(100 + seed))
        let grid = Grid(width: 40, height: 30, transform: GeoTransform(originX: 10, originY: 40, cellWidth: 1, cellHeight: 1))
        let people = (0..<grid.cellCount).map { _ in Double.random(in: 0...100, using: &random) }
        // Two regions split by a random zig-zag line, together covering the grid exactly.
        let line = (0...12).map { i in MapPoint(x: 10 + Double(i) * 40 / 12, y: 25 + Double.random(in: -12...12, using: &random)) }
        let north: PolygonRings = [[MapPoint(x: 10, y: 40)] + line + [MapPoint(x: 50, y: 40)]]
        let south: PolygonRings = [[MapPoint(x: 10, y: 10)] + line + [MapPoint(x: 50, y: 10)]]
        let hazardGrid = Grid(width: 17, height: 13, transform: GeoTransform(originX: 9, originY: 41.5, cellWidth: 2.5, cellHeight: 2.5))
        let depths = (0..<(17 * 13)).map { _ in Double.random(in: -1...4, using: &random) }
        let classes = try HazardClasses(thresholds: [0.1, 0.7, 1.5], rates: [0.01, 0.03, 0.05])
        let totals = try analyse(population: people, grid: grid, regions: [[north], [south]], hazard: (hazardGrid, depths), classes: classes)
        let gridTotal = people.reduce(0, +)
        #expect(abs(totals[0].population + totals[1].population - gridTotal) <= 1e-9 * gridTotal)
        for t in totals {
            let f = RegionFigures(totals: t, classes: classes)
            #expect(f.exposed <= f.population * (1 + 1e-12))
            #expect(f.displaced <= f.exposed)
            #expect(f.exposed + f.hazardUnknown <= f.population * (1 + 1e-12))
        }
    }
}

@Suite struct HazardClassesTests {
    @Test func classesIncludeTheirLowerThreshold() throws {
        let classes = try HazardClasses(thresholds: [0.1, 0.7, 1.5])
        #expect(classes.code(for: 0.0999) == 0)
        #expect(classes.code(for: 0.1) == 1)
        #expect(classes.code(for: 0.6999) == 1)
        #expect(classes.code(for: 0.7) == 2)
        #expect(classes.code(for: 1.5) == 3)
        #expect(classes.code(for: 1e9) == 3)
        #expect(classes.code(for: .nan) == classes.unknownCode)
    }

    @Test func badClassesAreExplained() {
        #expect(throws: ExposureError.self) { try HazardClasses(thresholds: [1, 0.5]) }
        #expect(throws: ExposureError.self) { try HazardClasses(thresholds: [1, 1]) }
        #expect(throws: ExposureError.self) { try HazardClasses(thresholds: [0.1, 0.7], rates: [0.1]) }
        #expect(throws: ExposureError.self) { try HazardClasses(thresholds: [0.1], rates: [5]) }
        #expect(throws: ExposureError.self) { try HazardPreset.named("earthquake") }
    }

    @Test func floodPresetCarriesInaSAFERates() throws {
        let preset = try HazardPreset.named("flood-depth").classes
        #expect(preset.thresholds == [0.1, 0.7, 1.5])
        #expect(preset.rates == [0.01, 0.03, 0.05])
    }
}

@Suite struct AnnualDisplacementTests {
    /// Raising the hazard everywhere never lowers AAD, when rates do not fall from one class to the next.
    @Test(arguments: 1...5)
    func aadIsMonotoneInTheHazard(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        let grid = Grid(width: 30, height: 20, transform: GeoTransform(originX: 0, originY: 20, cellWidth: 1, cellHeight: 1))
        let people = (0..<grid.cellCount).map { _ in Double.random(in: 0...40, using: &random) }
        let regions: [[PolygonRings]] = [[[starPolygon(centre: MapPoint(x: 12, y: 9), radius: 9, vertices: 30, using: &random)]], [square(18, 2, 29, 19)]]
        let hazardGrid = Grid(width: 12, height: 9, transform: GeoTransform(originX: -1, originY: 21, cellWidth: 2.7, cellHeight: 2.6))
        let classes = try HazardClasses(thresholds: [0.1, 0.7, 1.5], rates: [0.01, 0.03, 0.05])
        let periods = try ReturnPeriods([10, 50, 100, 500])
        // Depths growing with the return period, then all raised by a random amount.
        let base = (0..<(12 * 9)).map { _ in Double.random(in: -1...1.5, using: &random) }
        func aad(raisedBy delta: Double) throws -> [Double] {
            let displaced = try [0.0, 0.4, 0.7, 1.3].map { stage -> [Double] in
                let depths = base.map { $0 + stage + delta }
                return try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths), classes: classes)
                    .map { RegionFigures(totals: $0, classes: classes).displaced }
            }
            return (0..<regions.count).map { r in periods.averageAnnual(displaced.map { $0[r] }) }
        }
        let before = try aad(raisedBy: 0)
        let after = try aad(raisedBy: Double.random(in: 0.05...1, using: &random))
        for r in 0..<regions.count { #expect(after[r] >= before[r] - 1e-12) }
    }
}
