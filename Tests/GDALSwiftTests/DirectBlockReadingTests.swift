import Foundation
@testable import GDALSwift
import SIMDKernels
import TestSupport
import Testing

/// Float32 GeoTIFFs with DEFLATE and PREDICTOR=3 are decoded by DeflateFloat32Blocks rather than by GDAL's
/// driver: the values must be the very bits GDAL reads, on every layout such a file can have, and anything
/// it cannot decode must go to GDAL as before.
@Suite struct DirectBlockReadingTests {
    static let width = 37, height = 53

    /// Every kind of Float32: random bit patterns (NaNs with payloads, subnormals, huge and tiny numbers),
    /// then the special values, and runs of equal values as population grids have.
    static func values(_ seed: UInt64) -> [Float] {
        var state = seed
        var values: [Float] = (0..<(width * height)).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = UInt32(truncatingIfNeeded: state >> 32)
            switch i % 7 {
            case 0: return Float(bitPattern: bits)
            case 1: return Float(bits % 1000) / 8
            case 2: return -9999
            default: return Float(i / 40)
            }
        }
        let specials: [Float] = [.nan, -.nan, .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude,
                                 .greatestFiniteMagnitude, -.leastNormalMagnitude, Float(bitPattern: 0x7FA0_0001)]
        for (i, v) in specials.enumerated() { values[i * 97 % values.count] = v }
        return values
    }

    /// Writes `bands` bands of ``values(_:)`` to a GeoTIFF made with `options`.
    static func write(_ path: String, bands: Int = 1, options: [String], small: Bool = false) throws -> [[Float]] {
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: bands, type: .float32,
                                                             options: options)
        var written: [[Float]] = []
        for b in 1...bands {
            let values = small ? (0..<(width * height)).map { Float($0 % 100) } : values(UInt64(b) * 7919)
            try dataset.band(b).write(RasterWindow(column: 0, row: 0, width: width, height: height), values: values)
            written.append(values)
        }
        try dataset.close()
        return written
    }

    static let windows = [
        RasterWindow(column: 0, row: 0, width: width, height: height),
        RasterWindow(column: 0, row: 0, width: 1, height: 1),
        RasterWindow(column: 15, row: 15, width: 2, height: 2),
        RasterWindow(column: 3, row: 40, width: 34, height: 13),
        RasterWindow(column: 36, row: 0, width: 1, height: 53),
        RasterWindow(column: 5, row: 17, width: 20, height: 1),
        RasterWindow(column: 0, row: 0, width: 1, height: 1),
    ]

    /// Windows of whole blocks (those the decoder reads; others go to GDAL's cache): each block alone, runs
    /// of two by two blocks, whole block rows and columns, clipped at the raster's edges.
    static func wholeBlockWindows(_ block: (width: Int, height: Int)) -> [RasterWindow] {
        var windows: [RasterWindow] = []
        for row in stride(from: 0, to: height, by: block.height) {
            for column in stride(from: 0, to: width, by: block.width) {
                for (across, down) in [(1, 1), (2, 2), (99, 1), (1, 99)] {
                    windows.append(RasterWindow(column: column, row: row, width: min(across * block.width, width - column),
                                                height: min(down * block.height, height - row)))
                }
            }
        }
        return windows
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    static let layouts: [(name: String, bands: Int, options: [String])] = [
        ("tiled 16x16", 1, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"]),
        ("strips of 5 rows, the last of 3", 1, ["BLOCKYSIZE=5"]),
        ("one strip", 1, ["BLOCKYSIZE=53"]),
        ("tiles of 16x32", 1, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=32"]),
        ("strips of 4 rows, the last of 1", 1, ["BLOCKYSIZE=4", "ENDIANNESS=LITTLE"]),
        ("BigTIFF", 1, ["TILED=YES", "BIGTIFF=YES"]),
        ("three bands interleaved by band", 3, ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=16", "INTERLEAVE=BAND"]),
        ("maximum compression", 1, ["TILED=YES", "ZLEVEL=9"]),
    ]

    @Test(arguments: 0..<layouts.count)
    func readsTheBitsGDALReads(layout: Int) throws {
        let (name, bands, options) = Self.layouts[layout]
        let dir = try TemporaryDirectory()
        let path = dir.path("grid.tif")
        let written = try Self.write(path, bands: bands, options: options + ["COMPRESS=DEFLATE", "PREDICTOR=3"])
        let direct = try Dataset.open(path, kinds: .raster)
        // Opened for update, the same file is read by GDAL's driver: the reference.
        let reference = try Dataset.open(path, kinds: .raster, update: true)
        for b in 1...bands {
            let band = try direct.band(b), gdal = try reference.band(b)
            #expect(band.decodesBlocksItself, "\(name)")
            #expect(!gdal.decodesBlocksItself)
            let all = try band.readAll(as: Float.self)
            #expect(Self.bits(all) == Self.bits(written[b - 1]), "\(name), band \(b)")
            for window in Self.windows + Self.wholeBlockWindows(band.blockSize) {
                #expect(Self.bits(try band.read(window, as: Float.self)) == Self.bits(try gdal.read(window, as: Float.self)),
                        "\(name), band \(b), \(window)")
                #expect(Self.bits(try band.read(window, as: Double.self)) == Self.bits(try gdal.read(window, as: Double.self)),
                        "\(name), band \(b), \(window) as Double")
            }
            #expect(band.blocksDecodedItself > 0, "\(name): the blocks were decoded by GDAL")
            #expect(gdal.blocksDecodedItself == 0)
        }
    }

    /// A cloud-optimised GeoTIFF (overviews first, each block with its size before it and its last bytes
    /// after it) as the COG driver writes one with the predictor.
    @Test func readsACloudOptimizedGeoTIFF() throws {
        let dir = try TemporaryDirectory()
        let source = try Driver.named("MEM").createRaster(path: "", width: Self.width, height: Self.height, bands: 1, type: .float32)
        let values = Self.values(11)
        try source.band(1).write(RasterWindow(column: 0, row: 0, width: Self.width, height: Self.height), values: values)
        let path = dir.path("cog.tif")
        try Driver.named("COG").createCopy(path: path, from: source,
                                           options: ["COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=16", "OVERVIEWS=NONE"]).close()
        let band = try Dataset.open(path).band(1)
        #expect(band.decodesBlocksItself)
        #expect(Self.bits(try band.readAll(as: Float.self)) == Self.bits(values))
        // 3 x 4 blocks of 16 x 16, each decoded once.
        #expect(band.blocksDecodedItself == 12)
        let gdal = try Dataset.open(path, update: true).band(1)
        for window in Self.windows {
            #expect(Self.bits(try band.read(window, as: Double.self)) == Self.bits(try gdal.read(window, as: Double.self)), "\(window)")
        }
    }

    /// A window using under half of the cells it would decode (a row at a time) is read through GDAL's block
    /// cache, which keeps the blocks for the next rows: the decoder keeps only its last block.
    @Test func leavesRowAtATimeReadsToGDAL() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rows.tif")
        let written = try Self.write(path, options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"])
        func expected(_ window: RasterWindow) -> [UInt32] {
            (window.row..<(window.row + window.height)).flatMap { row in
                Self.bits(Array(written[0][(row * Self.width + window.column)..<(row * Self.width + window.column + window.width)]))
            }
        }
        let band = try Dataset.open(path).band(1)
        for row in 0..<Self.height {
            let window = RasterWindow(column: 0, row: row, width: Self.width, height: 1)
            #expect(Self.bits(try band.read(window, as: Float.self)) == expected(window))
        }
        #expect(band.blocksDecodedItself == 0)
        // Strips of half a block are decoded here: a row of 3 blocks for the first strip; for the second, the
        // block kept from the first (the last one) is used first, and the other 2 decoded again.
        for row in stride(from: 0, to: 32, by: 8) {
            let window = RasterWindow(column: 0, row: row, width: Self.width, height: 8)
            #expect(Self.bits(try band.read(window, as: Float.self)) == expected(window))
        }
        #expect(band.blocksDecodedItself == 10)
        // Once a block is decoded, the rows within it are served from it.
        _ = try band.read(RasterWindow(column: 16, row: 16, width: 16, height: 16), as: Float.self)
        let decoded = band.blocksDecodedItself
        for row in 16..<32 {
            let window = RasterWindow(column: 16, row: row, width: 16, height: 1)
            #expect(Self.bits(try band.read(window, as: Float.self)) == expected(window))
        }
        #expect(band.blocksDecodedItself == decoded)
    }

    /// A block lying whole in a Float32 window is decoded straight into it and not kept; a block read in part
    /// is decoded into the kept block, so the rest of it (the second half of a strip) is not decoded again.
    @Test func wholeBlocksGoStraightIntoTheWindowAndPartsThroughTheKeptBlock() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("strips.tif")
        let written = try Self.write(path, options: ["BLOCKYSIZE=8", "COMPRESS=DEFLATE", "PREDICTOR=3"])
        func expected(_ window: RasterWindow) -> [UInt32] {
            (window.row..<(window.row + window.height)).flatMap { row in
                Self.bits(Array(written[0][(row * Self.width + window.column)..<(row * Self.width + window.column + window.width)]))
            }
        }
        let band = try Dataset.open(path).band(1)
        for window in [RasterWindow(column: 0, row: 0, width: Self.width, height: 4), RasterWindow(column: 0, row: 4, width: Self.width, height: 4)] {
            #expect(Self.bits(try band.read(window, as: Float.self)) == expected(window))
        }
        #expect(band.blocksDecodedItself == 1)
        // Strips 1 and 2 whole, into the window; the kept block is still strip 0, which serves its rows.
        let whole = RasterWindow(column: 0, row: 8, width: Self.width, height: 16)
        #expect(Self.bits(try band.read(whole, as: Float.self)) == expected(whole))
        #expect(band.blocksDecodedItself == 3)
        let kept = RasterWindow(column: 0, row: 2, width: Self.width, height: 3)
        #expect(Self.bits(try band.read(kept, as: Float.self)) == expected(kept))
        #expect(band.blocksDecodedItself == 3)
        // The last strip, of 5 rows (53 = 6 x 8 + 5), whole.
        let last = RasterWindow(column: 0, row: 40, width: Self.width, height: 13)
        #expect(Self.bits(try band.read(last, as: Float.self)) == expected(last))
        #expect(band.blocksDecodedItself == 5)
    }

    @Test func readsAFileInVirtualMemory() throws {
        let path = "/vsimem/direct-\(UUID().uuidString).tif"
        let written = try Self.write(path, options: ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"])
        do {
            let dataset = try Dataset.open(path)
            let band = try dataset.band(1)
            #expect(band.decodesBlocksItself)
            #expect(Self.bits(try band.readAll(as: Float.self)) == Self.bits(written[0]))
            #expect(band.blocksDecodedItself == 1)
            // Another object for the same band shares its decoder (and the block it keeps).
            let again = try dataset.band(1)
            #expect(Self.bits(try again.readAll(as: Float.self)) == Self.bits(written[0]))
            #expect(again.blocksDecodedItself == 1)
        }
        try Driver.named("GTiff").delete(path: path)
    }

    @Test func leavesOtherRastersToGDAL() throws {
        let dir = try TemporaryDirectory()
        let cases: [(String, Int, [String])] = [
            ("no predictor", 1, ["COMPRESS=DEFLATE"]),
            ("horizontal predictor", 1, ["COMPRESS=DEFLATE", "PREDICTOR=2"]),
            ("LZW", 1, ["COMPRESS=LZW", "PREDICTOR=3"]),
            ("interleaved by pixel", 2, ["COMPRESS=DEFLATE", "PREDICTOR=3", "INTERLEAVE=PIXEL"]),
            ("16-bit floats", 1, ["COMPRESS=DEFLATE", "PREDICTOR=3", "NBITS=16"]),
            ("big-endian", 1, ["COMPRESS=DEFLATE", "PREDICTOR=3", "ENDIANNESS=BIG"]),
        ]
        for (i, (name, bands, options)) in cases.enumerated() {
            let path = dir.path("case\(i).tif")
            _ = try Self.write(path, bands: bands, options: options, small: name == "16-bit floats")
            let band = try Dataset.open(path, kinds: .raster).band(1)
            #expect(!band.decodesBlocksItself, "\(name)")
            #expect(try band.readAll(as: Float.self).count == Self.width * Self.height)
        }
        // A band of another type.
        let path = dir.path("int16.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 4, height: 4, bands: 1, type: .int16,
                                                             options: ["COMPRESS=DEFLATE", "PREDICTOR=2"])
        try dataset.close()
        #expect(try !Dataset.open(path).band(1).decodesBlocksItself)
    }

    /// A block never written (SPARSE_OK) has no bytes in the file: GDAL fills it with the nodata value, and
    /// the decoder leaves that window to GDAL.
    @Test func leavesBlocksNeverWrittenToGDAL() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("sparse.tif")
        let dataset = try Driver.named("GTiff").createRaster(
            path: path, width: 32, height: 32, bands: 1, type: .float32,
            options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3", "SPARSE_OK=TRUE"])
        try dataset.band(1).setNoDataValue(-1)
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 16, height: 16), values: [Float](repeating: 2.5, count: 256))
        try dataset.close()
        let band = try Dataset.open(path).band(1)
        #expect(band.decodesBlocksItself)
        #expect(try band.read(RasterWindow(column: 0, row: 0, width: 16, height: 16), as: Float.self) == [Float](repeating: 2.5, count: 256))
        #expect(try band.read(RasterWindow(column: 16, row: 16, width: 16, height: 16), as: Float.self) == [Float](repeating: -1, count: 256))
        let whole = try band.readAll(as: Double.self)
        #expect(whole[0] == 2.5 && whole[31] == -1 && whole[32 * 32 - 1] == -1)
        #expect(band.blocksDecodedItself >= 1)
    }

    /// A damaged block is not decoded here into something: GDAL reads it and reports the damage, as it did
    /// before this decoder existed.
    @Test func reportsADamagedBlockAsGDALDoes() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("damaged.tif")
        _ = try Self.write(path, options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE", "PREDICTOR=3"])
        let probe = try Dataset.open(path).band(1)
        let offset = try #require(Int(try probe.metadataItem("BLOCK_OFFSET_1_1", domain: "TIFF") ?? ""))
        let size = try #require(Int(try probe.metadataItem("BLOCK_SIZE_1_1", domain: "TIFF") ?? ""))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in (offset + size / 3)..<(offset + size / 3 + 40) { bytes[i] = 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))

        let band = try Dataset.open(path).band(1)
        #expect(band.decodesBlocksItself)
        // The undamaged block is decoded; the damaged one is tried, left to GDAL, and GDAL's error names the file.
        #expect(try band.read(RasterWindow(column: 0, row: 0, width: 16, height: 16), as: Float.self).count == 256)
        #expect(band.blocksDecodedItself == 1)
        let error = #expect(throws: GDALError.self) { try band.read(RasterWindow(column: 16, row: 16, width: 16, height: 16), as: Double.self) }
        #expect(error?.path == path)
        #expect(band.blocksLeftToGDAL == 1)
        #expect(band.blocksDecodedItself == 1)
        let gdal = try Dataset.open(path, update: true).band(1)
        #expect(throws: GDALError.self) { try gdal.read(RasterWindow(column: 16, row: 16, width: 4, height: 4), as: Double.self) }
    }

    /// The predictor undone 16 values at a time (``DeflateFloat32Blocks/assembleRow(_:width:into:)``) is the
    /// byte-by-byte running sum of the TIFF specification's floating-point predictor, then each value's four
    /// bytes from the four planes (most significant first), for rows of every width around a multiple of 16;
    /// so is its AVX2 version (SIMDKernels), where the processor has AVX2.
    @Test func assemblingARowIsTheByteByByteRunningSum() {
        var state: UInt64 = 2024
        for width in [1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 255, 256, 257, 1024] {
            let bytes: [UInt8] = (0..<(4 * width)).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            var sums = bytes
            for i in 1..<sums.count { sums[i] = sums[i] &+ sums[i - 1] }
            let expected = (0..<width).map { k in
                UInt32(sums[k]) << 24 | UInt32(sums[width + k]) << 16 | UInt32(sums[2 * width + k]) << 8 | UInt32(sums[3 * width + k])
            }
            var values = [Float](repeating: .nan, count: width)
            bytes.withUnsafeBufferPointer { row in
                values.withUnsafeMutableBufferPointer { DeflateFloat32Blocks.assembleRow(row.baseAddress!, width: width, into: $0.baseAddress!) }
            }
            #expect(values.map(\.bitPattern) == expected, "width \(width)")
            // The AVX2 version, which reads do use on this processor when it has AVX2.
            if exposure_simd_has_avx2() != 0 {
                var avx2 = [Float](repeating: .nan, count: width)
                bytes.withUnsafeBufferPointer { row in
                    avx2.withUnsafeMutableBufferPointer { exposure_assemble_row_avx2(row.baseAddress!, width, $0.baseAddress!) }
                }
                #expect(avx2.map(\.bitPattern) == expected, "AVX2, width \(width)")
            }
        }
    }
}
