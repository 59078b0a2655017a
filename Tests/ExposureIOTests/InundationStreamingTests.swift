import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// `InundationMapping` streams the DEM by strips on several threads: its rasters equal the in-memory flood
/// fill (``CoastalInundation/depths(elevation:width:height:level:seeds:)``) cell for cell, whatever the strip
/// height and the thread count, with several levels written from the same two reads.
@Suite struct InundationStreamingTests {
    let dir: TemporaryDirectory
    let width = 41, height = 37

    init() throws { dir = try TemporaryDirectory() }

    /// A Float32 DEM (nodata -9999, a few nodata cells, a winding channel and noise) in UTM 25S.
    func dem(seed: UInt64) throws -> (path: String, elevation: [Double]) {
        var random = SeededGenerator(seed: seed)
        var e = [Float](repeating: 0, count: width * height)
        for r in 0..<height {
            for c in 0..<width {
                var z = Float(c) / Float(width) * 4 - 1 + Float.random(in: -1.5...1.5, using: &random)
                if abs(sin(Float(r) / 3 + Float(c) / 7)) < 0.2 { z -= 2 }
                e[r * width + c] = Float.random(in: 0..<1, using: &random) < 0.03 ? -9999 : (z * 10).rounded() / 10
            }
        }
        let path = dir.path("dem\(seed).tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: 1, type: .float32,
                                                             options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"])
        try dataset.setGeoTransform([290_000, 30, 0, 9_120_000, 0, -30])
        try dataset.setSpatialReference(SpatialReference(epsg: 31985))
        try dataset.band(1).setNoDataValue(-9999)
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: width, height: height), values: e)
        try dataset.close()
        return (path, e.map { $0 == -9999 ? .nan : Double($0) })
    }

    /// A sea mask on the DEM's grid (1 = sea) with `sea` cells set.
    func mask(_ sea: [Bool]) throws -> String {
        let path = dir.path("sea.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: 1, type: .byte)
        try dataset.setGeoTransform([290_000, 30, 0, 9_120_000, 0, -30])
        try dataset.setSpatialReference(SpatialReference(epsg: 31985))
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: width, height: height), values: sea.map { UInt8($0 ? 1 : 0) })
        try dataset.close()
        return path
    }

    func check(_ options: InundationOptions, elevation: [Double], seeds: CoastalInundation.Seeds, levels: [Double]) throws {
        var floodedSome = false, keptDrySome = false
        for (stripRows, threads) in [(1, 2), (2, 1), (3, 2), (5, 2), (nil, 2)] as [(Int?, Int)] {
            var options = options
            options.stripRows = stripRows
            options.threads = threads
            let outputs = levels.indices.map { dir.path("depth\($0)_\(stripRows ?? 0)_\(threads).tif") }
            let reports = try OutputSet.producing(
                inputs: [options.demPath, options.seaMaskPath], declare: { set in try outputs.forEach { try set.addRaster($0, role: "depth") } },
                work: { try InundationMapping.run(options, levels: Array(zip(levels, outputs)), outputs: $0) })
            for (l, level) in levels.enumerated() {
                let (expected, flooded) = CoastalInundation.depths(elevation: elevation, width: width, height: height, level: level, seeds: seeds)
                let written = try Dataset.open(outputs[l]).band(1).readAll(as: Float.self)
                let wanted = expected.map { Float($0.isNaN ? -9999 : $0) }
                let differing = zip(written, wanted).filter { $0 != $1 }.count
                #expect(differing == 0, "level \(level), strips of \(stripRows ?? 0) rows, \(threads) threads")
                #expect(reports[l].floodedCells == flooded)
                #expect(reports[l].maxDepth == (expected.filter { !$0.isNaN }.max() ?? 0))
                floodedSome = floodedSome || flooded > 0
                keptDrySome = keptDrySome || zip(elevation, expected).contains { $0 < level && $1 == 0 }
            }
        }
        // The case is not trivial: water spreads, and cells below a level stay dry for want of a link.
        #expect(floodedSome && keptDrySome)
    }

    @Test func edgesAtSeveralLevels() throws {
        let (path, elevation) = try dem(seed: 1)
        for edges in [[CoastalInundation.Edge.east], [.north, .west], [.south]] {
            var options = InundationOptions(demPath: path, seaLevel: 0, outputPath: "")
            options.seaEdges = Set(edges)
            try check(options, elevation: elevation, seeds: .edges(Set(edges)), levels: [0.3, 1.1, 1.8])
        }
    }

    @Test func aSeaMask() throws {
        let (path, elevation) = try dem(seed: 2)
        var random = SeededGenerator(seed: 5)
        let sea = (0..<width * height).map { _ in Double.random(in: 0..<1, using: &random) < 0.01 }
        var options = InundationOptions(demPath: path, seaLevel: 0, outputPath: "")
        options.seaMaskPath = try mask(sea)
        try check(options, elevation: elevation, seeds: .mask(sea), levels: [0.5, 1.5])
    }
}
