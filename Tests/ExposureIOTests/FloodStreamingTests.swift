import ExposureCore
@testable import ExposureAdapters
import ExposureProducts
@testable import ExposureWorkflows
import Foundation
import GDALSwift
import Imagery
import TestSupport
import Testing

/// `flood-extent` streams the scenes in strips on several threads: whatever the strips (here down to one row)
/// and the threads, the mask and the counts equal the whole-scene computation's (the scenes, the slope and the
/// detection held in memory, as the command did before).
@Suite struct FloodStreamingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ name: String) -> String { root.appendingPathComponent("sample-rasters/\(name)").path }

    /// The before scene on another grid (29 m cells): read through the warped VRT, then copied.
    static func resampled(_ path: String, dir: TemporaryDirectory) throws -> String {
        let out = dir.path("before-29m-\((path as NSString).lastPathComponent)")
        try Utilities.warp(try Dataset.open(path, kinds: .raster), arguments: ["-of", "GTiff", "-tr", "29", "29", "-r", "bilinear"],
                           destination: out).close()
        return out
    }

    /// The whole-scene computation.
    func reference(_ options: FloodExtentOptions) throws -> (mask: [UInt8], report: FloodDetectionReport) {
        let after = try SceneReader(path: options.afterPath, assumeCRS: nil)
        let before = try SceneReader(path: options.beforePath, assumeCRS: nil, onto: (after.grid, after.crs))
        let steep = try options.demPath.map { try after.slope(fromDEM: $0).map { !$0.isNaN && Double($0) > options.maxSlope } }
        let grid = after.grid
        switch options.kind {
        case .optical:
            let layout = try #require(options.layout)
            return try OpticalFloodDetection.detect(
                before: try WaterMapping.computeIndex(before, options.index, layout), after: try WaterMapping.computeIndex(after, options.index, layout),
                threshold: options.threshold ?? .otsu, width: grid.width, height: grid.height, steep: steep, minimumPixels: options.minimumPixels)
        case .sar:
            return try SARFloodDetection.detect(
                before: try before.band(options.sarBand), after: try after.band(options.sarBand), units: try #require(options.units),
                width: grid.width, height: grid.height, filter: options.speckle, threshold: options.threshold ?? .fixed(SARFloodDetection.unSpiderRatio),
                waterDB: options.waterDB, steep: steep, minimumPixels: options.minimumPixels)
        }
    }

    func streamed(_ options: FloodExtentOptions, dir: TemporaryDirectory, tag: String, rows: Int?, threads: Int) throws
        -> (mask: [UInt8], report: FloodExtentReport, metadata: [String: String]) {
        var options = options
        options.outputPath = dir.path("\(tag).tif")
        options.stripRows = rows
        options.threads = threads
        let report = try OutputSet.producing(inputs: [options.beforePath, options.afterPath, options.demPath],
                                             declare: { try $0.addRaster(options.outputPath, role: "--output") },
                                             work: { try FloodMapping.run(options, outputs: $0) })
        let dataset = try Dataset.open(options.outputPath)
        // Nothing is left beside the output but the output and its style.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
        return (try dataset.band(1).readAll(as: UInt8.self), report, dataset.metadata())
    }

    func check(_ options: FloodExtentOptions, rows: [Int?], name: String) throws {
        let dir = try TemporaryDirectory()
        let (mask, expected) = try reference(options)
        var metadata: [String: String]?
        for (i, strip) in rows.enumerated() {
            for threads in [1, 3] where !(strip == 1 && threads == 1) {
                let run = try streamed(options, dir: dir, tag: "\(i)-\(threads)", rows: strip, threads: threads)
                #expect(run.mask == mask, "\(name): strips of \(strip.map(String.init) ?? "default") rows, \(threads) threads")
                let got = run.report.detection
                #expect(got.thresholds == expected.thresholds && got.flooded == expected.flooded && got.valid == expected.valid
                        && got.removedAsPermanentWater == expected.removedAsPermanentWater && got.removedAsSteep == expected.removedAsSteep
                        && got.removedAsSmall == expected.removedAsSmall, "\(name): \(got) against \(expected)")
                var items = run.metadata
                items["EXPOSURE_MANIFEST"] = nil
                if let metadata { #expect(items == metadata, "\(name)") } else { metadata = items }
            }
        }
        #expect(metadata?["FLOODED_PIXELS"] == String(expected.flooded))
    }

    @Test func sarStripsAndThreadsGiveTheWholeScenesMask() throws {
        let dir = try TemporaryDirectory()
        var options = FloodExtentOptions(kind: .sar, beforePath: try Self.resampled(Self.sample("sar_before.tif"), dir: dir),
                                         afterPath: Self.sample("sar_after.tif"), outputPath: "")
        options.units = .linear
        options.demPath = Self.sample("dem.tif")
        options.maxSlope = 1
        try check(options, rows: [1, 4, 13, nil], name: "lee 5, ratio, DEM")
        options.speckle = .median(window: 3)
        options.threshold = .otsu
        options.minimumPixels = 40
        try check(options, rows: [2, 7, nil], name: "median 3, otsu, 40 pixels")
        options.speckle = .lee(window: 9, looks: 1)
        options.minimumPixels = 1
        options.demPath = nil
        try check(options, rows: [3, nil], name: "lee 9, no minimum size")
    }

    @Test func opticalStripsAndThreadsGiveTheWholeScenesMask() throws {
        let dir = try TemporaryDirectory()
        var options = FloodExtentOptions(kind: .optical, beforePath: try Self.resampled(Self.sample("optical_before.tif"), dir: dir),
                                         afterPath: Self.sample("optical_after.tif"), outputPath: "")
        options.layout = try BandLayout.sensor("landsat8")
        options.demPath = Self.sample("dem.tif")
        options.maxSlope = 1
        try check(options, rows: [1, 5, nil], name: "ndwi, otsu, DEM")
        options.index = .mndwi
        options.threshold = .fixed(0.05)
        options.minimumPixels = 30
        try check(options, rows: [2, 9, nil], name: "mndwi, fixed, 30 pixels")
    }

    @Test func unitsAreGuessedFromTheWholeAfterScene() throws {
        let dir = try TemporaryDirectory()
        var options = FloodExtentOptions(kind: .sar, beforePath: Self.sample("sar_before.tif"), afterPath: Self.sample("sar_after.tif"),
                                         outputPath: "")
        let run = try streamed(options, dir: dir, tag: "guessed", rows: 3, threads: 2)
        #expect(run.report.units == "linear")
        options.units = .linear
        #expect(run.mask == (try reference(options)).mask)
    }
}
