import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// Census to grid on the real Olinda tracts (2010 census, 377,779 people) over the Landsat scene's grid,
/// which the tracts overhang.
@Suite struct CensusGriddingTests {
    static let olinda = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/olinda")

    @Test func olindaTractsGridToTheCensusTotalAndEachTractKeepsItsCount() throws {
        let dir = try TemporaryDirectory()
        var options = CensusGridOptions(censusPath: Self.olinda.appendingPathComponent("olinda1.shp").path, countField: "V014",
                                        outputPath: dir.path("population.tif"))
        options.likePath = Self.olinda.appendingPathComponent("L7_ETMs.tif").path
        let report = try OutputSet.producing(inputs: [options.censusPath, options.likePath],
                                             declare: { try $0.addRaster(options.outputPath, role: "output") },
                                             work: { try CensusGridding.run(options, outputs: $0) })
        #expect(report.polygonCount == 470)
        #expect(report.censusTotal == 377_779)

        // The written raster sums to the census total, and keeps the Landsat grid's cell size and alignment.
        let dataset = try Dataset.open(options.outputPath)
        let values = try dataset.band(1).readAll(as: Double.self)
        let total = values.reduce(0, +)
        #expect(abs(total - 377_779) <= 1e-6 * 377_779)
        let like = try #require(try Dataset.open(options.likePath!).geoTransform())
        let grid = try #require(try dataset.geoTransform())
        #expect(grid[1] == like[1])
        let shift = (grid[0] - like[0]) / like[1]
        #expect(abs(shift - shift.rounded()) < 1e-6)
        #expect(dataset.width > 349 || dataset.height > 352)

        // Each tract alone, spread by the same gridder, places exactly its own count.
        let crs = try #require(try dataset.spatialReference())
        let tracts = try RegionSet(path: options.censusPath, layer: nil, idField: nil, nameField: nil, targetCRS: crs,
                                   assumeCRS: nil, requiredFields: ["V014"])
        let countIndex = try #require(tracts.fieldNames.firstIndex(of: "V014"))
        let g = report.grid
        var scratch = CoverageScratch()
        var fractions = [Double](repeating: 0, count: g.cellCount)
        var cells = [Double](repeating: 0, count: g.cellCount)
        for (index, polygons) in tracts.polygons.enumerated() {
            let count = try #require(tracts.attributes[index][countIndex].doubleValue)
            var gridder = CensusGridder(grid: g, shapes: [RegionShape(polygons: polygons, grid: g)], counts: [count], geographic: false)
            gridder.measure(g.fullWindow, habitable: nil, scratch: &scratch, fractions: &fractions)
            gridder.distribute(g.fullWindow, habitable: nil, into: &cells, scratch: &scratch, fractions: &fractions)
            let placed = cells.reduce(0, +)
            #expect(abs(placed - count) <= 1e-9 * max(1, count), "tract \(index): \(placed) of \(count)")
        }
    }
}
