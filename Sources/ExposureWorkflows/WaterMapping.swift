import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// `exposure water`: a water mask from a spectral index of one optical scene.
public struct WaterOptions: Sendable {
    public var imagePath: String
    public var layout: BandLayout
    public var index: SpectralIndex = .ndwi
    public var threshold: ThresholdChoice = .otsu
    public var outputPath: String
    public var indexOutputPath: String?
    /// Distance of every pixel to the nearest water pixel, in metres.
    public var distanceOutputPath: String?
    public var assumeCRS: String?
    /// Worker threads (default: all cores).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Cells per window of the streaming passes (tests force small windows).
    var windowCells = WaterMapping.windowCells
    /// Rows per window (the output's tile height; tests force fewer).
    var windowRows = 256
    /// Cells per strip of the distance transform's passes (tests force fewer).
    var distanceStripCells = 2 << 20
    /// Told the share of the work done (0...1) as windows finish: a progress bar.
    public var progress: ProgressReport?

    public init(imagePath: String, layout: BandLayout, outputPath: String) {
        self.imagePath = imagePath
        self.layout = layout
        self.outputPath = outputPath
    }
}

public struct WaterReport: Sendable {
    public let threshold: Double
    public let waterPixels: Int
    public let validPixels: Int
    /// What looks wrong (no water at all, every pixel water; bands without a valid pixel, saturated bands),
    /// naming the scene.
    public let warnings: [String]
    public var waterShare: Double { validPixels > 0 ? Double(waterPixels) / Double(validPixels) : 0 }
}

public enum WaterMapping {
    /// About a million cells per window: a few MB per thread.
    static let windowCells = 1 << 20

    /// Streams the scene: the index is computed window by window on every thread, never held whole. With
    /// Otsu, a pass for the valid values' range and one for their histogram come first; then the thresholding
    /// pass writes the mask (and the index) in window order. Distances to water are an exact separable
    /// distance transform in strips (``writeDistances``).
    public static func run(_ options: WaterOptions, outputs: OutputSet) throws -> WaterReport {
        // Otsu's range and histogram, the thresholding pass, the distance transform's column and row passes.
        let passes = (options.threshold == .otsu ? 2 : 0) + 1 + (options.distanceOutputPath == nil ? 0 : 2)
        return try PassProgress.reporting(passes: passes, to: options.progress) {
            try GDALEnvironment.withCacheSize(bytes: ExposureAnalysis.streamingCacheBytes) { try stream(options, outputs: outputs) }
        }
    }

    static func stream(_ options: WaterOptions, outputs: OutputSet) throws -> WaterReport {
        let scene = try SceneReader(path: options.imagePath, assumeCRS: options.assumeCRS)
        let bands = try IndexBands(scene, options.index, options.layout)
        let windows = StripPass.windows(grid: scene.grid, rows: options.windowRows, targetCells: options.windowCells)
        let what = "the \(options.index.rawValue.uppercased()) of \(options.imagePath)"
        let threshold: Double
        switch options.threshold {
        case .fixed(let value):
            threshold = value
        case .otsu:
            threshold = try otsuThreshold(bands, windows: windows, threads: options.threads, what: what)
        }
        let metadata = [
            "INDEX": options.index.rawValue, "INDEX_FORMULA": options.index.formula, "BANDS": options.layout.description,
            "BAND_LAYOUT": options.layout.name, "THRESHOLD": String(threshold), "THRESHOLD_METHOD": thresholdMethod(options.threshold),
            "SOURCE": (options.imagePath as NSString).lastPathComponent,
        ]
        var water = 0, valid = 0
        var counts = (SceneBandCounts(), SceneBandCounts())
        let withIndex = options.indexOutputPath != nil
        /// The thresholding pass: the mask (and the index) of each window, written in order.
        func pass(_ maskWriter: GridRasterWriter, _ indexWriter: GridRasterWriter?) throws -> [String: String] {
            try StripPass.run(
                count: windows.count, threads: options.threads, makeState: { try bands.makeReaders() },
                work: { readers, i -> (mask: [UInt8], index: [Float], counts: (SceneBandCounts, SceneBandCounts)) in
                    let (index, windowCounts) = try readers.index(windows[i])
                    let mask = index.map { waterValue($0, threshold: threshold) }
                    return (mask, withIndex ? index.map { $0.isNaN ? -9999 : $0 } : [], windowCounts)
                },
                consume: { i, result in
                    try maskWriter.write(windows[i], values: result.mask)
                    if let indexWriter { try indexWriter.write(windows[i], values: result.index) }
                    for v in result.mask {
                        if v == MaskValue.yes { water += 1 }
                        if v != MaskValue.noData { valid += 1 }
                    }
                    counts.0.add(result.counts.0)
                    counts.1.add(result.counts.1)
                })
            return ["WATER_PIXELS": String(water), "VALID_PIXELS": String(valid)]
        }
        try outputs.writeRaster(options.outputPath, grid: scene.grid, crs: scene.crs, type: .byte, noData: Double(MaskValue.noData),
                                description: "water (1 water, 0 land, 255 no data)", unit: "", metadata: metadata, style: .water,
                                inputs: [options.imagePath]) { maskWriter in
            guard let indexPath = options.indexOutputPath else { return try pass(maskWriter, nil) }
            var counted: [String: String] = [:]
            try outputs.writeRaster(indexPath, grid: scene.grid, crs: scene.crs, type: .float32, noData: -9999,
                                    description: "\(options.index.rawValue.uppercased()) = \(options.index.formula)", unit: "",
                                    metadata: metadata, style: .normalisedIndex, inputs: [options.imagePath]) { indexWriter in
                counted = try pass(maskWriter, indexWriter)
                return counted
            }
            return counted
        }
        scene.record(counts.0, band: bands.a.bandIndex)
        scene.record(counts.1, band: bands.b.bandIndex)
        if let distancePath = options.distanceOutputPath {
            try writeDistances(mask: try outputs.temporaryPath(for: options.outputPath), scene: scene, to: distancePath,
                               metadata: metadata.merging(["WATER_PIXELS": String(water), "VALID_PIXELS": String(valid)]) { $1 },
                               inputs: [options.imagePath], threads: options.threads, outputs: outputs,
                               stripCells: options.distanceStripCells)
        }
        var warnings = scene.warnings
        if water == 0 {
            warnings.append("\(options.imagePath): no pixel is water at threshold \(threshold); check the bands (--sensor, --bands) and the threshold")
        } else if water == valid {
            warnings.append("\(options.imagePath): every valid pixel is water at threshold \(threshold); check the bands (--sensor, --bands) and the threshold")
        }
        return WaterReport(threshold: threshold, waterPixels: water, validPixels: valid, warnings: warnings)
    }

    /// Otsu's threshold of the index from two passes: the valid values' range, then their histogram over it
    /// (the same threshold as ``Otsu/threshold(_:bins:)`` on the whole index).
    static func otsuThreshold(_ bands: IndexBands, windows: [GridWindow], threads: Int, what: String) throws -> Double {
        var range = Otsu.Range()
        try StripPass.run(count: windows.count, threads: threads, makeState: { try bands.makeReaders() },
                          work: { readers, i -> Otsu.Range in
                              var part = Otsu.Range()
                              part.add(try readers.index(windows[i]).values)
                              return part
                          },
                          consume: { _, part in range.merge(part) })
        guard let empty = Otsu.Histogram(range: range) else { throw ThresholdChoice.noOtsuThreshold(what) }
        var histogram = empty
        try StripPass.run(count: windows.count, threads: threads, makeState: { try bands.makeReaders() },
                          work: { readers, i -> Otsu.Histogram in
                              var part = empty
                              part.add(try readers.index(windows[i]).values)
                              return part
                          },
                          consume: { _, part in histogram.merge(part) })
        guard let threshold = histogram.threshold() else { throw ThresholdChoice.noOtsuThreshold(what) }
        return threshold
    }

    /// Distance of every pixel to the nearest water pixel of the mask file, in metres: an exact separable
    /// Euclidean distance transform (the values of ``DistanceTransform/distances(target:width:height:cellWidth:cellHeight:)``)
    /// in strips. The column pass reads vertical strips of whole columns of the mask and writes, per pixel, the
    /// row of the nearest water pixel in its column to a temporary Int32 GeoTIFF beside the output; the row pass
    /// reads it in horizontal strips of whole rows and writes the distances. Memory: a few strips per thread.
    static func writeDistances(mask maskPath: String, scene: SceneReader, to distancePath: String, metadata: [String: String],
                               inputs: [String], threads: Int, outputs: OutputSet, stripCells: Int = 2 << 20) throws {
        let grid = scene.grid
        // Metres: the CRS's units on a projected grid; on a geographic grid, degrees at the scene's centre latitude.
        var cellWidth = grid.transform.cellWidth * scene.crs.linearUnitsInMetres
        var cellHeight = grid.transform.cellHeight * scene.crs.linearUnitsInMetres
        if scene.crs.isGeographic {
            let latitude = (grid.bounds.minY + grid.bounds.maxY) / 2 * .pi / 180
            cellWidth = grid.transform.cellWidth * 111_320 * cos(latitude)
            cellHeight = grid.transform.cellHeight * 110_574
        }
        let (cellWidthMetres, cellHeightMetres) = (cellWidth, cellHeight)
        let width = grid.width, height = grid.height
        // Strips of whole tiles of the temporary file: `columns` wide for the column pass, `rows` high for the row pass.
        let columns = min(256, max(16, (stripCells / max(1, height)) / 16 * 16))
        let rows = width <= stripCells / 256 ? 256 : min(256, max(16, (stripCells / width) / 16 * 16))
        let nearestPath = try outputs.temporaryPath(for: distancePath) + ".columns.tif"
        OutputSet.removeTemporary(nearestPath)
        defer { OutputSet.removeTemporary(nearestPath) }
        let nearest = try Driver.named("GTiff").createRaster(
            path: nearestPath, width: width, height: height, bands: 1, type: .int32,
            options: ["TILED=YES", "BLOCKXSIZE=\(columns)", "BLOCKYSIZE=\(rows)", "COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=2", "BIGTIFF=YES"])
        let nearestBand = try nearest.band(1)
        let columnStrips = (width + columns - 1) / columns
        try StripPass.run(
            count: columnStrips, threads: threads, makeState: { try Dataset.open(maskPath, kinds: .raster).band(1) },
            work: { band, i -> [Int32] in
                let strip = RasterWindow(column: i * columns, row: 0, width: min(columns, width - i * columns), height: height)
                let mask = try band.read(strip, as: UInt8.self)
                var rowsOfWater = [Int32](repeating: -1, count: mask.count)
                let target = mask.map { $0 == MaskValue.yes }
                target.withUnsafeBufferPointer { target in
                    rowsOfWater.withUnsafeMutableBufferPointer {
                        DistanceTransform.nearestRows(target: target, columns: strip.width, height: height, cellHeight: cellHeightMetres, into: $0)
                    }
                }
                return rowsOfWater
            },
            consume: { i, rowsOfWater in
                try nearestBand.write(RasterWindow(column: i * columns, row: 0, width: min(columns, width - i * columns), height: height),
                                      values: rowsOfWater)
            })
        try nearest.close()
        let rowStrips = (height + rows - 1) / rows
        var farthest = 0.0
        try outputs.writeRaster(distancePath, grid: grid, crs: scene.crs, type: .float32, noData: -9999,
                                description: "distance to the nearest water pixel", unit: "m", metadata: metadata,
                                inputs: inputs) { writer in
            try StripPass.run(
                count: rowStrips, threads: threads, makeState: { try Dataset.open(nearestPath, kinds: .raster).band(1) },
                work: { band, i -> (distances: [Float], farthest: Float) in
                    let strip = RasterWindow(column: 0, row: i * rows, width: width, height: min(rows, height - i * rows))
                    let rowsOfWater = try band.read(strip, as: Int32.self)
                    var distances = [Float](repeating: .infinity, count: rowsOfWater.count)
                    rowsOfWater.withUnsafeBufferPointer { rowsOfWater in
                        distances.withUnsafeMutableBufferPointer {
                            DistanceTransform.rowPass(nearestRows: rowsOfWater, firstRow: strip.row, width: width, cellWidth: cellWidthMetres,
                                                      cellHeight: cellHeightMetres, into: $0)
                        }
                    }
                    var most = -Float.infinity
                    for i in distances.indices {
                        if distances[i].isFinite { most = max(most, distances[i]) } else { distances[i] = -9999 }
                    }
                    return (distances, most)
                },
                consume: { i, result in
                    try writer.write(GridWindow(column: 0, row: i * rows, width: width, height: min(rows, height - i * rows)),
                                     values: result.distances)
                    if result.farthest.isFinite { farthest = max(farthest, Double(result.farthest)) }
                })
            return ([:], .distance(maximum: farthest))
        }
    }

    /// Writes a spectral index of a scene (Float32, nodata -9999) window by window on every thread, and returns
    /// its valid pixel count and range; `progress` is told the share done as windows finish (a progress bar).
    public static func writeIndex(imagePath: String, layout: BandLayout, index: SpectralIndex, assumeCRS: String?,
                                  to path: String, outputs: OutputSet,
                                  threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                  progress: ProgressReport? = nil) throws
        -> (valid: Int, min: Float, max: Float, warnings: [String]) {
        try PassProgress.reporting(passes: 1, to: progress) {
            try writeIndex(imagePath: imagePath, layout: layout, index: index, assumeCRS: assumeCRS, to: path, outputs: outputs,
                           threads: threads, windowCells: windowCells, windowRows: 256)
        }
    }

    static func writeIndex(imagePath: String, layout: BandLayout, index: SpectralIndex, assumeCRS: String?,
                           to path: String, outputs: OutputSet, threads: Int, windowCells: Int, windowRows: Int) throws
        -> (valid: Int, min: Float, max: Float, warnings: [String]) {
        try GDALEnvironment.withCacheSize(bytes: ExposureAnalysis.streamingCacheBytes) {
            let scene = try SceneReader(path: imagePath, assumeCRS: assumeCRS)
            let bands = try IndexBands(scene, index, layout)
            let windows = StripPass.windows(grid: scene.grid, rows: windowRows, targetCells: windowCells)
            let metadata = ["INDEX": index.rawValue, "INDEX_FORMULA": index.formula, "BANDS": layout.description,
                            "SOURCE": (imagePath as NSString).lastPathComponent]
            var valid = 0, low = Float.nan, high = Float.nan
            var counts = (SceneBandCounts(), SceneBandCounts())
            try outputs.writeRaster(path, grid: scene.grid, crs: scene.crs, type: .float32, noData: -9999,
                                    description: "\(index.rawValue.uppercased()) = \(index.formula)", unit: "", metadata: metadata,
                                    style: .normalisedIndex, inputs: [imagePath]) { writer in
                try StripPass.run(
                    count: windows.count, threads: threads, makeState: { try bands.makeReaders() },
                    work: { readers, i -> (values: [Float], counts: (SceneBandCounts, SceneBandCounts)) in
                        let (values, windowCounts) = try readers.index(windows[i])
                        return (values, windowCounts)
                    },
                    consume: { i, result in
                        var values = result.values
                        for j in values.indices {
                            let v = values[j]
                            if v.isNaN { values[j] = -9999; continue }
                            valid += 1
                            // As Array.min()/max() over the valid values.
                            if low.isNaN || v < low { low = v }
                            if high.isNaN || v > high { high = v }
                        }
                        try writer.write(windows[i], values: values)
                        counts.0.add(result.counts.0)
                        counts.1.add(result.counts.1)
                    })
                return [:]
            }
            scene.record(counts.0, band: bands.a.bandIndex)
            scene.record(counts.1, band: bands.b.bandIndex)
            let warnings = scene.warnings + (valid == 0
                ? ["\(imagePath): no pixel has a valid \(index.rawValue.uppercased()) (the bands are nodata, zero or saturated everywhere)"] : [])
            return (valid, low, high, warnings)
        }
    }

    /// The index of a whole scene in memory (for small scenes and tests).
    static func computeIndex(_ scene: SceneReader, _ index: SpectralIndex, _ layout: BandLayout) throws -> [Float] {
        let (a, b) = index.bands
        let first = try scene.band(try layout.position(of: a))
        let second = try scene.band(try layout.position(of: b))
        return index.compute(first, second)
    }

    static func thresholdMethod(_ choice: ThresholdChoice) -> String {
        switch choice {
        case .fixed: "fixed"
        case .otsu: "otsu (\(Otsu.defaultBins) bins over the valid values' range)"
        }
    }
}

/// The two bands of a spectral index, for workers to open their own readers.
struct IndexBands: Sendable {
    let index: SpectralIndex
    let a: SceneBandSource
    let b: SceneBandSource

    /// Checks that both bands exist, on the calling thread.
    init(_ scene: SceneReader, _ index: SpectralIndex, _ layout: BandLayout) throws {
        self.index = index
        let (first, second) = index.bands
        a = try scene.bandSource(try layout.position(of: first))
        b = try scene.bandSource(try layout.position(of: second))
    }

    func makeReaders() throws -> IndexReaders {
        let readers = try SceneBandSource.makeReaders([a, b])
        return IndexReaders(index: index, a: readers[0], b: readers[1])
    }
}

/// One thread's readers of an index's two bands, with their buffers.
struct IndexReaders {
    let index: SpectralIndex
    let a: SceneBandReader
    let b: SceneBandReader
    var first: [Float] = []
    var second: [Float] = []

    init(index: SpectralIndex, a: SceneBandReader, b: SceneBandReader) {
        self.index = index
        self.a = a
        self.b = b
    }

    /// The index of `window` (NaN where invalid) and what each band's pixels held there.
    mutating func index(_ window: GridWindow) throws -> (values: [Float], counts: (SceneBandCounts, SceneBandCounts)) {
        let before = (a.counts, b.counts)
        try a.read(window, into: &first)
        try b.read(window, into: &second)
        var values = [Float](repeating: .nan, count: window.cellCount)
        first.withUnsafeBufferPointer { x in
            second.withUnsafeBufferPointer { y in values.withUnsafeMutableBufferPointer { index.compute(x, y, into: $0) } }
        }
        return (values, (a.counts.subtracting(before.0), b.counts.subtracting(before.1)))
    }
}
