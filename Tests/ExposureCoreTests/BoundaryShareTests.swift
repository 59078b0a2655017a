import Foundation
import Testing
@testable import ExposureCore

/// A finer hazard on the cells a region's boundary crosses: people in a region and class are
/// `count x area(region ∩ hazard-class area ∩ cell) / area(cell)`, not the cell's class shares times the
/// region's coverage of the cell.
@Suite struct BoundaryShareTests {
    /// 2 x 2 unit cells, top-left corner (0, 2): 100 and 200 people on the top row, 300 and 400 below. Column 0
    /// holds 400 people, like the cell of docs/methodology.md's worked example, and the numbers are the same.
    static let grid2 = Grid(width: 2, height: 2, transform: GeoTransform(originX: 0, originY: 2, cellWidth: 1, cellHeight: 1))
    static let people2: [Double] = [100, 200, 300, 400]
    /// The west region (x 0..0.5) and the east region (x 0.5..2) tile the grid; the edge cuts column 0 in half.
    static let westAndEast: [[PolygonRings]] = [[square(0, 0, 0.5, 2)], [square(0.5, 0, 2, 2)]]

    /// A hazard 4 times finer (cells of 0.25), aligned, flooded (1) in one hazard column only.
    static func strip(column: Int) -> (Grid, [Double]) {
        let grid = Grid(width: 8, height: 8, transform: GeoTransform(originX: 0, originY: 2, cellWidth: 0.25, cellHeight: 0.25))
        return (grid, (0..<64).map { $0 % 8 == column ? 1 : 0 })
    }

    @Test func aFloodedStripJustOutsideARegionIsNotItsExposure() throws {
        let classes = try HazardClasses(thresholds: [0.5])
        // Hazard column 2 (x 0.5..0.75) is flooded: just east of the west region's edge, inside its boundary cells.
        let totals = try analyse(population: Self.people2, grid: Self.grid2, regions: Self.westAndEast,
                                 hazard: Self.strip(column: 2), classes: classes)
        // West: half of column 0 = 0.5 x 100 + 0.5 x 300 = 200 people, none of them in the strip (the old rule
        // gave 0.5 x (1/4) x (100 + 300) = 50).
        #expect(totals[0].population == 200)
        #expect(totals[0].exposedByClass == [0])
        // East: 50 + 150 + 200 + 400 = 800 people; the strip is a quarter of each column-0 cell:
        // 0.25 x 100 + 0.25 x 300 = 100 (the old rule gave 50).
        #expect(totals[1].population == 800)
        #expect(abs(totals[1].exposedByClass[0] - 100) < 1e-9)
        #expect(totals[0].hazardUnknown == 0 && totals[1].hazardUnknown == 0)
    }

    @Test func aFloodedStripJustInsideARegionIsAllItsExposure() throws {
        let classes = try HazardClasses(thresholds: [0.5])
        // Hazard column 1 (x 0.25..0.5) is flooded: just west of the edge.
        let totals = try analyse(population: Self.people2, grid: Self.grid2, regions: Self.westAndEast,
                                 hazard: Self.strip(column: 1), classes: classes)
        #expect(abs(totals[0].exposedByClass[0] - 100) < 1e-9)
        #expect(totals[1].exposedByClass == [0])
    }

    @Test func supersampledSubCellsGetTheRegionsExactCoverage() throws {
        let classes = try HazardClasses(thresholds: [0.5])
        // The hazard's CRS is the population's scaled by 10 and shifted: (x, y) -> (1000 + 10 x, 500 + 10 y).
        // Its cells of 2.5 are a quarter of a population cell; hazard column 2 (population x 0.5..0.75) is flooded.
        let hazardGrid = Grid(width: 8, height: 8, transform: GeoTransform(originX: 1000, originY: 520, cellWidth: 2.5, cellHeight: 2.5))
        let depths: [Double] = (0..<64).map { $0 % 8 == 2 ? 1 : 0 }
        // West x 0..0.6 and east x 0.6..2: the edge cuts the flooded sub-column (x 0.5..0.75) of column 0.
        let regions: [[PolygonRings]] = [[square(0, 0, 0.6, 2)], [square(0.6, 0, 2, 2)]]
        let totals = try analyse(population: Self.people2, grid: Self.grid2, regions: regions, hazard: (hazardGrid, depths),
                                 classes: classes, mode: .supersampled(4),
                                 transform: { x, y in (1000 + 10 * x, 500 + 10 * y) })
        // 4 x 4 points per cell, at x 0.125, 0.375, 0.625, 0.875: the third sub-column is flooded. The west region
        // covers 0.1 of its 0.25 width, so 0.1 of each column-0 cell: 0.1 x 100 + 0.1 x 300 = 40 (the old rule,
        // coverage 0.6 x share 4/16, gave 60); the east region the other 0.15: 60 (the old rule 40).
        #expect(abs(totals[0].population - 240) < 1e-9)
        #expect(abs(totals[0].exposedByClass[0] - 40) < 1e-9)
        #expect(abs(totals[1].exposedByClass[0] - 60) < 1e-9)
    }

    /// Regions in the population grid's frame: a star with a hole, a polygon with edges and vertices on cell
    /// lines, a two-part multipolygon. Grid: 4 x 3 unit cells, x 10..14, y 20..23.
    static let grid43 = Grid(width: 4, height: 3, transform: GeoTransform(originX: 10, originY: 23, cellWidth: 1, cellHeight: 1))
    static let people43: [Double] = (0..<12).map { Double(10 + 7 * $0) }

    static func testRegions(seed: Int) -> [[PolygonRings]] {
        var random = SeededGenerator(seed: UInt64(seed))
        let star = starPolygon(centre: MapPoint(x: 12 + Double.random(in: -0.3...0.3, using: &random), y: 21.5),
                               radius: 1.6, vertices: 13, using: &random)
        let hole = square(11.9, 21.35, 12.2, 21.7)[0].reversed()
        let onLines = points([(10.5, 20), (12, 20), (12, 22), (13, 23), (11, 23), (11, 21.5), (10.5, 21.5)])
        let parts: [PolygonRings] = [square(10.2, 22.3, 10.9, 22.8), [points([(13.1, 20.2), (13.9, 20.5), (13.3, 22.6)])]]
        return [[[star, Array(hole)]], [[onLines]], parts]
    }

    /// People by code (0 not exposed, 1...k classes, k + 1 unknown) from the overlay of the population and
    /// hazard grids: every rectangle between consecutive lines of either lies in one cell of each, and the
    /// region's area in it comes from clipping.
    static func overlay(_ region: [PolygonRings], people: [Double], grid: Grid, hazard: Grid, depths: [Double],
                        classes: HazardClasses) -> [Double] {
        let p = grid.transform, h = hazard.transform
        let bounds = grid.bounds
        var xs = (0...grid.width).map { p.originX + Double($0) * p.cellWidth }
        var ys = (0...grid.height).map { p.originY - Double($0) * p.cellHeight }
        for k in -1...(hazard.width + 1) {
            let x = h.originX + Double(k) * h.cellWidth
            if x > bounds.minX && x < bounds.maxX { xs.append(x) }
        }
        for k in -1...(hazard.height + 1) {
            let y = h.originY - Double(k) * h.cellHeight
            if y > bounds.minY && y < bounds.maxY { ys.append(y) }
        }
        xs.sort()
        ys.sort()
        var result = [Double](repeating: 0, count: classes.count + 2)
        for a in 0..<(xs.count - 1) {
            for b in 0..<(ys.count - 1) {
                let cx = (xs[a] + xs[a + 1]) / 2, cy = (ys[b] + ys[b + 1]) / 2
                let cell = p.gridPosition(x: cx, y: cy), hazardCell = h.gridPosition(x: cx, y: cy)
                let (hc, hr) = (Int(hazardCell.column.rounded(.down)), Int(hazardCell.row.rounded(.down)))
                let code = hc >= 0 && hr >= 0 && hc < hazard.width && hr < hazard.height
                    ? Int(classes.code(for: depths[hr * hazard.width + hc])) : classes.count + 1
                let count = people[Int(cell.row) * grid.width + Int(cell.column)]
                result[code] += count * areaInside(region, x0: xs[a], y0: ys[b], x1: xs[a + 1], y1: ys[b + 1]) / p.cellArea
            }
        }
        return result
    }

    static func areaInside(_ polygons: [PolygonRings], x0: Double, y0: Double, x1: Double, y1: Double) -> Double {
        var area = 0.0
        for polygon in polygons {
            for (index, ring) in polygon.enumerated() {
                let a = abs(CoverageOracle.shoelace(CoverageOracle.clip(ring, x0: x0, x1: x1, y0: y0, y1: y1)))
                area += index == 0 ? a : -a
            }
        }
        return area
    }

    static func expectMatch(_ totals: RegionTotals, _ expected: [Double], tolerance: Double, _ comment: String = "") {
        let k = expected.count - 2
        for i in 1...k {
            #expect(abs(totals.exposedByClass[i - 1] - expected[i]) <= tolerance, "class \(i) \(comment): \(totals.exposedByClass[i - 1]) vs \(expected[i])")
        }
        #expect(abs(totals.hazardUnknown - expected[k + 1]) <= tolerance, "unknown \(comment): \(totals.hazardUnknown) vs \(expected[k + 1])")
        #expect(abs(totals.population - expected.reduce(0, +)) <= tolerance, "population \(comment)")
    }

    /// Hazard cells 2.5 times finer along each axis (0.4), or of a random finer size, on a shifted origin, so
    /// that they straddle the population cells' edges; part of the grid lies outside the hazard (unknown).
    @Test(arguments: 0...6)
    func exactSharesMatchTheOverlayOfBothGrids(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(500 + seed))
        let size = seed == 0 ? (0.4, 0.4) : (Double.random(in: 0.15...0.9, using: &random), Double.random(in: 0.15...0.9, using: &random))
        let hazardGrid = Grid(width: Int(3.6 / size.0), height: Int(3.4 / size.1),
                              transform: GeoTransform(originX: 9.87, originY: 23.19, cellWidth: size.0, cellHeight: size.1))
        let depths = (0..<hazardGrid.cellCount).map { _ in
            Double.random(in: 0...1, using: &random) < 0.1 ? Double.nan : Double.random(in: -0.5...3, using: &random)
        }
        let classes = try HazardClasses(thresholds: [0, 1, 2])
        let regions = Self.testRegions(seed: seed)
        let totals = try analyse(population: Self.people43, grid: Self.grid43, regions: regions,
                                 hazard: (hazardGrid, depths), classes: classes)
        for (r, region) in regions.enumerated() {
            let expected = Self.overlay(region, people: Self.people43, grid: Self.grid43, hazard: hazardGrid,
                                        depths: depths, classes: classes)
            // Cells wholly inside a region keep the sampler's shares, held as Float.
            Self.expectMatch(totals[r], expected, tolerance: 1e-5, "region \(r)")
        }
    }

    @Test(arguments: 0...3)
    func supersampledMatchesSubCellsByClassAtTheirCentres(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(700 + seed))
        let n = 2 + seed
        // The hazard CRS: population coordinates scaled by 100 and shifted; hazard cells of random size.
        let transform: @Sendable (Double, Double) -> (Double, Double) = { x, y in (100 * x - 700, 100 * y + 40) }
        let size = Double.random(in: 12...40, using: &random)
        let hazardGrid = Grid(width: Int(400 / size), height: Int(300 / size) + 1,
                              transform: GeoTransform(originX: 303, originY: 2340 + 3, cellWidth: size, cellHeight: size))
        let depths = (0..<hazardGrid.cellCount).map { _ in Double.random(in: -0.5...3, using: &random) }
        let classes = try HazardClasses(thresholds: [0, 1, 2])
        let regions = Self.testRegions(seed: seed)
        let totals = try analyse(population: Self.people43, grid: Self.grid43, regions: regions, hazard: (hazardGrid, depths),
                                 classes: classes, mode: .supersampled(n), transform: transform)
        let p = Self.grid43.transform
        for (r, region) in regions.enumerated() {
            var expected = [Double](repeating: 0, count: 5)
            for row in 0..<(3 * n) {
                for column in 0..<(4 * n) {
                    let (x0, y1) = p.mapPoint(column: Double(column) / Double(n), row: Double(row) / Double(n))
                    let (x1, y0) = p.mapPoint(column: Double(column + 1) / Double(n), row: Double(row + 1) / Double(n))
                    let (hx, hy) = transform((x0 + x1) / 2, (y0 + y1) / 2)
                    let position = hazardGrid.transform.gridPosition(x: hx, y: hy)
                    let (hc, hr) = (Int(position.column.rounded(.down)), Int(position.row.rounded(.down)))
                    let code = position.column >= 0 && position.row >= 0 && hc < hazardGrid.width && hr < hazardGrid.height
                        ? Int(classes.code(for: depths[hr * hazardGrid.width + hc])) : 4
                    expected[code] += Self.people43[(row / n) * 4 + column / n] * Self.areaInside(region, x0: x0, y0: y0, x1: x1, y1: y1)
                }
            }
            Self.expectMatch(totals[r], expected, tolerance: 1e-5, "region \(r), n = \(n)")
        }
    }

    /// Regions tiling the grid share out exactly what the whole grid holds, class by class.
    @Test(arguments: 1...4)
    func tilingRegionsAddUpToTheWholeGrid(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(900 + seed))
        let grid = Grid(width: 30, height: 20, transform: GeoTransform(originX: 10, originY: 40, cellWidth: 1, cellHeight: 1))
        let people = (0..<grid.cellCount).map { _ in Double.random(in: 0...100, using: &random) }
        let line = (0...9).map { i in MapPoint(x: 10 + Double(i) * 30 / 9, y: 24 + Double.random(in: -3...2, using: &random)) }
        let north: PolygonRings = [[MapPoint(x: 10, y: 40)] + line + [MapPoint(x: 40, y: 40)]]
        let south: PolygonRings = [[MapPoint(x: 10, y: 20)] + line + [MapPoint(x: 40, y: 20)]]
        // An island inside the north region, cut out of it: three regions tiling the grid.
        let island: PolygonRings = [starPolygon(centre: MapPoint(x: 25, y: 33), radius: 4, vertices: 17, using: &random)]
        let regions: [[PolygonRings]] = [[[north[0], island[0]]], [south], [island]]
        let whole: [[PolygonRings]] = [[square(10, 20, 40, 40)]]
        let hazardGrid = Grid(width: 95, height: 64, transform: GeoTransform(originX: 9.83, originY: 40.21, cellWidth: 0.33, cellHeight: 0.32))
        let depths = (0..<hazardGrid.cellCount).map { _ in Double.random(in: -1...4, using: &random) }
        let classes = try HazardClasses(thresholds: [0.1, 0.7, 1.5], rates: [0.01, 0.03, 0.05])
        for mode in [HazardSamplingMode.exactShares, .supersampled(3)] {
            let parts = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths),
                                    classes: classes, mode: mode)
            let all = try analyse(population: people, grid: grid, regions: whole, hazard: (hazardGrid, depths),
                                  classes: classes, mode: mode)[0]
            let total = people.reduce(0, +)
            #expect(abs(parts.reduce(0) { $0 + $1.population } - all.population) <= 1e-9 * total)
            for k in 0..<3 {
                let sum = parts.reduce(0) { $0 + $1.exposedByClass[k] }
                #expect(abs(sum - all.exposedByClass[k]) <= 1e-6 * total, "\(mode) class \(k + 1): \(sum) vs \(all.exposedByClass[k])")
            }
            for t in parts {
                let f = RegionFigures(totals: t, classes: classes)
                #expect(f.exposed + f.hazardUnknown <= f.population * (1 + 1e-6))
            }
        }
    }

    @Test func resultsDoNotDependOnThreadsChunksOrTiles() throws {
        var random = SeededGenerator(seed: 4)
        let grid = Grid(width: 61, height: 47, transform: GeoTransform(originX: 0, originY: 47, cellWidth: 1, cellHeight: 1))
        let people = (0..<grid.cellCount).map { _ in Double.random(in: 0...50, using: &random) }
        let regions = (0..<6).map { i -> [PolygonRings] in
            [[starPolygon(centre: MapPoint(x: 12 + Double(i % 3) * 18, y: 13 + Double(i / 3) * 20), radius: 11, vertices: 21, using: &random)]]
        }
        let hazardGrid = Grid(width: 170, height: 120, transform: GeoTransform(originX: -0.7, originY: 47.9, cellWidth: 0.37, cellHeight: 0.41))
        let depths = (0..<hazardGrid.cellCount).map { _ in Double.random(in: -0.5...3, using: &random) }
        let classes = try HazardClasses(thresholds: [0, 1, 2], rates: [0.01, 0.1, 0.3])
        for mode in [HazardSamplingMode.exactShares, .supersampled(5)] {
            let one = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths),
                                  classes: classes, threads: 1, mode: mode)
            // Chunks of 8 x 8 blocks, and tiles of a few dozen cells inside them.
            let many = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths),
                                   classes: classes, threads: 3, chunkCells: 300, blockSize: (8, 8), mode: mode,
                                   maxHazardCellsPerRead: 400)
            for (a, b) in zip(one, many) {
                #expect(abs(a.population - b.population) <= 1e-9 * a.population)
                for k in 0..<3 { #expect(abs(a.exposedByClass[k] - b.exposedByClass[k]) <= 1e-9 * max(1, a.exposedByClass[k]), "\(mode)") }
            }
            let again = try analyse(population: people, grid: grid, regions: regions, hazard: (hazardGrid, depths),
                                    classes: classes, threads: 2, chunkCells: 300, blockSize: (8, 8), mode: mode,
                                    maxHazardCellsPerRead: 400)
            #expect(again == many)
        }
    }
}

@Suite struct TileTests {
    @Test func tilesCoverTheChunkOnceWithinTheirSize() {
        let chunk = GridWindow(column: 256, row: 512, width: 100, height: 37)
        for maxCells in [1, 7, 99, 100, 101, 250, 1000, 3699, 3700, 100_000] {
            let tiles = ZonalEngine.tiles(of: chunk, maxCells: maxCells)
            var seen = [Int](repeating: 0, count: chunk.cellCount)
            for tile in tiles {
                #expect(tile.cellCount <= maxCells && !tile.isEmpty)
                #expect(tile.intersection(chunk) == tile)
                for r in tile.row..<tile.endRow {
                    for c in tile.column..<tile.endColumn { seen[(r - chunk.row) * chunk.width + c - chunk.column] += 1 }
                }
            }
            #expect(seen.allSatisfy { $0 == 1 }, "maxCells \(maxCells)")
        }
        #expect(ZonalEngine.tiles(of: chunk, maxCells: 3700) == [chunk])
        #expect(ZonalEngine.tiles(of: chunk, maxCells: 2000).map(\.height) == [19, 18])
    }
}
