import ExposureCore
@testable import ExposureAdapters
import ExposureProducts
@testable import ExposureWorkflows
import Foundation
import GDALSwift
import Imagery
import TestSupport
import Testing

/// `water` and `index` stream the scene in windows on several threads: whatever the windows (here tiny, not
/// dividing the scene), the outputs equal the whole-scene computation's bit for bit.
@Suite struct WaterStreamingTests {
    static let olinda = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/olinda/L7_ETMs.tif").path

    /// The whole-scene reference: index, Otsu threshold, mask and distances computed on arrays.
    func reference(_ path: String, _ layout: BandLayout, threshold: ThresholdChoice) throws
        -> (index: [Float], threshold: Double, mask: [UInt8], distances: [Float], warnings: [String]) {
        let scene = try SceneReader(path: path, assumeCRS: nil)
        let index = try WaterMapping.computeIndex(scene, .ndwi, layout)
        let value = try threshold.resolve(index, what: "the scene")
        let mask = waterMask(index: index, threshold: value)
        let cell = scene.grid.transform
        let distances = DistanceTransform.distances(target: mask.map { $0 == MaskValue.yes }, width: scene.grid.width,
                                                    height: scene.grid.height, cellWidth: cell.cellWidth * scene.crs.linearUnitsInMetres,
                                                    cellHeight: cell.cellHeight * scene.crs.linearUnitsInMetres)
        return (index, value, mask, distances, scene.warnings)
    }

    func streamed(_ path: String, _ layout: BandLayout, threshold: ThresholdChoice, dir: TemporaryDirectory, tag: String,
                  windowRows: Int, windowCells: Int, stripCells: Int, threads: Int) throws
        -> (report: WaterReport, index: [Float], mask: [UInt8], distances: [Float], metadata: [String: String]) {
        var options = WaterOptions(imagePath: path, layout: layout, outputPath: dir.path("\(tag)-water.tif"))
        options.threshold = threshold
        options.indexOutputPath = dir.path("\(tag)-ndwi.tif")
        options.distanceOutputPath = dir.path("\(tag)-distance.tif")
        options.windowRows = windowRows
        options.windowCells = windowCells
        options.distanceStripCells = stripCells
        options.threads = threads
        let report = try OutputSet.producing(
            inputs: [path],
            declare: { outputs in
                try outputs.addRaster(options.outputPath, role: "--output")
                try outputs.addRaster(options.indexOutputPath!, role: "--index-output")
                try outputs.addRaster(options.distanceOutputPath!, role: "--distance-output")
            },
            work: { try WaterMapping.run(options, outputs: $0) })
        let water = try Dataset.open(options.outputPath)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path("")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        return (report, try Dataset.open(options.indexOutputPath!).band(1).readAll(as: Float.self),
                try water.band(1).readAll(as: UInt8.self),
                try Dataset.open(options.distanceOutputPath!).band(1).readAll(as: Float.self), water.metadata())
    }

    func check(_ path: String, _ layout: BandLayout, threshold: ThresholdChoice, windows: [(rows: Int, cells: Int, strip: Int, threads: Int)]) throws {
        let dir = try TemporaryDirectory()
        let want = try reference(path, layout, threshold: threshold)
        #expect(want.mask.contains(MaskValue.yes) && want.mask.contains(MaskValue.no))
        for (n, w) in windows.enumerated() {
            let got = try streamed(path, layout, threshold: threshold, dir: dir, tag: "run\(n)", windowRows: w.rows, windowCells: w.cells,
                                   stripCells: w.strip, threads: w.threads)
            #expect(got.report.threshold.bitPattern == want.threshold.bitPattern)
            #expect(got.mask == want.mask, "windows \(w)")
            #expect(got.index.map(\.bitPattern) == want.index.map { $0.isNaN ? Float(-9999).bitPattern : $0.bitPattern }, "windows \(w)")
            #expect(got.distances.map(\.bitPattern) == want.distances.map { $0.isFinite ? $0.bitPattern : Float(-9999).bitPattern }, "windows \(w)")
            #expect(got.report.waterPixels == want.mask.filter { $0 == MaskValue.yes }.count)
            #expect(got.report.validPixels == want.mask.filter { $0 != MaskValue.noData }.count)
            #expect(got.metadata["WATER_PIXELS"] == String(got.report.waterPixels))
            #expect(got.metadata["VALID_PIXELS"] == String(got.report.validPixels))
            #expect(Array(got.report.warnings.prefix(want.warnings.count)) == want.warnings)
        }
    }

    @Test func oddSceneInTinyWindowsEqualsTheWholeScene() throws {
        let dir = try TemporaryDirectory()
        let path = try SceneReadingTests().oddScene(dir)
        let layout = BandLayout(name: "custom", positions: [.green: 2, .nir: 4])
        try check(path, layout, threshold: .otsu, windows: [(3, 3 * 6, 16 * 5, 2), (5, 5 * 5, 16 * 40, 3), (256, 1 << 20, 2 << 20, 1)])
        try check(path, layout, threshold: .fixed(0.01), windows: [(4, 4 * 8, 16 * 3, 2)])
    }

    @Test func olindaInSmallWindowsEqualsTheWholeScene() throws {
        try #require(FileManager.default.fileExists(atPath: WaterStreamingTests.olinda), "run make olinda")
        let layout = try BandLayout.sensor("landsat7")
        // 349 x 352 pixels: windows of 48 x 48 and 96 x 48 and distance strips of 16 and 48 pixels, none dividing the scene.
        try check(WaterStreamingTests.olinda, layout, threshold: .otsu, windows: [(48, 48 * 48, 16 * 352 * 3, 2), (48, 96 * 48, 48 * 352, 2)])
    }

    @Test func indexInTinyWindowsEqualsTheWholeIndex() throws {
        let dir = try TemporaryDirectory()
        let path = try SceneReadingTests().oddScene(dir)
        let layout = BandLayout(name: "custom", positions: [.red: 1, .nir: 3])
        let scene = try SceneReader(path: path, assumeCRS: nil)
        let expected = try WaterMapping.computeIndex(scene, .ndvi, layout)
        let out = dir.path("ndvi.tif")
        let result = try OutputSet.producing(
            inputs: [path], declare: { try $0.addRaster(out, role: "--output") },
            work: { try WaterMapping.writeIndex(imagePath: path, layout: layout, index: .ndvi, assumeCRS: nil, to: out, outputs: $0,
                                                threads: 2, windowCells: 12, windowRows: 3) })
        let got = try Dataset.open(out).band(1).readAll(as: Float.self)
        #expect(got.map(\.bitPattern) == expected.map { $0.isNaN ? Float(-9999).bitPattern : $0.bitPattern })
        let valid = expected.filter { !$0.isNaN }
        #expect(result.valid == valid.count && result.min == valid.min() && result.max == valid.max())
        #expect(result.warnings == scene.warnings)
    }
}
