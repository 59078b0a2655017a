import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift
import Imagery

/// `exposure flood-extent`: flooded pixels from scenes before and after a flood, on the after scene's grid.
public struct FloodExtentOptions: Sendable {
    public enum Kind: String, Sendable { case optical, sar }

    public var kind: Kind
    public var beforePath: String
    public var afterPath: String
    public var outputPath: String
    /// Optical: the band layout and the water index.
    public var layout: BandLayout?
    public var index: SpectralIndex = .ndwi
    /// nil: Otsu for optical, UN-SPIDER's 1.25 ratio for SAR.
    public var threshold: ThresholdChoice?
    /// SAR: band, units (nil: guessed from the values), speckle filter, permanent-water level.
    public var sarBand = 1
    public var units: SARFloodDetection.Units?
    public var speckle: SpeckleFilter = .lee(window: 5, looks: 4.4)
    public var waterDB = -18.0
    public var demPath: String?
    public var maxSlope = FloodExtentOptions.defaultMaxSlope
    /// Degrees: steeper ground does not hold flood water (UN-SPIDER's recommended practice uses about 5).
    public static let defaultMaxSlope = 5.0
    public var minimumPixels = 8
    public var assumeCRS: String?
    /// Worker threads (the result never depends on them).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Told the share of the work done (0...1) as strips finish: a progress bar.
    public var progress: ProgressReport?
    /// Rows per strip (nil: about half a million pixels, at least 64 rows); the result never depends on it.
    public var stripRows: Int?

    public init(kind: Kind, beforePath: String, afterPath: String, outputPath: String) {
        self.kind = kind
        self.beforePath = beforePath
        self.afterPath = afterPath
        self.outputPath = outputPath
    }
}

public struct FloodExtentReport: Sendable {
    public let detection: FloodDetectionReport
    public let grid: Grid
    public let units: String?
    /// What looks wrong (scenes that do not overlap, no flood found; bands without a valid pixel, saturated
    /// bands, a DEM without elevation), naming the files.
    public let warnings: [String]
    public var floodedShare: Double { detection.valid > 0 ? Double(detection.flooded) / Double(detection.valid) : 0 }
    /// Flooded area in the grid's units squared (m² on projected grids).
    public var floodedArea: Double { Double(detection.flooded) * grid.transform.cellArea }
}

/// `flood-extent` strip by strip, in memory bounded by a few strips per thread whatever the scenes' size:
/// every pass reads the scenes (and the DEM's slope) in strips of whole rows on all threads, with a halo of
/// rows for the speckle filter and one more row for the minimum-size filter's labels; the results are taken in
/// order on the calling thread.
///
/// Passes: with `--units` not given (SAR), the signs of the after scene's values; with `otsu`, the range of
/// the thresholded values, then their histogram; then the mask before the minimum-size filter, written to a
/// temporary GeoTIFF beside the output while its groups crossing strip boundaries are merged
/// (``ComponentMerger``); then that mask again, its small groups cleared (``ComponentFilter``), into the
/// output. Every pixel gets exactly the value the whole-scene computation gives.
public enum FloodMapping {
    public static func run(_ options: FloodExtentOptions, outputs: OutputSet) throws -> FloodExtentReport {
        // The passes over the scenes (a resampled before scene's copy adds one): the DEM's slope copied onto the
        // scene's grid, the SAR units guessed, Otsu's range and histogram, the mask, the minimum-size filter.
        let otsu = (options.threshold ?? (options.kind == .optical ? .otsu : .fixed(0))) == .otsu
        let passes = (options.demPath == nil ? 0 : 1) + (options.kind == .sar && options.units == nil ? 1 : 0) + (otsu ? 2 : 0)
            + 1 + (options.minimumPixels > 1 ? 1 : 0)
        return try PassProgress.reporting(passes: passes, to: options.progress) {
            try GDALEnvironment.withCacheSize(bytes: ExposureAnalysis.streamingCacheBytes) { try map(options, outputs: outputs) }
        }
    }

    /// Rows per strip: about half a million pixels, at least 64 rows and four times the filter's halo; rounded
    /// up to whole blocks of the scene (`blockRows`) while a strip stays within 4 M pixels. A strip that ends
    /// inside a block row leaves the rest of its blocks to the next strip, which (on another thread, with its
    /// own GDAL handle) decoded them again: on a tiled Sentinel-2 tile, 64-row strips decoded every block four
    /// times a pass.
    static func stripRows(width: Int, halo: Int, blockRows: Int = 0) -> Int {
        let rows = max(64, 4 * (halo + 1), (1 << 19) / max(1, width))
        guard blockRows > 1 else { return rows }
        let whole = (rows + blockRows - 1) / blockRows * blockRows
        return whole * width <= 4 << 20 ? whole : rows
    }

    private static func map(_ options: FloodExtentOptions, outputs: OutputSet) throws -> FloodExtentReport {
        let after = try SceneReader(path: options.afterPath, assumeCRS: options.assumeCRS)
        let before = try SceneReader(path: options.beforePath, assumeCRS: options.assumeCRS, onto: (after.grid, after.crs))
        let grid = after.grid
        let scratch = ScratchFiles(beside: try outputs.temporaryPath(for: options.outputPath))
        defer { scratch.removeAll() }
        let slope = try options.demPath.map {
            try DEMSlope(demPath: $0, grid: grid, crs: after.crs, scratch: (scratch.path("dem.tif"), scratch.path("slope.tif")))
        }
        // The slope on the scene's grid, warped once (the strips' halos would have each thread warp blocks again).
        var slopeSource = slope?.source
        if let source = slopeSource {
            let copyPath = scratch.path("slope-on-scene.tif")
            try copyWarped(to: copyPath, bands: 1, grid: grid, threads: max(1, options.threads), open: { try source.openWarped() },
                           read: { dataset, _, window in
                               do {
                                   return try dataset.band(1).read(window, as: Float.self)
                               } catch let error as GDALError {
                                   throw ExposureError("cannot compute the slope (gdaldem slope, then resampled onto the scene): \(error.message)",
                                                       path: source.demPath)
                               }
                           })
            slopeSource = source.reading(copy: copyPath)
        }
        var metadata: [String: String] = [
            "KIND": options.kind.rawValue, "BEFORE": (options.beforePath as NSString).lastPathComponent,
            "AFTER": (options.afterPath as NSString).lastPathComponent, "MIN_PIXELS": String(options.minimumPixels),
        ]
        if let dem = options.demPath {
            metadata["DEM"] = (dem as NSString).lastPathComponent
            metadata["MAX_SLOPE_DEGREES"] = String(options.maxSlope)
        }
        var layers: SceneLayers
        let threshold: ThresholdChoice
        var bands: [Int]
        switch options.kind {
        case .optical:
            guard let layout = options.layout else { throw ExposureError("optical flood mapping needs --sensor or --bands") }
            let (a, b) = options.index.bands
            bands = [try layout.position(of: a), try layout.position(of: b)]
            layers = SceneLayers(kind: .optical(options.index), before: try bands.map { try before.bandSource($0) },
                                 after: try bands.map { try after.bandSource($0) }, slope: slopeSource, maxSlope: options.maxSlope)
            threshold = options.threshold ?? .otsu
            metadata["INDEX"] = options.index.rawValue
            metadata["BANDS"] = layout.description
            metadata["THRESHOLD_METHOD"] = WaterMapping.thresholdMethod(threshold)
        case .sar:
            bands = [options.sarBand]
            layers = SceneLayers(kind: .sar(.linear, options.speckle), before: [try before.bandSource(options.sarBand)],
                                 after: [try after.bandSource(options.sarBand)], slope: slopeSource, maxSlope: options.maxSlope)
            threshold = options.threshold ?? .fixed(SARFloodDetection.unSpiderRatio)
        }
        let height = grid.height, width = grid.width
        let rowsPerStrip = max(1, options.stripRows ?? stripRows(width: width, halo: layers.halo, blockRows: layers.after[0].blockRows))
        let strips = stride(from: 0, to: height, by: rowsPerStrip).map { $0..<min(height, $0 + rowsPerStrip) }
        let threads = max(1, options.threads)
        if layers.before.contains(where: \.isResampled) {
            layers.before = try copyResampled(layers.before, to: scratch.path("before.tif"), grid: grid, threads: threads)
        }

        var unitsUsed: String?
        if case .sar = layers.kind {
            let units = try options.units ?? guessUnits(layers, strips: strips, threads: threads)
            layers.kind = .sar(units, options.speckle)
            unitsUsed = units.rawValue
            metadata["UNITS"] = units.rawValue
            metadata["SPECKLE_FILTER"] = String(describing: options.speckle)
            metadata["THRESHOLD_METHOD"] = threshold == .otsu ? WaterMapping.thresholdMethod(threshold) + " on after_dB - before_dB"
                : "fixed ratio after_dB / before_dB (UN-SPIDER)"
        }
        let rule: Rule
        switch (layers.kind, threshold) {
        case (.optical, .fixed(let t)): rule = .optical(t)
        case (.optical, .otsu): rule = .optical(try otsu(layers, strips: strips, threads: threads, what: "the scenes' index"))
        case (.sar, .fixed(let ratio)): rule = .sar(.ratio(ratio), waterDB: options.waterDB)
        case (.sar, .otsu):
            rule = .sar(.logRatio(try otsu(layers, strips: strips, threads: threads, what: "the log-ratio after - before")),
                        waterDB: options.waterDB)
        }
        var report = FloodDetectionReport()
        switch rule {
        case .optical(let t): report.thresholds = ["water": t]
        case .sar(let sarRule, let waterDB): report.thresholds = SARFloodDetection.thresholds(sarRule, waterDB: waterDB)
        }
        for (key, value) in report.thresholds { metadata["THRESHOLD_\(key.uppercased())"] = String(value) }

        let scenes = layers
        var bandCounts: [SceneBandCounts] = []
        var slopeKnown = 0
        let minimum = options.minimumPixels
        try outputs.writeRaster(options.outputPath, grid: grid, crs: after.crs, type: .byte, noData: Double(MaskValue.noData),
                                description: "flooded (1 flooded, 0 not, 255 no data)", unit: "", metadata: metadata, style: .flood,
                                inputs: [options.beforePath, options.afterPath] + [options.demPath].compactMap { $0 }) { writer in
            // The mask before the minimum-size filter: into the output, or into a temporary file for the filter.
            let unfiltered = minimum > 1 ? scratch.path("mask.tif") : nil
            let maskFile = try unfiltered.map {
                try Driver.named("GTiff").createRaster(path: $0, width: width, height: height, bands: 1, type: .byte,
                                                       options: ["COMPRESS=DEFLATE", "ZLEVEL=1", "BIGTIFF=IF_SAFER"])
            }
            let maskBand = try maskFile?.band(1)
            var merger = ComponentMerger(width: width, height: height, minimum: minimum)
            let labelled = minimum > 1
            try StripPass.run(count: strips.count, threads: threads, makeState: {
                (reader: try LayerReader(scenes, grid: grid), labelling: StripLabelling.Result())
            }, work: { state, index -> MaskStrip in
                let core = strips[index]
                let rows = labelled ? StripLabelling.blockRows(core, height: height) : core
                let (b, a, counts) = try state.reader.layers(rows, counted: core)
                let (steep, known) = try state.reader.steep(rows, counted: core)
                let counted = ((core.lowerBound - rows.lowerBound) * width)..<((core.upperBound - rows.lowerBound) * width)
                var mask = [UInt8](repeating: MaskValue.noData, count: a.count)
                var part = FloodDetectionReport()
                switch rule {
                case .optical(let t):
                    OpticalFloodDetection.classify(before: b, after: a, threshold: t, steep: steep, into: &mask, counted: counted, report: &part)
                case .sar(let sarRule, let waterDB):
                    SARFloodDetection.classify(before: b, after: a, rule: sarRule, waterDB: waterDB, steep: steep, into: &mask,
                                               counted: counted, report: &part)
                }
                var pieces: StripPieces?
                if labelled {
                    mask.withUnsafeBufferPointer { StripLabelling.label($0, width: width, rows: core, blockRows: rows, into: &state.labelling) }
                    pieces = StripPieces(rows: core, width: width, labelling: state.labelling)
                }
                return MaskStrip(mask: Array(mask[counted]), pieces: pieces, report: part, counts: counts, slopeKnown: known)
            }, consume: { index, strip in
                let window = GridWindow(column: 0, row: strips[index].lowerBound, width: width, height: strips[index].count)
                if let maskBand {
                    try maskBand.write(window, values: strip.mask)
                } else {
                    try writer.write(window, values: strip.mask)
                    report.flooded += strip.mask.reduce(0) { $0 + ($1 == MaskValue.yes ? 1 : 0) }
                }
                if let pieces = strip.pieces { merger.add(pieces) }
                report.addCounts(strip.report)
                if bandCounts.isEmpty { bandCounts = strip.counts } else { for i in bandCounts.indices { bandCounts[i].add(strip.counts[i]) } }
                slopeKnown += strip.slopeKnown
            })
            if let maskFile, let unfiltered {
                try maskFile.close()
                let filter = merger.finish()
                try StripPass.run(count: strips.count, threads: threads, makeState: {
                    (band: try Dataset.open(unfiltered, kinds: .raster).band(1), labelling: StripLabelling.Result())
                }, work: { state, index -> (mask: [UInt8], cleared: Int) in
                    let core = strips[index]
                    let rows = StripLabelling.blockRows(core, height: height)
                    let block = try state.band.read(GridWindow(column: 0, row: rows.lowerBound, width: width, height: rows.count), as: UInt8.self)
                    return filter.filter(block, width: width, rows: core, blockRows: rows, labelling: &state.labelling)
                }, consume: { index, strip in
                    try writer.write(GridWindow(column: 0, row: strips[index].lowerBound, width: width, height: strips[index].count),
                                     values: strip.mask)
                    report.flooded += strip.mask.reduce(0) { $0 + ($1 == MaskValue.yes ? 1 : 0) }
                    report.removedAsSmall += strip.cleared
                })
            }
            return ["FLOODED_PIXELS": String(report.flooded), "VALID_PIXELS": String(report.valid)]
        }
        if bandCounts.count == 2 * bands.count {
            for (i, band) in bands.enumerated() { before.record(bandCounts[i], band: band) }
        }
        let demWarnings = slope?.warnings(known: slopeKnown) ?? []
        if bandCounts.count == 2 * bands.count {
            for (i, band) in bands.enumerated() { after.record(bandCounts[bands.count + i], band: band) }
        }
        var warnings: [String] = []
        if report.valid == 0 {
            warnings.append("\(options.beforePath): no pixel has data in both scenes: check that the before and after scenes cover the same place")
        } else if report.flooded == 0 {
            warnings.append("\(options.afterPath): no flooded pixel found; the mask is all 'not flooded'")
        }
        return FloodExtentReport(detection: report, grid: grid, units: unitsUsed,
                                 warnings: before.warnings + demWarnings + after.warnings + warnings)
    }

    /// The rule a pixel is classified with, its threshold resolved.
    enum Rule: Sendable {
        case optical(Double)
        case sar(SARFloodDetection.Rule, waterDB: Double)
    }

    /// What the first pass keeps of a strip.
    struct MaskStrip: Sendable {
        let mask: [UInt8]
        let pieces: StripPieces?
        let report: FloodDetectionReport
        /// Per band read (the before scene's, then the after scene's), over the strip's own rows.
        let counts: [SceneBandCounts]
        let slopeKnown: Int
    }

    /// Otsu's threshold of the values the rule thresholds (both scenes' indices; SAR: the log-ratio), from a
    /// range pass and a histogram pass.
    static func otsu(_ layers: SceneLayers, strips: [Range<Int>], threads: Int, what: String) throws -> Double {
        let grid = layers.before[0].grid
        var range = Otsu.Range()
        try StripPass.run(count: strips.count, threads: threads, makeState: { try LayerReader(layers, grid: grid) }, work: { reader, index in
            let (b, a, _) = try reader.layers(strips[index], counted: nil)
            var part = Otsu.Range()
            for v in thresholded(layers.kind, before: b, after: a) { part.add(v) }
            return part
        }, consume: { _, part in range.merge(part) })
        guard let empty = Otsu.Histogram(range: range) else { return try ThresholdChoice.otsu(nil, what: what) }
        var histogram = empty
        try StripPass.run(count: strips.count, threads: threads, makeState: { try LayerReader(layers, grid: grid) }, work: { reader, index in
            let (b, a, _) = try reader.layers(strips[index], counted: nil)
            var part = empty
            for v in thresholded(layers.kind, before: b, after: a) { part.add(v) }
            return part
        }, consume: { _, part in histogram.merge(part) })
        return try ThresholdChoice.otsu(histogram, what: what)
    }

    /// The bands of a resampled scene copied into a temporary Float32 GeoTIFF (same values): each block of the
    /// warped VRT is warped once, whatever the passes, bands and threads that read it later.
    static func copyResampled(_ sources: [SceneBandSource], to path: String, grid: Grid, threads: Int) throws -> [SceneBandSource] {
        try copyWarped(to: path, bands: sources.count, grid: grid, threads: threads, open: { try sources[0].openResampled() },
                       read: { dataset, band, window in try sources[band].readResampled(dataset, window) })
        return try sources.enumerated().map { try $1.reading(copy: path, band: $0 + 1) }
    }

    /// Copies `bands` bands of a warped VRT (opened by `open`, one per thread) into a Float32 GeoTIFF with NaN
    /// nodata, block row by block row of the VRT on every thread, written in order by the calling thread.
    static func copyWarped(to path: String, bands: Int, grid: Grid, threads: Int, open: @escaping @Sendable () throws -> Dataset,
                           read: @escaping @Sendable (Dataset, Int, GridWindow) throws -> [Float]) throws {
        let rows = max(1, try open().band(1).blockSize.height)
        let width = grid.width, height = grid.height
        @Sendable func window(_ i: Int) -> GridWindow { GridWindow(column: 0, row: i * rows, width: width, height: min(rows, height - i * rows)) }
        let copy = try Driver.named("GTiff").createRaster(
            path: path, width: width, height: height, bands: bands, type: .float32,
            options: ["TILED=NO", "BLOCKYSIZE=16", "INTERLEAVE=BAND", "COMPRESS=ZSTD", "ZSTD_LEVEL=1", "BIGTIFF=YES"])
        for band in 1...bands { try copy.band(band).setNoDataValue(.nan) }
        try StripPass.run(count: (height + rows - 1) / rows, threads: threads, makeState: { try open() },
                          work: { dataset, i in try (0..<bands).map { try read(dataset, $0, window(i)) } },
                          consume: { i, values in
                              for (k, part) in values.enumerated() { try copy.band(k + 1).write(window(i), values: part) }
                          })
        try copy.close()
    }

    /// What the rule's threshold applies to: both scenes' indices, or the log-ratio of the backscatter.
    static func thresholded(_ kind: SceneLayers.Kind, before b: [Float], after a: [Float]) -> [[Float]] {
        if case .optical = kind { return [b, a] }
        return [SARFloodDetection.logRatio(after: a, before: b)]
    }

    /// Backscatter in dB is mostly negative; linear power is positive.
    static func guessUnits(_ layers: SceneLayers, strips: [Range<Int>], threads: Int) throws -> SARFloodDetection.Units {
        var negative = 0, positive = 0
        let source = layers.after[0]
        try StripPass.run(count: strips.count, threads: threads, makeState: { (reader: try source.makeReader(), values: [Float]()) },
                          work: { state, index -> (negative: Int, positive: Int) in
            let rows = strips[index]
            try state.reader.read(GridWindow(column: 0, row: rows.lowerBound, width: source.grid.width, height: rows.count), into: &state.values)
            var negative = 0, positive = 0
            for v in state.values.prefix(rows.count * source.grid.width) where !v.isNaN { if v < 0 { negative += 1 } else { positive += 1 } }
            return (negative, positive)
        }, consume: { _, part in
            negative += part.negative
            positive += part.positive
        })
        return negative > positive ? .db : .linear
    }
}

/// The scenes' bands a flood detection reads, and what it makes of them (no GDAL handle: each thread opens its
/// own readers).
struct SceneLayers: Sendable {
    enum Kind: Sendable {
        /// The index of each scene.
        case optical(SpectralIndex)
        /// The backscatter of each scene in dB after the speckle filter on linear power.
        case sar(SARFloodDetection.Units, SpeckleFilter)
    }

    var kind: Kind
    /// The bands read, per scene (optical: the index's two; SAR: one).
    var before: [SceneBandSource]
    let after: [SceneBandSource]
    let slope: DEMSlopeSource?
    let maxSlope: Double

    /// Rows beyond a strip that its values depend on.
    var halo: Int {
        if case .sar(_, let filter) = kind { return filter.halo }
        return 0
    }
}

/// One thread's readers of a ``SceneLayers``.
final class LayerReader {
    let layers: SceneLayers
    let grid: Grid
    private let before: [SceneBandReader]
    private let after: [SceneBandReader]
    private let slope: DEMSlopeReader?
    private var buffer: [Float] = []

    init(_ layers: SceneLayers, grid: Grid) throws {
        self.layers = layers
        self.grid = grid
        before = try SceneBandSource.makeReaders(layers.before)
        after = try SceneBandSource.makeReaders(layers.after)
        slope = try layers.slope?.makeReader()
    }

    /// Rows `rows` of a band; with `counted`, the counts of those rows only (each pixel is counted once over a
    /// pass though halos overlap).
    private func read(_ reader: SceneBandReader, _ rows: Range<Int>, counted: Range<Int>?) throws -> ([Float], SceneBandCounts) {
        let width = grid.width
        var values: [Float] = []
        values.reserveCapacity(rows.count * width)
        var counts = SceneBandCounts()
        let cuts = counted.map { [rows.lowerBound, $0.lowerBound, $0.upperBound, rows.upperBound] } ?? [rows.lowerBound, rows.upperBound]
        for (start, end) in zip(cuts, cuts.dropFirst()) where end > start {
            let earlier = reader.counts
            try reader.read(GridWindow(column: 0, row: start, width: width, height: end - start), into: &buffer)
            values.append(contentsOf: buffer.prefix((end - start) * width))
            if let counted, start == counted.lowerBound, end == counted.upperBound { counts = reader.counts.subtracting(earlier) }
        }
        return (values, counts)
    }

    /// The two layers of rows `rows` (optical: each scene's index; SAR: each scene's filtered backscatter in dB),
    /// and, with `counted`, the counts of the bands over those rows (the before scene's bands, then the after's).
    func layers(_ rows: Range<Int>, counted: Range<Int>?) throws -> (before: [Float], after: [Float], counts: [SceneBandCounts]) {
        var counts: [SceneBandCounts] = []
        switch layers.kind {
        case .optical(let index):
            func scene(_ readers: [SceneBandReader]) throws -> [Float] {
                let (a, ca) = try read(readers[0], rows, counted: counted)
                let (b, cb) = try read(readers[1], rows, counted: counted)
                counts += [ca, cb]
                return index.compute(a, b)
            }
            let b = try scene(before), a = try scene(after)
            return (b, a, counts)
        case .sar(let units, let filter):
            let halo = filter.halo
            let block = max(0, rows.lowerBound - halo)..<min(grid.height, rows.upperBound + halo)
            let core = (rows.lowerBound - block.lowerBound)..<(rows.upperBound - block.lowerBound)
            func scene(_ reader: SceneBandReader) throws -> [Float] {
                let (values, c) = try read(reader, block, counted: counted)
                counts.append(c)
                let filtered = filter.apply(SARFloodDetection.linear(values, units: units), width: grid.width, height: block.count, rows: core)
                return SARFloodDetection.decibels(filtered)
            }
            let b = try scene(before[0]), a = try scene(after[0])
            return (b, a, counts)
        }
    }

    /// Whether each pixel of rows `rows` is too steep to hold a flood (nil without a DEM), and how many pixels
    /// of rows `counted` have a slope.
    func steep(_ rows: Range<Int>, counted: Range<Int>) throws -> (steep: [Bool]?, known: Int) {
        guard let slope else { return (nil, 0) }
        let width = grid.width
        try slope.read(GridWindow(column: 0, row: rows.lowerBound, width: width, height: rows.count), into: &buffer)
        var known = 0
        for i in ((counted.lowerBound - rows.lowerBound) * width)..<((counted.upperBound - rows.lowerBound) * width) where !buffer[i].isNaN {
            known += 1
        }
        let maxSlope = layers.maxSlope
        return (buffer.prefix(rows.count * width).map { !$0.isNaN && Double($0) > maxSlope }, known)
    }
}

/// Temporary files beside an output (same folder, hidden names derived from the output's temporary name),
/// removed when the command ends, whether it succeeds or not.
final class ScratchFiles {
    private let base: String
    private var paths: [String] = []

    init(beside temporary: String) {
        base = temporary
    }

    /// A new scratch file's path, ending in `suffix` (e.g. "mask.tif").
    func path(_ suffix: String) -> String {
        let path = "\(base).\(suffix)"
        OutputSet.removeTemporary(path)
        paths.append(path)
        return path
    }

    func removeAll() {
        for path in paths { OutputSet.removeTemporary(path) }
        paths = []
    }
}
