import Dispatch
@testable import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift
import SIMDKernels
import Synchronization
import TestSupport
import Testing

/// The hazard block codes a pass shares among its workers: the same codes as reading every window anew, each
/// block decoded once however many chunks and workers read it, nothing held once the pass is done, and the
/// memory budget kept.
@Suite struct HazardCodeBlocksTests {
    /// A population grid of 100 m cells and a hazard raster over it in the same CRS (UTM 18N), tiled in
    /// `block` x `block` blocks (strips of 3 rows for 0), with depths from 0 to 3 m, nodata and NaN.
    struct Case {
        let dir: TemporaryDirectory
        let population: Grid
        let plan: HazardPlan
        let chunks: [GridWindow]
    }

    static func makeCase(hazardCell: Double, hazardSize: (Int, Int), block: Int, seed: UInt64, hazardEPSG: Int = 32618,
                         type: RasterDataType = .float32, infinityAt: (column: Int, row: Int)? = nil,
                         thresholds: [Double] = [0.5, 1.5], nearThresholds: Bool = false) throws -> Case {
        let dir = try TemporaryDirectory()
        let crs = try SpatialReference(epsg: 32618)
        let populationPath = dir.path("pop.tif")
        let pop = try Driver.named("GTiff").createRaster(path: populationPath, width: 150, height: 130, bands: 1, type: .float32)
        try pop.setGeoTransform([500_000, 100, 0, 1_000_000, 0, -100])
        try pop.setSpatialReference(crs)
        try pop.band(1).write(RasterWindow(column: 0, row: 0, width: 150, height: 130), values: [Float](repeating: 1, count: 150 * 130))
        try pop.close()
        let hazardPath = dir.path("depth.tif")
        let (w, h) = hazardSize
        let hazard = try Driver.named("GTiff").createRaster(path: hazardPath, width: w, height: h, bands: 1, type: type,
                                                            options: block == 0 ? ["BLOCKYSIZE=3"] : ["TILED=YES", "BLOCKXSIZE=\(block)", "BLOCKYSIZE=\(block)"])
        // Offset by a third of a cell and starting a little inside the population grid, so that chunks straddle blocks.
        try hazard.setGeoTransform([500_000 + 130 + hazardCell / 3, hazardCell, 0, 1_000_000 - 70 - hazardCell / 3, 0, -hazardCell])
        try hazard.setSpatialReference(try SpatialReference(epsg: hazardEPSG))
        try hazard.band(1).setNoData(.real(-9999))
        var random = SeededGenerator(seed: seed)
        // Near the thresholds: each threshold's nearest Float32 values below, at and above it.
        let near = thresholds.flatMap { t -> [Float] in let f = Float(t); return [f.nextDown, f, f.nextUp] }
        var depths = (0..<(w * h)).map { _ -> Float in
            switch Int.random(in: 0..<20, using: &random) {
            case 0: -9999
            case 1: .nan
            default: nearThresholds ? near.randomElement(using: &random)! : Float.random(in: 0..<3, using: &random)
            }
        }
        if let cell = infinityAt { depths[cell.row * w + cell.column] = .infinity }
        if type == .float64 {
            try hazard.band(1).write(RasterWindow(column: 0, row: 0, width: w, height: h), values: depths.map { Double($0) })
        } else {
            try hazard.band(1).write(RasterWindow(column: 0, row: 0, width: w, height: h), values: depths)
        }
        try hazard.close()
        let input = try RasterInput(path: populationPath, role: "population")
        let plan = try HazardPlan(hazard: try RasterInput(path: hazardPath, role: "hazard"), classes: try HazardClasses(thresholds: thresholds),
                                  population: input.grid, populationCRS: crs, populationWKT: input.crsWKT)
        // Chunks of 16 x 16 population cells, in a shuffled order.
        var chunks: [GridWindow] = []
        for row in stride(from: 0, to: 130, by: 16) {
            for column in stride(from: 0, to: 150, by: 16) {
                chunks.append(GridWindow(column: column, row: row, width: min(16, 150 - column), height: min(16, 130 - row)))
            }
        }
        chunks.shuffle(using: &random)
        return Case(dir: dir, population: input.grid, plan: plan, chunks: chunks)
    }

    /// Samples every chunk on `threads` workers, each with its own sampler (and GDAL handle) sharing `blocks`,
    /// and returns the cells of each chunk.
    static func sampleAll(_ c: Case, blocks: HazardCodeBlocks?, threads: Int,
                          afterChunk: @Sendable () -> Void = {}) throws -> [HazardCells] {
        let plan = c.plan, chunks = c.chunks
        let results = Mutex([HazardCells?](repeating: nil, count: chunks.count))
        let next = Mutex(0)
        let failure = Mutex<String?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                var sampler = try plan.makeSampler(blocks: blocks)
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < chunks.count else { return }
                    var cells = HazardCells()
                    try sampler.sample(chunks[index], into: &cells)
                    sampler.finished(chunks[index])
                    afterChunk()
                    results.withLock { $0[index] = cells }
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }
        if let message = failure.withLock({ $0 }) { throw ExposureError(message) }
        return results.withLock { $0 }.map { $0! }
    }

    static func expectSame(_ a: [HazardCells], _ b: [HazardCells], chunks: [GridWindow]) {
        for (i, chunk) in chunks.enumerated() {
            let n = chunk.cellCount
            #expect(a[i].layout == b[i].layout)
            if a[i].layout == .codes {
                #expect(Array(a[i].codes[0..<n]) == Array(b[i].codes[0..<n]), "chunk \(chunk)")
            } else {
                #expect(Array(a[i].shares[0..<(n * a[i].codeCount)]) == Array(b[i].shares[0..<(n * b[i].codeCount)]), "chunk \(chunk)")
            }
        }
    }

    @Test(arguments: [(150.0, 93, 80, 16, "centre"), (40.0, 330, 300, 32, "exact shares"), (230.0, 60, 52, 16, "centre"), (120.0, 120, 105, 0, "centre")])
    func theSharedCodesAreTheCodesOfEveryWindowAndEachBlockIsDecodedOnce(cell: Double, width: Int, height: Int, block: Int,
                                                                        mode: String) throws {
        let c = try Self.makeCase(hazardCell: cell, hazardSize: (width, height), block: block, seed: UInt64(width))
        #expect(mode == "centre" ? c.plan.mode == .centre : c.plan.mode == .exactShares)
        let alone = try Self.sampleAll(c, blocks: nil, threads: 1)
        for threads in [1, 2, 3] {
            let blocks = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 1 << 30))
            let shared = try Self.sampleAll(c, blocks: blocks, threads: threads)
            Self.expectSame(shared, alone, chunks: c.chunks)
            // The hazard lies inside the population grid, so every block is read, and decoded exactly once.
            #expect(blocks.decodedBlocks == blocks.across * blocks.down, "\(threads) thread(s)")
            #expect(blocks.heldBytes == 0)
        }
    }

    /// Float32 hazards are classed from their Float32 values directly; the same values as Float64 take the
    /// general reader's path: the codes must not differ.
    @Test func float32HazardsGetTheCodesOfTheGeneralReader() throws {
        let single = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 11)
        let double = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 11, type: .float64)
        #expect(single.chunks == double.chunks)
        Self.expectSame(try Self.sampleAll(single, blocks: nil, threads: 1), try Self.sampleAll(double, blocks: nil, threads: 1),
                        chunks: single.chunks)
    }

    /// Thresholds a Float32 cannot hold (0.1, 0.7) and values one step either side of them: the Float32 path
    /// compares against the thresholds rounded up to Float32, which must class each value as its Double does.
    @Test func float32ValuesNextToThresholdsGetTheCodesOfTheirDoubles() throws {
        let thresholds = [0.1, 0.7, 1.5]
        let single = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 12, thresholds: thresholds,
                                       nearThresholds: true)
        let double = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 12, type: .float64,
                                       thresholds: thresholds, nearThresholds: true)
        let singleCodes = try Self.sampleAll(single, blocks: nil, threads: 1)
        Self.expectSame(singleCodes, try Self.sampleAll(double, blocks: nil, threads: 1), chunks: single.chunks)
        // Every class occurs, so the test would see a value put on the wrong side of a threshold.
        let seen = Set(singleCodes.flatMap { $0.codes })
        #expect(seen.isSuperset(of: [0, 1, 2, 3, 4]))
        for t in thresholds {
            let f = Float(t)
            for v in [f.nextDown, f, f.nextUp] {
                #expect((v >= GDALHazardReader.float32AtOrAbove(t)) == (Double(v) >= t), "\(v) against \(t)")
            }
        }
        #expect(GDALHazardReader.float32AtOrAbove(1e39) == .infinity)
    }

    /// The codes of Float32 cells 16 at a time (``GDALHazardReader/classify(_:count:thresholds:noData:unknown:into:)``)
    /// are HazardClasses.code(for:)'s, with nodata and every NaN unknown; an infinity that is not nodata is
    /// reported wherever it lies, in the vectors or in the tail. The same of SIMDKernels' AVX2 version.
    /// Thresholds: the preset's 3, 1, the 16 the vectors take, and 17 and 250, which only the tail loop classes in
    /// the AVX2 version; nodata -9999, or NaN (no nodata declared).
    static let thresholdSets: [[Double]] = [[0.1, 0.7, 1.5], [0.5], (1...16).map { Double($0) / 8 }, (1...17).map { Double($0) / 8 },
                                            (1...250).map { Double($0) / 100 }]
    @Test(arguments: thresholdSets)
    func classifyingSixteenAtATimeIsClassingEachValue(levels: [Double]) throws {
        let classes = try HazardClasses(thresholds: levels)
        let thresholds = classes.thresholds.map(GDALHazardReader.float32AtOrAbove)
        let specials: [Float] = [-9999, .nan, -.nan, Float(bitPattern: 0x7FA0_0001), 0, -0.0, 0.1, Float(0.1).nextDown, Float(0.1).nextUp,
                                 0.7, 1.5, Float(1.5).nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
        var random = SeededGenerator(seed: 3)
        // Both versions: the portable one, and the AVX2 one where the processor has AVX2 (which must agree).
        func classify(_ values: [Float], noData: Float) -> ([UInt8], Bool) {
            var codes = [UInt8](repeating: 0xEE, count: values.count)
            let infinite = values.withUnsafeBufferPointer { values in
                codes.withUnsafeMutableBufferPointer {
                    GDALHazardReader.classify(values.baseAddress!, count: values.count, thresholds: thresholds, noData: noData,
                                              unknown: classes.unknownCode, into: $0.baseAddress!)
                }
            }
            if exposure_simd_has_avx2() != 0 {
                var avx2 = [UInt8](repeating: 0xDD, count: values.count)
                let avx2Infinite = values.withUnsafeBufferPointer { values in
                    avx2.withUnsafeMutableBufferPointer {
                        exposure_classify_avx2(values.baseAddress!, values.count, thresholds, thresholds.count, noData,
                                               classes.unknownCode, $0.baseAddress!) != 0
                    }
                }
                if avx2 != codes || avx2Infinite != infinite { return (avx2, avx2Infinite) }
            }
            return (codes, infinite)
        }
        for count in [1, 2, 15, 16, 17, 31, 32, 33, 50, 63, 64, 65, 1000] {
            var values = (0..<count).map { _ in
                Bool.random(using: &random) ? specials.randomElement(using: &random)! : Float.random(in: -1..<3, using: &random)
            }
            func expected(noData: Float) -> [UInt8] {
                values.map { $0 == noData ? classes.unknownCode : classes.code(for: Double($0)) }
            }
            #expect(classify(values, noData: -9999) == (expected(noData: -9999), false), "\(count) values")
            // No nodata declared (NaN): -9999 is a value like any other, NaNs alone are unknown.
            #expect(classify(values, noData: .nan) == (expected(noData: .nan), false), "\(count) values, NaN nodata")
            // An infinity, in the vectors or the tail, is reported unless it is the nodata value; the other codes
            // are unchanged.
            for at in Set([0, count / 2, count - 1]) {
                for infinity in [Float.infinity, -.infinity] {
                    let kept = values[at]
                    values[at] = infinity
                    #expect(classify(values, noData: -9999) == (expected(noData: -9999), true), "\(infinity) at \(at) of \(count)")
                    #expect(classify(values, noData: infinity) == (expected(noData: infinity), false),
                            "\(infinity) as nodata at \(at) of \(count)")
                    values[at] = kept
                }
            }
        }
    }

    /// An infinite hazard value stops a run only where a read needs it: in a block shared with the regions' cells
    /// but itself outside every chunk's reads, it must not.
    @Test func anInfinityOutsideEveryReadStopsNothing() throws {
        // 120 x 100 cells of 150 m from 130 m east of the population's west edge: columns from about 99 lie east
        // of the population grid; block column 6 (cells 96-111) holds both.
        let c = try Self.makeCase(hazardCell: 150, hazardSize: (120, 100), block: 16, seed: 5, infinityAt: (110, 5))
        let alone = try Self.sampleAll(c, blocks: nil, threads: 1)
        let blocks = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 1 << 30))
        Self.expectSame(try Self.sampleAll(c, blocks: blocks, threads: 2), alone, chunks: c.chunks)
        #expect(blocks.heldBytes == 0)
        // Inside the reads it stops them, naming the hazard.
        let inside = try Self.makeCase(hazardCell: 150, hazardSize: (120, 100), block: 16, seed: 5, infinityAt: (40, 30))
        let shared = try #require(inside.plan.codeBlocks(chunks: inside.chunks, budgetBytes: 1 << 30))
        #expect(throws: (any Error).self) { try Self.sampleAll(inside, blocks: shared, threads: 2) }
        #expect(throws: (any Error).self) { try Self.sampleAll(inside, blocks: nil, threads: 1) }
    }

    @Test func aSpentBudgetDecodesAgainAndHoldsNothingMore() throws {
        let c = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 7)
        let alone = try Self.sampleAll(c, blocks: nil, threads: 1)
        let none = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 0))
        Self.expectSame(try Self.sampleAll(c, blocks: none, threads: 2), alone, chunks: c.chunks)
        #expect(none.decodedBlocks > none.across * none.down)
        #expect(none.heldBytes == 0)
        // Room for four blocks: never more held, spare arrays included, the same codes.
        let four = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 4 * 16 * 16))
        let maxHeld = Mutex(0), maxSpares = Mutex(0)
        let results = try Self.sampleAll(c, blocks: four, threads: 2) {
            let spare = four.spare
            maxHeld.withLock { $0 = max($0, four.heldBytes + spare.bytes) }
            maxSpares.withLock { $0 = max($0, spare.count) }
        }
        Self.expectSame(results, alone, chunks: c.chunks)
        #expect(maxHeld.withLock { $0 } <= 4 * 16 * 16)
        #expect(maxHeld.withLock { $0 } > 0)
        #expect(maxSpares.withLock { $0 } <= HazardCodeBlocks.spareLimit)
        #expect(four.heldBytes == 0)
        // The arrays of blocks let go are decoded into again (93 x 80 cells in code blocks of 16 x 64: the last
        // column and row are smaller and use the first cells of whole-block arrays): the same codes, and at the
        // end only the spare arrays left, whole-block ones.
        let all = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 1 << 30))
        Self.expectSame(try Self.sampleAll(c, blocks: all, threads: 2), alone, chunks: c.chunks)
        #expect(all.spare.count == HazardCodeBlocks.spareLimit)
        #expect(all.spare.bytes == HazardCodeBlocks.spareLimit * all.arrayCells)
        #expect(all.heldBytes == 0)
    }

    @Test func chunksOutsideTheHazardAndAHazardInAnotherCRSNeedNoBlocks() throws {
        let c = try Self.makeCase(hazardCell: 150, hazardSize: (20, 20), block: 16, seed: 3)
        let blocks = try #require(c.plan.codeBlocks(chunks: c.chunks, budgetBytes: 1 << 30))
        let shared = try Self.sampleAll(c, blocks: blocks, threads: 2)
        Self.expectSame(shared, try Self.sampleAll(c, blocks: nil, threads: 1), chunks: c.chunks)
        #expect(blocks.decodedBlocks == blocks.across * blocks.down)
        #expect(blocks.heldBytes == 0)
        // In another CRS the cells read follow PROJ's transformation: no shared blocks.
        let other = try Self.makeCase(hazardCell: 150, hazardSize: (93, 80), block: 16, seed: 3, hazardEPSG: 32617)
        #expect(other.plan.codeBlocks(chunks: other.chunks, budgetBytes: 1 << 30) == nil)
    }
}
