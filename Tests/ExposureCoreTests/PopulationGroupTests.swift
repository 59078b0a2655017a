import Testing
@testable import ExposureCore

/// Population groups summed in the same pass as the population: each must equal an analysis with the
/// group's raster as the population, and groups that partition the population must add up to it.
@Suite struct PopulationGroupTests {
    /// Runs the engine with `groups` beside `population`; returns the population's and each group's totals
    /// for every hazard.
    func run(population: [Double], groups: [[Double]], grid: Grid, regions: [[PolygonRings]], hazards: [(Grid, [Double])],
             classes: HazardClasses?, threads: Int = 2, chunkCells: Int? = nil, blockSize: (Int, Int) = (16, 8)) throws -> ZonalResult {
        let shapes = regions.map { RegionShape(polygons: $0, grid: grid) }
        let engine = ZonalEngine(grid: grid, regions: shapes, classes: classes, hazardCount: hazards.count, groupCount: groups.count,
                                 blockSize: blockSize, targetChunkCells: chunkCells)
        return try engine.run(threads: threads, makeInputs: {
            let samplers = hazards.map { hazard -> HazardSampler in
                let ratio = grid.transform.cellArea / hazard.0.transform.cellArea
                return HazardSampler(populationGrid: grid, classes: classes!, mode: .choose(hazardCellsPerPopulationCell: ratio, sameCRS: true),
                                     reader: ArrayHazard(grid: hazard.0, values: hazard.1), hazardCellsPerPopulationCell: ratio)
            }
            return WorkerInputs(population: ArrayPopulation(grid: grid, values: population),
                                groups: groups.map { ArrayPopulation(grid: grid, values: $0) }, hazards: samplers)
        })
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test func groupsByHandOnTheFiveByFiveGrid() throws {
        // Group "half": half of every cell's people; group "first row": the people of row 0 only.
        let half = people5.map { $0 / 2 }
        let firstRow = people5.indices.map { $0 < 5 ? people5[$0] : 0 }
        // Region A: rows 0-1, columns 0-1 (26 people); region B: x 2.5..4 of row 4 (65.5 people).
        let result = try run(population: people5, groups: [half, firstRow], grid: grid5,
                             regions: [[square(0, 3, 2, 5)], [square(2.5, 0, 4, 1)]], hazards: [], classes: nil)
        #expect(result.populations[0] == 26)
        #expect(result.groups[0].populations[0] == 13)
        #expect(abs(result.groups[0].populations[1] - 32.75) < 1e-12)
        // Row 0 in region A: cells of 1 and 2 people; region B holds no cell of row 0.
        #expect(result.groups[1].populations[0] == 3)
        #expect(result.groups[1].populations[1] == 0)
        #expect(result.groups[1].validCellsInRegions == result.validCellsInRegions)
    }

    /// Random regions, several hazards (coarser, finer and offset, so the boundary cells are split by the finer
    /// hazard's parts), groups that partition the population, nodata and negative cells: every group equals
    /// the analysis of its raster alone, and the groups add up to the population.
    @Test(arguments: 1...4)
    func groupsEqualSeparateAnalysesAndAddUp(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(700 + seed))
        let grid = Grid(width: 61, height: 47, transform: GeoTransform(originX: 0, originY: 47, cellWidth: 1, cellHeight: 1))
        var population = (0..<grid.cellCount).map { _ in Double.random(in: 0...40, using: &random) }
        population[5] = .nan
        // Three groups whose cells partition the population (shares vary from cell to cell).
        var groups = [[Double]](repeating: [Double](repeating: 0, count: grid.cellCount), count: 3)
        for i in population.indices {
            let a = Double.random(in: 0...1, using: &random), b = Double.random(in: 0...(1 - a), using: &random)
            groups[0][i] = population[i] * a
            groups[1][i] = population[i] * b
            groups[2][i] = population[i] - groups[0][i] - groups[1][i]
        }
        // A fourth group, not part of the partition, with nodata and a negative cell of its own (counted as zero).
        var odd = groups[0]
        odd[9] = .nan
        odd[35 * 61 + 10] = -3  // the centre of the first region
        groups.append(odd)
        let regions = (0..<6).map { i -> [PolygonRings] in
            [[starPolygon(centre: MapPoint(x: 10 + Double(i % 3) * 20, y: 12 + Double(i / 3) * 22), radius: 11, vertices: 19, using: &random)]]
        }
        let coarse = Grid(width: 30, height: 25, transform: GeoTransform(originX: -1.3, originY: 48.1, cellWidth: 2.2, cellHeight: 2.1))
        let fine = Grid(width: 130, height: 100, transform: GeoTransform(originX: -0.25, originY: 47.3, cellWidth: 0.5, cellHeight: 0.5))
        let hazards = [coarse, fine].map { g in (g, (0..<g.cellCount).map { _ in Double.random(in: -1...3, using: &random) }) }
        let classes = try HazardClasses(thresholds: [0.1, 0.7, 1.5], rates: [0.01, 0.03, 0.05])

        let together = try run(population: population, groups: groups, grid: grid, regions: regions, hazards: hazards, classes: classes)
        #expect(together.groups.count == 4)
        for (g, group) in groups.enumerated() {
            let alone = try run(population: group, groups: [], grid: grid, regions: regions, hazards: hazards, classes: classes,
                                chunkCells: 1 << 20)
            for r in regions.indices {
                #expect(close(together.groups[g].populations[r], alone.populations[r]))
                for h in hazards.indices {
                    let a = together.groups[g].hazardTotals[h][r], b = alone.hazardTotals[h][r]
                    #expect(close(a.population, b.population))
                    #expect(close(a.hazardUnknown, b.hazardUnknown))
                    for k in 0..<classes.count { #expect(close(a.exposedByClass[k], b.exposedByClass[k])) }
                }
            }
            #expect(together.groups[g].negativeCells == alone.negativeCells)
        }
        // The first three partition the population cell by cell, so they add up to it region by region.
        for r in regions.indices {
            let sum = (0..<3).reduce(0) { $0 + together.groups[$1].populations[r] }
            #expect(close(sum, together.populations[r]))
            for h in hazards.indices {
                let exposed = (0..<3).reduce(0) { $0 + together.groups[$1].hazardTotals[h][r].exposed }
                let unknown = (0..<3).reduce(0) { $0 + together.groups[$1].hazardTotals[h][r].hazardUnknown }
                #expect(close(exposed, together.hazardTotals[h][r].exposed))
                #expect(close(unknown, together.hazardTotals[h][r].hazardUnknown))
            }
        }
        #expect(together.groups[3].negativeCells == 1)
        // The population's own figures do not change when groups ride along.
        let plain = try run(population: population, groups: [], grid: grid, regions: regions, hazards: hazards, classes: classes)
        for r in regions.indices {
            #expect(close(plain.populations[r], together.populations[r]))
            for h in hazards.indices { #expect(close(plain.hazardTotals[h][r].exposed, together.hazardTotals[h][r].exposed)) }
        }
    }

    @Test func chunksShrinkAsGroupsAddLayers() {
        #expect(ZonalEngine.defaultChunkCells(layers: 1) == 1 << 20)
        #expect(ZonalEngine.defaultChunkCells(layers: 2) == 1 << 20)
        #expect(ZonalEngine.defaultChunkCells(layers: 20) == (2 << 20) / 20)
        #expect(ZonalEngine.defaultChunkCells(layers: 37) == 1 << 16)
        #expect(ZonalEngine.defaultChunkCells(layers: 1000) == 1 << 16)
    }
}
