import CGDAL
import GridGeometry
import SIMDKernels

/// Reads the blocks of a Float32 GeoTIFF band compressed with DEFLATE and the floating-point predictor
/// (`COMPRESS=DEFLATE PREDICTOR=3`, how population grids and hazard layers are usually published) without
/// going through libtiff: the block's bytes are read where GDAL says they are (the `TIFF` metadata domain's
/// `BLOCK_OFFSET_x_y` and `BLOCK_SIZE_x_y`), inflated by GDAL's `CPLZLibInflate`, and the predictor undone
/// here.
///
/// Why: libtiff undoes the predictor a byte at a time through memory, which took half of the CPU time of a
/// run with 16 hazards (docs/methodology.md, "Performance model"); done here, 16 values at a time in one pass
/// over each row, it took about 8 % of that run's 2.8 CPU-s in make bench's case (the run took 6.1 CPU-s
/// through libtiff), and its AVX2 version (SIMDKernels, where the processor has AVX2) about 4 % of 2.3
/// CPU-s. The values are bit for bit those GDAL reads (DirectBlockReadingTests compares both on tiled,
/// striped, BigTIFF, cloud-optimised and band-interleaved files).
///
/// The floating-point predictor: each row of a block holds its values' bytes as four planes, most
/// significant byte first, and each byte of the row is stored as its difference from the byte before it in
/// the row.
///
/// Anything out of the ordinary makes ``read(_:into:)`` return false so the caller reads through GDAL, which
/// reports its own error: a block not written (sparse files), one that does not inflate to its size; so does
/// a window using under half of the cells it would decode (a row at a time), for GDAL's block cache.
/// Kept by the dataset (one per band), and like it to be used by one thread at a time.
final class DeflateFloat32Blocks {
    private let band: GDALRasterBandH
    private let path: String
    private let file: UnsafeMutablePointer<VSILFILE>
    private let blockWidth: Int, blockHeight: Int
    private let width: Int, height: Int
    private let blocksAcross: Int
    private var compressed: [UInt8] = []
    private var inflated: [UInt8] = []
    /// The last block decoded, kept because consecutive windows may share it (strips of half a block, reads
    /// within one block).
    private var block: [Float]
    private var blockIndex = -1
    /// How many blocks were decoded here, and how many could not be and went to GDAL (for the tests: which
    /// path was taken).
    private(set) var decodedBlocks = 0, failedBlocks = 0

    /// The largest block this decodes (larger ones are left to GDAL): 1 MB of values, a 512 x 512 tile, so
    /// that the buffers of many bands on many threads stay small.
    private static let largestBlockBytes = 1 << 20

    /// Nil unless `band` is one this can decode: the only band of a little-endian GeoTIFF (or one of a
    /// band-interleaved one) opened read-only, Float32, DEFLATE with PREDICTOR=3, whose file is on disk or in
    /// /vsimem/ and can be opened.
    init?(band: GDALRasterBandH, dataset: GDALDatasetH, path: String, file filePath: String?,
          blockSize: (width: Int, height: Int), width: Int, height: Int) {
        func item(_ handle: GDALMajorObjectH, _ key: String, _ domain: String) -> String? {
            (try? GDALCall.run(path, "read \(key)", quiet: true) { GDALGetMetadataItem(handle, key, domain).map { String(cString: $0) } }) ?? nil
        }
        guard let driver = GDALGetDatasetDriver(dataset), String(cString: GDALGetDriverShortName(driver)) == "GTiff",
              GDALGetRasterDataType(band) == GDT_Float32,
              item(dataset, "COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE",
              item(dataset, "PREDICTOR", "IMAGE_STRUCTURE") == "3",
              GDALGetRasterCount(dataset) == 1 || item(dataset, "INTERLEAVE", "IMAGE_STRUCTURE") == "BAND",
              // NBITS=16 or 24: half or 24-bit floats GDAL widens to Float32.
              item(band, "NBITS", "IMAGE_STRUCTURE") == nil,
              blockSize.width > 0, blockSize.height > 0,
              blockSize.width * blockSize.height * 4 <= Self.largestBlockBytes,
              // A file on disk or in memory: through /vsicurl/, /vsizip/ and the like GDAL's own reads (which
              // merge ranges and keep what they fetched) are the better way.
              let filePath, !filePath.hasPrefix("/vsi") || filePath.hasPrefix("/vsimem/"),
              // The dataset is that file itself (not `GTIFF_DIR:2:file.tif`, whose first file may be another).
              let description = GDALGetDescription(dataset), String(cString: description) == filePath,
              let file = try? GDALCall.run(path, "open", quiet: true, { VSIFOpenL(filePath, "rb") }) ?? nil
        else { return nil }
        // The file's byte order, from its first two bytes: only little-endian files ("II"), which is how GDAL
        // writes them unless told otherwise, are decoded here (libtiff reorders the bytes of big-endian ones
        // around the predictor in its own way).
        var order: (UInt8, UInt8) = (0, 0)
        let orderRead = (try? GDALCall.run(path, "read the byte order", quiet: true) {
            withUnsafeMutableBytes(of: &order) { VSIFReadL($0.baseAddress, 1, 2, file) }
        }) ?? 0
        guard orderRead == 2, order == (0x49, 0x49) else {
            _ = try? GDALCall.run(path, "close", quiet: true) { VSIFCloseL(file) }
            return nil
        }
        self.band = band
        self.path = path
        self.file = file
        (blockWidth, blockHeight) = blockSize
        self.width = width
        self.height = height
        blocksAcross = (width + blockSize.width - 1) / blockSize.width
        block = [Float](repeating: 0, count: blockSize.width * blockSize.height)
    }

    deinit {
        _ = try? GDALCall.run(path, "close", quiet: true) { VSIFCloseL(file) }
    }

    /// Fills `values` (row-major, `window.cellCount` of them) with the cells of `window`, already checked to
    /// lie in the band. False when a block it needs cannot be decoded here, or the window is better read
    /// through GDAL's cache (the buffer may then be partly written: read the window through GDAL).
    func read(_ window: RasterWindow, into values: UnsafeMutableBufferPointer<Float>) -> Bool {
        let target = values.baseAddress!
        return copy(window, direct: target) { from, to, count in (target + to).update(from: from, count: count) }
    }

    /// The same, each value widened to a Double (as GDAL converts it).
    func read(_ window: RasterWindow, into values: UnsafeMutableBufferPointer<Double>) -> Bool {
        let target = values.baseAddress!
        return copy(window) { from, to, count in
            let row = target + to
            for i in 0..<count { row[i] = Double(from[i]) }
        }
    }

    /// Decodes the blocks `window` overlaps, handing each row of the part of the window in a block to
    /// `copyRow` (the values, the row's offset in the window, how many). With `direct`, the window's Float32
    /// values themselves: a block lying whole in the window is decoded straight into them, without the copy
    /// (most blocks of whole-block windows, as hazard blocks are read).
    private func copy(_ window: RasterWindow, direct: UnsafeMutablePointer<Float>? = nil,
                      row copyRow: (UnsafePointer<Float>, Int, Int) -> Void) -> Bool {
        let firstBlockColumn = window.column / blockWidth, lastBlockColumn = (window.column + window.width - 1) / blockWidth
        let firstBlockRow = window.row / blockHeight, lastBlockRow = (window.row + window.height - 1) / blockHeight
        // Only the last block is kept, so a window that uses only a few of the cells it would decode (a row at
        // a time, a cell here and there) would decode the same blocks again and again: GDAL's block cache
        // serves those. A block decoded here costs a half to two thirds of what GDAL's decoding costs (make
        // bench's floors), so a window is decoded here when at least half of the cells decoded for it are its
        // own (whole blocks, strips of half a block).
        var decodedCells = 0
        for blockRow in firstBlockRow...lastBlockRow {
            for blockColumn in firstBlockColumn...lastBlockColumn where blockRow * blocksAcross + blockColumn != blockIndex {
                decodedCells += min(blockWidth, width - blockColumn * blockWidth) * min(blockHeight, height - blockRow * blockHeight)
            }
        }
        guard decodedCells <= 2 * window.cellCount else { return false }
        func copyBlock(_ blockColumn: Int, _ blockRow: Int) -> Bool {
            // The part of the window in this block.
            let x0 = max(window.column, blockColumn * blockWidth), x1 = min(window.column + window.width, (blockColumn + 1) * blockWidth)
            let y0 = max(window.row, blockRow * blockHeight), y1 = min(window.row + window.height, (blockRow + 1) * blockHeight)
            // The whole block in the window, every value it decodes with its place there (a block of the last
            // column is decoded as wide as the others, past the band's edge): decoded straight into the window.
            // A block only partly read goes through the kept block, for the next read (the rest of a strip).
            if let direct, blockRow * blocksAcross + blockColumn != blockIndex, x0 == blockColumn * blockWidth,
               x0 + blockWidth <= window.column + window.width, y0 == blockRow * blockHeight,
               y1 == min((blockRow + 1) * blockHeight, height) {
                let decoded = decode(column: blockColumn, row: blockRow, rows: y1 - y0,
                                     into: direct + (y0 - window.row) * window.width + (x0 - window.column), rowStride: window.width)
                if !decoded { failedBlocks += 1 }
                return decoded
            }
            guard decode(column: blockColumn, row: blockRow) else { return false }
            block.withUnsafeBufferPointer { block in
                for y in y0..<y1 {
                    let from = (y - blockRow * blockHeight) * blockWidth + (x0 - blockColumn * blockWidth)
                    copyRow(block.baseAddress! + from, (y - window.row) * window.width + (x0 - window.column), x1 - x0)
                }
            }
            return true
        }
        // The block kept from the last read first, before another replaces it.
        let cached = blockIndex >= 0 ? (column: blockIndex % blocksAcross, row: blockIndex / blocksAcross) : nil
        let cachedInWindow = cached.map { (firstBlockColumn...lastBlockColumn).contains($0.column) && (firstBlockRow...lastBlockRow).contains($0.row) } ?? false
        if let cached, cachedInWindow, !copyBlock(cached.column, cached.row) { return false }
        for blockRow in firstBlockRow...lastBlockRow {
            for blockColumn in firstBlockColumn...lastBlockColumn
            where !(cachedInWindow && blockColumn == cached?.column && blockRow == cached?.row) {
                guard copyBlock(blockColumn, blockRow) else { return false }
            }
        }
        return true
    }

    /// Decodes block (`column`, `row`) into `block`, unless it is there already.
    private func decode(column: Int, row: Int) -> Bool {
        let index = row * blocksAcross + column
        if index == blockIndex { return true }
        blockIndex = -1
        let decoded = block.withUnsafeMutableBufferPointer {
            decode(column: column, row: row, rows: blockHeight, into: $0.baseAddress!, rowStride: blockWidth)
        }
        if decoded { blockIndex = index } else { failedBlocks += 1 }
        return decoded
    }

    /// Decodes block (`column`, `row`) into `target`: at most its first `rows` rows, row r from
    /// `target + r * rowStride`, each `blockWidth` values.
    private func decode(column: Int, row: Int, rows wanted: Int, into target: UnsafeMutablePointer<Float>, rowStride: Int) -> Bool {
        guard let offset = blockNumber("BLOCK_OFFSET", column, row), offset > 0,
              let size = blockNumber("BLOCK_SIZE", column, row), size > 0, size <= Self.largestBlockBytes * 2
        else { return false }
        let rowBytes = blockWidth * 4, blockBytes = blockHeight * rowBytes
        // The last strip may hold only the rows left in the band (GDAL writes it so), or be a whole strip.
        let rowsLeft = min(blockHeight, height - row * blockHeight)
        if compressed.count < size { compressed = [UInt8](repeating: 0, count: size) }
        if inflated.count < blockBytes { inflated = [UInt8](repeating: 0, count: blockBytes) }
        let file = file, path = path
        let read = compressed.withUnsafeMutableBytes { bytes in
            (try? GDALCall.run(path, "read block", quiet: true) { () -> Int in
                guard VSIFSeekL(file, vsi_l_offset(offset), SEEK_SET) == 0 else { return 0 }
                return VSIFReadL(bytes.baseAddress, 1, size, file)
            }) ?? 0
        }
        guard read == size else { return false }
        let produced = compressed.withUnsafeBytes { source in
            inflated.withUnsafeMutableBytes { output in
                (try? GDALCall.run(path, "inflate block", quiet: true) { () -> Int in
                    var produced = 0
                    guard CPLZLibInflate(source.baseAddress, size, output.baseAddress, blockBytes, &produced) != nil else { return -1 }
                    return produced
                }) ?? -1
            }
        }
        // libtiff takes a short last block only from a strip (a block as wide as the band).
        guard produced == blockBytes || (blockWidth == width && produced == rowsLeft * rowBytes) else { return false }
        undoPredictor(rows: min(wanted, produced / rowBytes), into: target, rowStride: rowStride)
        decodedBlocks += 1
        return true
    }

    /// Undoes the floating-point predictor on the first `rows` rows of `inflated` into `target`, a row every
    /// `rowStride` values (see ``assembleRow(_:width:into:)``; on processors with AVX2, its version in
    /// SIMDKernels, which gives the same values in about half the time).
    private func undoPredictor(rows: Int, into target: UnsafeMutablePointer<Float>, rowStride: Int) {
        let w = blockWidth
        inflated.withUnsafeBufferPointer { bytes in
            if SIMDKernel.avx2 {
                for r in 0..<rows { exposure_assemble_row_avx2(bytes.baseAddress! + r &* 4 &* w, w, target + r &* rowStride) }
            } else {
                for r in 0..<rows { Self.assembleRow(bytes.baseAddress! + r &* 4 &* w, width: w, into: target + r &* rowStride) }
            }
        }
    }

    /// One row's values from its bytes as stored: the running sum (modulo 256) of the row's bytes, four planes
    /// of `width` bytes one after the other, each value then assembled from its byte in each plane.
    ///
    /// Done in one pass over the four planes side by side, 16 values at a time: the running sum where a plane
    /// starts is the sum of the planes before it, which a first, quicker pass adds up. Each plane's 16 bytes
    /// get their running sum within the vector, then the plane's sum so far (kept in every byte of a vector);
    /// interleaving the four planes' vectors gives the 16 values. Nearly all of it stays in SSE2 registers:
    /// shifts of 64-bit lanes, broadcasts and unpacks, which the compiler emits for these shuffles.
    static func assembleRow(_ row: UnsafePointer<UInt8>, width w: Int, into out: UnsafeMutablePointer<Float>) {
        typealias Bytes = SIMD16<UInt8>
        let p0 = row, p1 = row + w, p2 = row + 2 &* w, p3 = row + 3 &* w
        let s0 = byteSum(p0, count: w), s1 = byteSum(p1, count: w), s2 = byteSum(p2, count: w)
        var c0 = Bytes(), c1 = Bytes(repeating: s0), c2 = Bytes(repeating: s0 &+ s1), c3 = Bytes(repeating: s0 &+ s1 &+ s2)
        let raw = UnsafeMutableRawPointer(out)
        var k = 0
        while k &+ 16 <= w {
            let v0 = runningSum(UnsafeRawPointer(p0 + k).loadUnaligned(as: Bytes.self))
            let v1 = runningSum(UnsafeRawPointer(p1 + k).loadUnaligned(as: Bytes.self))
            let v2 = runningSum(UnsafeRawPointer(p2 + k).loadUnaligned(as: Bytes.self))
            let v3 = runningSum(UnsafeRawPointer(p3 + k).loadUnaligned(as: Bytes.self))
            let b0 = v0 &+ c0, b1 = v1 &+ c1, b2 = v2 &+ c2, b3 = v3 &+ c3
            // The next carries from the vectors' own totals, so that the only dependency from one vector to the
            // next is an add.
            c0 &+= Bytes(repeating: v0[15])
            c1 &+= Bytes(repeating: v1[15])
            c2 &+= Bytes(repeating: v2[15])
            c3 &+= Bytes(repeating: v3[15])
            // Little-endian values: the least significant byte (plane 3) first.
            let low32 = b3.interleavedLow8(b2), low10 = b1.interleavedLow8(b0)
            let high32 = b3.interleavedHigh8(b2), high10 = b1.interleavedHigh8(b0)
            raw.storeBytes(of: low32.interleavedLow16(low10), toByteOffset: k &* 4, as: Bytes.self)
            raw.storeBytes(of: low32.interleavedHigh16(low10), toByteOffset: k &* 4 &+ 16, as: Bytes.self)
            raw.storeBytes(of: high32.interleavedLow16(high10), toByteOffset: k &* 4 &+ 32, as: Bytes.self)
            raw.storeBytes(of: high32.interleavedHigh16(high10), toByteOffset: k &* 4 &+ 48, as: Bytes.self)
            k &+= 16
        }
        var t0 = c0[0], t1 = c1[0], t2 = c2[0], t3 = c3[0]
        while k < w {
            t0 &+= p0[k]
            t1 &+= p1[k]
            t2 &+= p2[k]
            t3 &+= p3[k]
            out[k] = Float(bitPattern: UInt32(t0) &<< 24 | UInt32(t1) &<< 16 | UInt32(t2) &<< 8 | UInt32(t3))
            k &+= 1
        }
    }

    /// The sum modulo 256 of `count` bytes.
    @inline(__always)
    private static func byteSum(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt8 {
        var sums = SIMD16<UInt8>(repeating: 0)
        var k = 0
        while k &+ 16 <= count {
            sums &+= UnsafeRawPointer(bytes + k).loadUnaligned(as: SIMD16<UInt8>.self)
            k &+= 16
        }
        var sum = sums.wrappedSum()
        while k < count {
            sum &+= bytes[k]
            k &+= 1
        }
        return sum
    }

    /// Each byte of `v` replaced by the sum (modulo 256) of it and those before it: within each half, the half
    /// added to itself shifted by 8, 16 and 32 bits (shifts of 64-bit lanes, so no byte crosses into the other
    /// half), then the first half's total added to the second half. Written with lane shifts rather than as
    /// vectors built from `v`'s bytes, which the optimiser turns into a load per byte.
    @inline(__always)
    private static func runningSum(_ v: SIMD16<UInt8>) -> SIMD16<UInt8> {
        typealias Bytes = SIMD16<UInt8>
        var v = v
        v &+= unsafeBitCast(unsafeBitCast(v, to: SIMD2<UInt64>.self) &<< 8, to: Bytes.self)
        v &+= unsafeBitCast(unsafeBitCast(v, to: SIMD2<UInt64>.self) &<< 16, to: Bytes.self)
        v &+= unsafeBitCast(unsafeBitCast(v, to: SIMD2<UInt64>.self) &<< 32, to: Bytes.self)
        // The first half's total (its last byte) in every byte of the second half: the first 64-bit lane's
        // high byte, spread over four bytes by a multiplication, in the second half's two 32-bit lanes.
        let totals = unsafeBitCast(unsafeBitCast(v, to: SIMD2<UInt64>.self) &>> 56, to: SIMD4<UInt32>.self)
        let lowTotal = UInt32(truncatingIfNeeded: totals[0]) &* 0x0101_0101
        return v &+ unsafeBitCast(SIMD4<UInt32>(0, 0, lowTotal, lowTotal), to: Bytes.self)
    }

    /// `BLOCK_OFFSET_x_y` or `BLOCK_SIZE_x_y` of the `TIFF` metadata domain: where the block's bytes are and
    /// how many (nil, or 0 for a block never written).
    private func blockNumber(_ key: String, _ column: Int, _ row: Int) -> Int? {
        let band = band
        let text = (try? GDALCall.run(path, "read \(key)", quiet: true) {
            GDALGetMetadataItem(band, "\(key)_\(column)_\(row)", "TIFF").map { String(cString: $0) }
        }) ?? nil
        return text.flatMap { Int($0) }
    }
}
