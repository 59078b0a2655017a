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
