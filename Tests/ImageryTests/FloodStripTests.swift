import ExposureCore
import Testing
@testable import Imagery

/// Strip-by-strip versions of the whole-image operations give exactly the whole image's results.
@Suite struct FloodStripTests {
    /// Rows `0..<height` cut into strips of `rows` rows.
    static func strips(height: Int, rows: Int) -> [Range<Int>] {
        stride(from: 0, to: height, by: rows).map { $0..<min(height, $0 + rows) }
    }

    static func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test func otsuFromRangeAndHistogramPassesIsTheWholeArraysThreshold() throws {
        var random = SeededGenerator(seed: 14)
        for trial in 0..<40 {
            let n = Int.random(in: 2...5000, using: &random)
            let water = Float.random(in: -0.5...0.5, using: &random), spread = Float.random(in: 0.001...0.4, using: &random)
            var values = (0..<n).map { _ in
                Float.random(in: 0...1, using: &random) < 0.3 ? water + Float.random(in: -spread...spread, using: &random)
                    : Float.random(in: -1...1, using: &random)
            }
            for _ in 0..<(n / 20) { values[Int.random(in: 0..<n, using: &random)] = [.nan, .infinity, -.infinity, 0, -0.0].randomElement(using: &random)! }
            if trial % 7 == 0 { values = values.map { ($0 * 64).rounded() / 64 } }  // many ties on bin edges
            let whole = Otsu.threshold(values)
            // Blocks of random sizes, seen in a random order, merged as parts.
            var cuts = [0, n] + (0..<Int.random(in: 0...12, using: &random)).map { _ in Int.random(in: 0...n, using: &random) }
            cuts.sort()
            let blocks = zip(cuts, cuts.dropFirst()).map { Array(values[$0..<$1]) }.shuffled(using: &random)
            var range = Otsu.Range()
            for block in blocks {
                var part = Otsu.Range()
                part.add(block)
                range.merge(part)
            }
            guard var histogram = Otsu.Histogram(range: range) else {
                #expect(whole == nil)
                continue
            }
            for block in blocks.shuffled(using: &random) {
                var part = Otsu.Histogram(range: range)!
                part.add(block)
                histogram.merge(part)
            }
            let streamed = histogram.threshold()
            #expect(streamed?.bitPattern == whole?.bitPattern, "trial \(trial): \(String(describing: streamed)) vs \(String(describing: whole))")
            #expect(try ThresholdChoice.otsu(histogram, what: "x") == ThresholdChoice.otsu.resolve(values, what: "x"))
        }
        #expect(throws: ImageryError.self) { try ThresholdChoice.otsu(nil, what: "the index") }
        var huge = Otsu.Range()
        huge.add([-3e38, 3e38])
        #expect(Otsu.Histogram(range: huge) == nil)  // a span that is not a Float has no bins: no threshold rather than a trap
        #expect(Otsu.threshold([-3e38, 3e38, 0]) == nil)
    }

    @Test func speckleFiltersOnStripsWithAHaloEqualTheWholeImage() {
        var random = SeededGenerator(seed: 15)
        let width = 23, height = 31
        var image = (0..<(width * height)).map { _ in Float.random(in: 0.001...0.3, using: &random) }
        for _ in 0..<60 { image[Int.random(in: 0..<image.count, using: &random)] = .nan }
        for filter in [SpeckleFilter.none, .median(window: 3), .median(window: 5), .lee(window: 3, looks: 4.4),
                       .lee(window: 5, looks: 4.4), .lee(window: 7, looks: 1)] {
            let whole = filter.apply(image, width: width, height: height)
            for rows in [1, 2, 3, 5, 8, height] {
                var streamed: [Float] = []
                for strip in FloodStripTests.strips(height: height, rows: rows) {
                    let block = max(0, strip.lowerBound - filter.halo)..<min(height, strip.upperBound + filter.halo)
                    let values = Array(image[(block.lowerBound * width)..<(block.upperBound * width)])
                    let core = (strip.lowerBound - block.lowerBound)..<(strip.upperBound - block.lowerBound)
                    streamed += filter.apply(values, width: width, height: block.count, rows: core)
                }
                #expect(Self.same(streamed, whole), "\(filter) in strips of \(rows) rows")
            }
            // A halo one row short changes values next to the strips' edges: the test can fail.
            if filter.halo > 0 {
                let block = 10..<(20 + filter.halo - 1)
                let values = Array(image[(block.lowerBound * width)..<(block.upperBound * width)])
                let short = filter.apply(values, width: width, height: block.count, rows: (10 - block.lowerBound)..<(20 - block.lowerBound))
                #expect(!Self.same(short, Array(whole[(10 * width)..<(20 * width)])), "\(filter)")
            }
        }
    }

    /// The mask's groups cleared strip by strip, in two passes, as ``ConnectedRegions/removeSmall``.
    static func removeSmallByStrips(_ mask: [UInt8], width: Int, height: Int, rows: Int, minimum: Int) -> (mask: [UInt8], cleared: Int, pieces: Int) {
        var merger = ComponentMerger(width: width, height: height, minimum: minimum)
        var labelling = StripLabelling.Result()
        let strips = strips(height: height, rows: rows)
        func block(_ strip: Range<Int>) -> (values: [UInt8], rows: Range<Int>) {
            let rows = StripLabelling.blockRows(strip, height: height)
            return (Array(mask[(rows.lowerBound * width)..<(rows.upperBound * width)]), rows)
        }
        for strip in strips {
            let (values, blockRows) = block(strip)
            values.withUnsafeBufferPointer { StripLabelling.label($0, width: width, rows: strip, blockRows: blockRows, into: &labelling) }
            merger.add(StripPieces(rows: strip, width: width, labelling: labelling))
        }
        let pieces = merger.pieceCount
        let filter = merger.finish()
        var result: [UInt8] = [], cleared = 0
        for strip in strips {
            let (values, blockRows) = block(strip)
            let part = filter.filter(values, width: width, rows: strip, blockRows: blockRows, labelling: &labelling)
            result += part.mask
            cleared += part.cleared
        }
        return (result, cleared, pieces)
    }

    @Test func minimumSizeFilterByStripsEqualsTheWholeMask() {
        var random = SeededGenerator(seed: 16)
        for trial in 0..<120 {
            let width = Int.random(in: 1...40, using: &random), height = Int.random(in: 1...40, using: &random)
            let density = Double.random(in: 0.05...0.7, using: &random)
            let mask: [UInt8] = (0..<(width * height)).map { _ in
                let x = Double.random(in: 0...1, using: &random)
                return x < density ? 1 : (x < density + 0.05 ? 255 : 0)
            }
            let minimum = Int.random(in: 1...30, using: &random)
            var expected = mask
            let expectedCleared = ConnectedRegions.removeSmall(&expected, width: width, height: height, minimum: minimum)
            for rows in [1, 2, 3, 7, height] {
                let (streamed, cleared, _) = Self.removeSmallByStrips(mask, width: width, height: height, rows: rows, minimum: minimum)
                #expect(streamed == expected, "trial \(trial): \(width) x \(height), strips of \(rows), minimum \(minimum)")
                #expect(cleared == expectedCleared)
            }
        }
    }

    @Test func groupsSpanningStripsAndJoiningBelowAreWhole() {
        // A U (two arms down through many strips, joined at the bottom), a diagonal chain crossing every boundary
        // at a corner only, a snake going up and down, and specks on the boundary rows.
        let width = 30, height = 24
        var mask = [UInt8](repeating: 0, count: width * height)
        func set(_ r: Int, _ c: Int) { mask[r * width + c] = 1 }
        for r in 0..<20 { set(r, 1); set(r, 6) }
        for c in 1...6 { set(20, c) }                                 // the U: 2 x 20 + 6 = 46 pixels
        for i in 0..<12 { set(i * 2, 10 + i); set(i * 2 + 1, 10 + i) }  // a staircase touching only by corners: 24
        for c in 24..<29 { set(3, c); set(15, c) }
        for r in 3...15 { set(r, 28) }
        for r in 3...15 { set(r, 24) }                                // a ring: 5 + 5 + 2 x 11 = 32
        set(5, 18)
        set(11, 19)
        set(23, 0)                                                    // specks
        for minimum in [2, 24, 25, 32, 33, 46, 47] {
            var expected = mask
            let expectedCleared = ConnectedRegions.removeSmall(&expected, width: width, height: height, minimum: minimum)
            for rows in [1, 2, 3, 4, 5, 6] {
                let (streamed, cleared, pieces) = Self.removeSmallByStrips(mask, width: width, height: height, rows: rows, minimum: minimum)
                #expect(streamed == expected, "minimum \(minimum), strips of \(rows)")
                #expect(cleared == expectedCleared)
                // Only pieces next to a set pixel across a boundary are held: at most one per set boundary pixel.
                let boundaryPixels = Self.strips(height: height, rows: rows).dropFirst().reduce(0) { sum, strip in
                    sum + (0..<width).filter { mask[strip.lowerBound * width + $0] == 1 || mask[(strip.lowerBound - 1) * width + $0] == 1 }.count
                }
                #expect(pieces > 0 || rows >= height)
                #expect(pieces <= 2 * boundaryPixels)
            }
        }
        var u = mask
        #expect(ConnectedRegions.removeSmall(&u, width: width, height: height, minimum: 47) == 46 + 24 + 32 + 3)
    }

    @Test func detectionOnBlocksCountsOnlyTheirCore() {
        // A halo row is classified but not counted.
        let before: [Float] = [-0.5, 0.5, -0.5, .nan], after: [Float] = [0.5, 0.5, -0.5, 0.5]
        var mask = [UInt8](repeating: 0, count: 4)
        var report = FloodDetectionReport()
        OpticalFloodDetection.classify(before: before, after: after, threshold: 0, steep: [false, false, false, false],
                                       into: &mask, counted: 1..<4, report: &report)
        #expect(mask == [1, 0, 0, 255])
        #expect(report.valid == 2 && report.removedAsPermanentWater == 1)
    }
}
