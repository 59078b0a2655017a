@testable import ExposureCore
import Testing

/// Many hazards sampled into the engine's interleaved layout together (hazards on one grid share the work)
/// give the codes of sampling each hazard on its own.
@Suite struct InterleavedSamplingTests {
    static let population = Grid(width: 37, height: 29, transform: GeoTransform(originX: 0, originY: 2900, cellWidth: 100, cellHeight: 100))

    /// A hazard grid of `cell` m from (x0, y0) with values from 0 to 3 and some NaN.
    static func hazard(cell: Double, x0: Double, y0: Double, width: Int, height: Int, seed: UInt64) -> ArrayHazard {
        var random = SeededGenerator(seed: seed)
        let values = (0..<(width * height)).map { _ in Int.random(in: 0..<9, using: &random) == 0 ? Double.nan : Double.random(in: 0..<3, using: &random) }
        return ArrayHazard(grid: Grid(width: width, height: height, transform: GeoTransform(originX: x0, originY: y0, cellWidth: cell, cellHeight: cell)),
                           values: values)
    }

    static func sampler(_ reader: ArrayHazard, classes: HazardClasses, maxRead: Int = 8_000_000) -> HazardSampler {
        let ratio = population.transform.cellArea / reader.grid.transform.cellArea
        return HazardSampler(populationGrid: population, classes: classes, mode: .centre, reader: reader,
                             hazardCellsPerPopulationCell: ratio, maxHazardCellsPerRead: maxRead)
    }

    static func laneByLane(_ samplers: [HazardSampler], tile: GridWindow) throws -> [UInt8] {
        var samplers = samplers
        var codes = [UInt8](repeating: 0xEE, count: tile.cellCount * samplers.count)
        try codes.withUnsafeMutableBufferPointer { out in
            for h in samplers.indices { try samplers[h].sampleInterleaved(tile, into: out, stride: samplers.count, lane: h) }
        }
        return codes
    }

    static func together(_ samplers: [HazardSampler], tile: GridWindow) throws -> [UInt8] {
        var samplers = samplers
        var codes = [UInt8](repeating: 0xEE, count: tile.cellCount * samplers.count)
        try codes.withUnsafeMutableBufferPointer { try HazardSampler.sampleInterleaved(&samplers, tile: tile, into: $0) }
        return codes
    }

    @Test func togetherIsLaneByLane() throws {
        let depth = try HazardClasses(thresholds: [0.5, 1.5]), other = try HazardClasses(thresholds: [1, 2, 2.5])
        // Three on one 150 m grid that covers part of the population grid (cells outside are unknown), one on a
        // 230 m grid, one on the shared grid with other classes (another unknown code).
        let shared = (0..<3).map { Self.hazard(cell: 150, x0: 130, y0: 2700, width: 20, height: 15, seed: UInt64($0)) }
        let coarse = Self.hazard(cell: 230, x0: -50, y0: 2950, width: 18, height: 14, seed: 9)
        let sharedOther = Self.hazard(cell: 150, x0: 130, y0: 2700, width: 20, height: 15, seed: 7)
        let orders: [[HazardSampler]] = [
            shared.map { Self.sampler($0, classes: depth) },
            shared.map { Self.sampler($0, classes: depth) } + [Self.sampler(coarse, classes: depth), Self.sampler(sharedOther, classes: other)],
            [Self.sampler(coarse, classes: depth)] + shared.map { Self.sampler($0, classes: depth) },
            // Bands of 3 rows (a read budget of 100 hazard cells).
            shared.map { Self.sampler($0, classes: depth, maxRead: 100) } + [Self.sampler(sharedOther, classes: other, maxRead: 100)],
        ]
        let tiles = [Self.population.fullWindow, GridWindow(column: 3, row: 5, width: 17, height: 11),
                     GridWindow(column: 30, row: 0, width: 7, height: 2)]
        var seen = Set<UInt8>()
        for samplers in orders {
            for tile in tiles {
                let expected = try Self.laneByLane(samplers, tile: tile)
                #expect(try Self.together(samplers, tile: tile) == expected, "\(samplers.count) hazards, tile \(tile)")
                seen.formUnion(expected)
            }
        }
        // Every class of both class sets and both unknown codes occur (inside and outside the hazards), so a lane
        // misplaced or an unknown code mixed up would show; 0xEE, a cell left unwritten, must not.
        #expect(seen == [0, 1, 2, 3, 4])
        #expect(!seen.contains(0xEE))
    }

    /// The engine over chunks split into tiles of 7 cells (runs of equal codes cut at every tile) against one
    /// tile per chunk, and against each hazard alone: the same cells counted, sums equal to 1e-12.
    @Test(arguments: [1, 2])
    func tilesOfAFewCellsGiveTheSumsOfWholeChunks(threads: Int) throws {
        var random = SeededGenerator(seed: 31)
        let grid = Grid(width: 61, height: 47, transform: GeoTransform(originX: 0, originY: 47, cellWidth: 1, cellHeight: 1))
        var people = (0..<grid.cellCount).map { _ in Double.random(in: 0...40, using: &random) }
        people[5] = .nan
        people[70] = -3
        let population = people
        let groups = [population.map { $0 / 3 }]
        let classes = try HazardClasses(thresholds: [0.5, 1.5])
        // Four hazards on one grid of 1.5 cells (shared sampling), one on another; runs of equal classes are long.
        let hazards: [ArrayHazard] = (0..<5).map { h in
            let cell = h < 4 ? 1.5 : 2.2
            let width = Int(62 / cell) + 1, height = Int(48 / cell) + 1
            var values = [Double](repeating: 0, count: width * height)
            for i in values.indices {
                let unknown = (i / 9 + h) % 5 == 0
                values[i] = unknown ? .nan : Double((i / 7 + h) % 4) * 0.6
            }
            return ArrayHazard(grid: Grid(width: width, height: height,
                                          transform: GeoTransform(originX: -0.3, originY: 47.4, cellWidth: cell, cellHeight: cell)),
                               values: values)
        }
        // The first region holds the negative cell (row 1, column 9) and the NaN one (row 0, column 5).
        let regions: [[PolygonRings]] = [[square(2.5, 30, 20, 47)]] + (0..<9).map { _ in
            let x = Double.random(in: 0..<45, using: &random), y = Double.random(in: 0..<30, using: &random)
            return [square(x, y, x + Double.random(in: 3..<16, using: &random), y + Double.random(in: 3..<16, using: &random))]
        }
        func run(_ lanes: [Int], tileCells: Int?) throws -> ZonalResult {
            let shapes = regions.map { RegionShape(polygons: $0, grid: grid) }
            var engine = ZonalEngine(grid: grid, regions: shapes, classes: classes, hazardCount: lanes.count, groupCount: 1,
                                     blockSize: (16, 8), targetChunkCells: 256)
            engine.interleavedTileCells = tileCells
            return try engine.run(threads: threads, makeInputs: {
                WorkerInputs(population: ArrayPopulation(grid: grid, values: population),
                             groups: groups.map { ArrayPopulation(grid: grid, values: $0) },
                             hazards: lanes.map { h in
                                 HazardSampler(populationGrid: grid, classes: classes, mode: .centre, reader: hazards[h],
                                               hazardCellsPerPopulationCell: 1 / (hazards[h].grid.transform.cellArea))
                             })
            })
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
        func expectClose(_ a: RegionTotals, _ b: RegionTotals, _ what: String) {
            #expect(close(a.population, b.population) && close(a.hazardUnknown, b.hazardUnknown), "\(what)")
            #expect(zip(a.exposedByClass, b.exposedByClass).allSatisfy { close($0, $1) }, "\(what)")
        }
        let whole = try run(Array(0..<5), tileCells: nil), tiled = try run(Array(0..<5), tileCells: 7)
        #expect(tiled.validCellsInRegions == whole.validCellsInRegions && tiled.negativeCells == whole.negativeCells)
        #expect(tiled.negativeCells == 1)
        #expect(tiled.groups[0].validCellsInRegions == whole.groups[0].validCellsInRegions)
        for region in regions.indices {
            #expect(close(tiled.populations[region], whole.populations[region]))
            #expect(close(tiled.groups[0].populations[region], whole.groups[0].populations[region]))
            for h in 0..<5 {
                expectClose(tiled.hazardTotals[h][region], whole.hazardTotals[h][region], "hazard \(h), region \(region), tiled")
                expectClose(tiled.groups[0].hazardTotals[h][region], whole.groups[0].hazardTotals[h][region], "group, hazard \(h)")
                let alone = try run([h], tileCells: nil)
                expectClose(tiled.hazardTotals[h][region], alone.hazardTotals[0][region], "hazard \(h), region \(region), alone")
            }
        }
        // The hazards reach every class and leave some people unknown, so the comparison covers them all.
        #expect(whole.hazardTotals.allSatisfy { $0.contains { $0.hazardUnknown > 0 } && $0.contains { $0.exposedByClass.allSatisfy { $0 > 0 } } })
    }

    /// Planes of codes put side by side 16 by 16 (``HazardSampler/transpose(_:cells:into:)``) are the
    /// codes put one by one, for counts of planes and cells on either side of multiples of 16; the 16 bytes
    /// to spare after them may be overwritten, nothing beyond.
    @Test func transposingPlanesIsPuttingCodesOneByOne() {
        var random = SeededGenerator(seed: 16)
        for lanes in [1, 2, 3, 15, 16, 17, 31, 32, 33] {
            for cells in [1, 2, 15, 16, 17, 40, 100] {
                let planar = (0..<(lanes * cells)).map { _ in UInt8.random(in: 0...255, using: &random) }
                var expected = [UInt8](repeating: 0, count: lanes * cells)
                for k in 0..<cells { for l in 0..<lanes { expected[k * lanes + l] = planar[l * cells + k] } }
                var side = [UInt8](repeating: 0xEE, count: lanes * cells + 16 + 8)
                planar.withUnsafeBufferPointer { planar in
                    let planes = (0..<lanes).map { planar.baseAddress! + $0 * cells }
                    planes.withUnsafeBufferPointer { planes in
                        side.withUnsafeMutableBufferPointer { HazardSampler.transpose(planes, cells: cells, into: $0.baseAddress!) }
                    }
                }
                #expect(Array(side[..<(lanes * cells)]) == expected, "\(lanes) planes of \(cells) cells")
                #expect(side[(lanes * cells + 16)...].allSatisfy { $0 == 0xEE }, "\(lanes) planes of \(cells) cells")
            }
        }
    }
}
