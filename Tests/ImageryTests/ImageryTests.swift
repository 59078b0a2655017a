import ExposureCore
import Foundation
import Testing
@testable import Imagery

/// Intersection over union of the 1s of two masks.
func iou(_ a: [UInt8], _ b: [Bool]) -> Double {
    var both = 0, either = 0
    for i in a.indices {
        let x = a[i] == 1, y = b[i]
        if x && y { both += 1 }
        if x || y { either += 1 }
    }
    return either == 0 ? 1 : Double(both) / Double(either)
}

@Suite struct SpectralIndexTests {
    @Test func indicesByHand() {
        let green: [Float] = [0.06, 0.08, 0.10, .nan, 0]
        let nir: [Float] = [0.02, 0.32, 0.10, 0.2, 0]
        let ndwi = SpectralIndex.ndwi.compute(green, nir)
        #expect(abs(ndwi[0] - 0.5) < 1e-6)        // (0.06 - 0.02) / 0.08
        #expect(abs(ndwi[1] - (-0.6)) < 1e-6)     // (0.08 - 0.32) / 0.40
        #expect(ndwi[2] == 0)
        #expect(ndwi[3].isNaN)                    // a band without data
        #expect(ndwi[4].isNaN)                    // 0 / 0
        let ndvi = SpectralIndex.ndvi.compute([0.3], [0.1])
        #expect(abs(ndvi[0] - 0.5) < 1e-6)
        #expect(SpectralIndex.mndwi.bands == (.green, .swir1))
    }

    @Test func sensorLayoutsAndExplicitBands() throws {
        #expect(try BandLayout.sensor("landsat7").position(of: .nir) == 4)
        #expect(try BandLayout.sensor("landsat8").position(of: .green) == 3)
        #expect(try BandLayout.sensor("sentinel2").position(of: .swir1) == 11)
        let custom = try BandLayout.parse("green=2, nir=4")
        #expect(try custom.position(of: .green) == 2)
        #expect(throws: ImageryError.self) { try custom.position(of: .swir1) }
        #expect(throws: ImageryError.self) { try BandLayout.parse("grean=2") }
        #expect(throws: ImageryError.self) { try BandLayout.sensor("spot5") }
    }
}

@Suite struct OtsuTests {
    @Test func splitsAKnownBimodalHistogram() {
        // Two equal modes at bins 2 and 7 of 10: any split in 3...7 separates them; Otsu's variance is equal
        // across the gap, so the middle (5) is taken.
        var histogram = [Double](repeating: 0, count: 10)
        histogram[2] = 100
        histogram[7] = 100
        #expect(Otsu.bestSplit(histogram) == 5)
        // Unequal spreads: the classic example; the split falls between the two clusters.
        let skewed: [Double] = [5, 30, 50, 30, 5, 0, 1, 10, 20, 10]
        let split = Otsu.bestSplit(skewed)!
        #expect(split >= 5 && split <= 7)
    }

    @Test func findsTheGapBetweenWaterAndLand() throws {
        var random = SeededGenerator(seed: 1)
        let water = (0..<3000).map { _ in Float.random(in: 0.2...0.5, using: &random) }
        let land = (0..<7000).map { _ in Float.random(in: -0.6 ... -0.1, using: &random) }
        let t = try #require(Otsu.threshold(water + land + [.nan]))
        #expect(t > -0.1 && t < 0.2)
        #expect(Otsu.threshold([0.3, 0.3, .nan]) == nil)
    }
}

@Suite struct FloodDetectionTests {
    /// A 120 x 100 scene: a river (permanent water) along row 20-24, a planted flood (an ellipse around
    /// the river's lower bank), a hill in the top-right corner.
    struct Scene {
        let width = 120, height = 100
        var river: [Bool] = []
        var flood: [Bool] = []

        init() {
            for r in 0..<height {
                for c in 0..<width {
                    let inRiver = r >= 20 && r < 25
                    let dx = Double(c - 60) / 35, dy = Double(r - 40) / 15
                    river.append(inRiver)
                    flood.append(!inRiver && dx * dx + dy * dy < 1)
                }
            }
        }
    }

    @Test func opticalChangeDetectionRecoversAPlantedFlood() throws {
        let scene = Scene()
        var random = SeededGenerator(seed: 2)
        func index(_ wet: (Int) -> Bool) -> [Float] {
            (0..<(scene.width * scene.height)).map { i in
                let value: Float = wet(i) ? 0.45 : -0.35
                return value + Float.random(in: -0.12...0.12, using: &random)
            }
        }
        let before = index { scene.river[$0] }
        let after = index { scene.river[$0] || scene.flood[$0] }
        let (mask, report) = try OpticalFloodDetection.detect(before: before, after: after, threshold: .otsu,
                                                             width: scene.width, height: scene.height, steep: nil, minimumPixels: 8)
        #expect(iou(mask, scene.flood) >= 0.95)
        #expect(report.removedAsPermanentWater >= 5 * 120 - 10)
        #expect(mask.indices.allSatisfy { !scene.river[$0] || mask[$0] == 0 })
    }

    @Test func sarChangeDetectionRecoversAPlantedFloodThroughSpeckle() throws {
        let scene = Scene()
        var random = SeededGenerator(seed: 3)
        /// Linear backscatter with 4-look gamma speckle: water -21 dB, land -8 dB.
        func backscatter(_ wet: (Int) -> Bool) -> [Float] {
            (0..<(scene.width * scene.height)).map { i in
                var speckle = 0.0
                for _ in 0..<4 { speckle += -log(Double.random(in: Double.ulpOfOne...1, using: &random)) }
                return Float(pow(10, (wet(i) ? -21 : -8) / 10) * speckle / 4)
            }
        }
        let before = backscatter { scene.river[$0] }
        let after = backscatter { scene.river[$0] || scene.flood[$0] }
        for threshold in [ThresholdChoice.fixed(SARFloodDetection.unSpiderRatio), .otsu] {
            for filter in [SpeckleFilter.median(window: 5), .lee(window: 5, looks: 4)] {
                let (mask, report) = try SARFloodDetection.detect(
                    before: before, after: after, units: .linear, width: scene.width, height: scene.height, filter: filter,
                    threshold: threshold, waterDB: -15, steep: nil, minimumPixels: 8)
                let score = iou(mask, scene.flood)
                #expect(score >= 0.85, "\(threshold) \(filter): IoU \(score)")
                #expect(report.removedAsPermanentWater > 0)
            }
        }
    }

    @Test func steepPixelsAndSmallGroupsAreRemoved() throws {
        // 10 x 10: after is water in a 4 x 4 block (rows 1-4, columns 1-4), a 2-pixel speck at (8, 8)-(8, 9),
        // and the block's right column is steep.
        let width = 10, height = 10
        var after = [Float](repeating: -0.5, count: 100)
        for r in 1...4 { for c in 1...4 { after[r * width + c] = 0.5 } }
        after[88] = 0.5
        after[89] = 0.5
        let before = [Float](repeating: -0.5, count: 100)
        var steep = [Bool](repeating: false, count: 100)
        for r in 1...4 { steep[r * width + 4] = true }
        let (mask, report) = try OpticalFloodDetection.detect(before: before, after: after, threshold: .fixed(0),
                                                             width: width, height: height, steep: steep, minimumPixels: 8)
        #expect(report.removedAsSteep == 4)
        #expect(report.removedAsSmall == 2)
        #expect(report.flooded == 12)
        #expect(mask[88] == 0 && mask[14] == 0 && mask[13] == 1)
    }

    @Test func nodataStaysNodata() throws {
        let (mask, report) = try OpticalFloodDetection.detect(before: [.nan, 0.5, -0.5], after: [0.5, .nan, 0.5], threshold: .fixed(0),
                                                             width: 3, height: 1, steep: nil, minimumPixels: 1)
        #expect(mask == [255, 255, 1])
        #expect(report.valid == 1)
    }

    @Test func connectedRegionsUseEightNeighbours() {
        // Two diagonal pixels form one group of 2; a lone pixel is a group of 1.
        var mask: [UInt8] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let cleared = ConnectedRegions.removeSmall(&mask, width: 4, height: 4, minimum: 2)
        #expect(cleared == 1)
        #expect(mask[0] == 1 && mask[5] == 1 && mask[15] == 0)
    }
}

@Suite struct DistanceTransformTests {
    @Test func matchesBruteForce() {
        var random = SeededGenerator(seed: 9)
        let width = 23, height = 17
        let target = (0..<(width * height)).map { _ in Double.random(in: 0...1, using: &random) < 0.04 }
        let d = DistanceTransform.distances(target: target, width: width, height: height, cellWidth: 30, cellHeight: 20)
        for r in 0..<height {
            for c in 0..<width {
                var best = Double.infinity
                for rr in 0..<height { for cc in 0..<width where target[rr * width + cc] {
                    let dx = Double(c - cc) * 30, dy = Double(r - rr) * 20
                    best = min(best, (dx * dx + dy * dy).squareRoot())
                } }
                #expect(abs(Double(d[r * width + c]) - best) < 1e-3)
            }
        }
    }

    @Test func noTargetMeansInfinitelyFar() {
        let d = DistanceTransform.distances(target: [false, false], width: 2, height: 1, cellWidth: 1, cellHeight: 1)
        #expect(d.allSatisfy { $0 == .infinity })
    }
}

/// The streaming forms (parts of a scene, in any order) give exactly what the whole-array forms give.
@Suite struct StreamingImageryTests {
    /// Random values with NaN, infinities, ties and a narrow or wide range, cut into parts of random sizes.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func otsuFromMergedPartsEqualsOtsuOnTheWhole(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let count = Int.random(in: 2...5000, using: &random)
        let spread = Float([1e-6, 0.01, 1, 2, 1e4][Int(seed) % 5])
        let values: [Float] = (0..<count).map { _ in
            switch Int.random(in: 0..<20, using: &random) {
            case 0: .nan
            case 1: seed % 2 == 0 ? .infinity : -.infinity
            case 2: 0.25
            case 3...9: Float.random(in: -spread...0, using: &random)
            default: Float.random(in: 0...(spread * 3), using: &random)
            }
        }
        var parts: [ArraySlice<Float>] = []
        var start = 0
        while start < values.count {
            let end = min(values.count, start + Int.random(in: 1...700, using: &random))
            parts.append(values[start..<end])
            start = end
        }
        parts.shuffle(using: &random)
        var range = Otsu.Range()
        for part in parts {
            var r = Otsu.Range()
            r.add(Array(part))
            range.merge(r)
        }
        let expected = Otsu.threshold(values)
        guard let empty = Otsu.Histogram(range: range) else {
            #expect(expected == nil)
            return
        }
        var histogram = empty
        for part in parts.reversed() {
            var h = empty
            h.add(Array(part))
            histogram.merge(h)
        }
        let streamed = histogram.threshold()
        #expect(expected != nil)
        #expect(streamed?.bitPattern == expected?.bitPattern, "\(String(describing: streamed)) vs \(String(describing: expected))")
    }

    @Test func otsuOfConstantValuesIsNilBothWays() {
        var range = Otsu.Range()
        range.add([Float](repeating: 3, count: 10) + [.nan])
        #expect(Otsu.Histogram(range: range) == nil)
        #expect(Otsu.threshold([Float](repeating: 3, count: 10)) == nil)
    }

    /// Column strips of any width, then row strips of any height, give the whole transform's values bit for bit.
    @Test(arguments: [(1, 0.03), (2, 0.001), (3, 0.3), (4, 0.0)])
    func distancesInStripsEqualTheWholeTransform(seed: UInt64, density: Double) {
        var random = SeededGenerator(seed: seed)
        let width = Int.random(in: 1...61, using: &random), height = Int.random(in: 1...47, using: &random)
        let target = (0..<(width * height)).map { _ in Double.random(in: 0...1, using: &random) < density }
        let cellWidth = [30.0, 10, 0.3, 27.7][Int(seed) % 4], cellHeight = [20.0, 10, 0.29, 31.1][Int(seed) % 4]
        let expected = DistanceTransform.distances(target: target, width: width, height: height, cellWidth: cellWidth, cellHeight: cellHeight)
        let columns = Int.random(in: 1...7, using: &random), rows = Int.random(in: 1...5, using: &random)
        var nearest = [Int32](repeating: -2, count: width * height)
        for first in stride(from: 0, to: width, by: columns) {
            let w = min(columns, width - first)
            var strip: [Bool] = []
            for r in 0..<height { for c in first..<(first + w) { strip.append(target[r * width + c]) } }
            var part = [Int32](repeating: -2, count: w * height)
            strip.withUnsafeBufferPointer { t in
                part.withUnsafeMutableBufferPointer { DistanceTransform.nearestRows(target: t, columns: w, height: height, cellHeight: cellHeight, into: $0) }
            }
            for r in 0..<height { for c in 0..<w { nearest[r * width + first + c] = part[r * w + c] } }
        }
        #expect(!nearest.contains(-2))
        var got = [Float](repeating: -1, count: width * height)
        for first in stride(from: 0, to: height, by: rows) {
            let h = min(rows, height - first)
            let part = Array(nearest[(first * width)..<((first + h) * width)])
            var out = [Float](repeating: -1, count: h * width)
            part.withUnsafeBufferPointer { n in
                out.withUnsafeMutableBufferPointer {
                    DistanceTransform.rowPass(nearestRows: n, firstRow: first, width: width, cellWidth: cellWidth, cellHeight: cellHeight, into: $0)
                }
            }
            for i in 0..<out.count { got[first * width + i] = out[i] }
        }
        for i in got.indices { #expect(got[i].bitPattern == expected[i].bitPattern, "pixel \(i)") }
    }
}
