import ExposureCore
import Foundation
import Synchronization

/// The class codes of one hazard raster, decoded block by block at most once per pass and shared by the
/// pass's workers.
///
/// Chunks of the pass are made of population blocks, which never line up with the hazard's blocks: a hazard
/// block is read by every chunk it overlaps (up to four, more when the hazard is coarser). Through GDAL's
/// block cache each of those reads decoded the block again once the cache had dropped it, which with many
/// hazards it did, and DEFLATE with a floating-point predictor costs more than everything else the pass
/// does. Here a block's codes (one byte per cell, a quarter of its Float32 values) are kept from its first
/// read until the last chunk that overlaps it is done: before the pass every block counts the chunks whose
/// footprint overlaps it, and each finished chunk takes one off the blocks of its footprint.
///
/// Only the bookkeeping is shared: a worker decodes a missing block through its own reader (GDAL handles
/// are per thread). Memory is bounded by `budgetBytes`; a block decoded while the budget is spent is used for
/// that read only and decoded again when needed. The codes are those ``GDALHazardReader/readCodes`` computes
/// for any window, so results do not change (docs/methodology.md, "Hazard on the population grid").
public final class HazardCodeBlocks: Sendable {
    public let hazardGrid: Grid
    public let populationGrid: Grid
    /// The unit a code block covers: the raster's own block, grown to at least 64 rows for strips, at most
    /// 1024 x 1024.
    public let blockWidth: Int, blockHeight: Int
    public let across: Int, down: Int
    let budgetBytes: Int

    /// A block being decoded carries the group its waiters wait on (the decoder leaves it when done).
    private enum Entry { case decoding(DispatchGroup), ready([UInt8]) }

    private struct State {
        /// The blocks held, and those a worker is decoding to hold (their bytes are counted from then).
        var blocks: [Int: Entry] = [:]
        /// Per block, the chunks still to finish whose footprint overlaps it.
        var remaining: [Int32]
        var bytes = 0
        var decoded = 0
        /// Arrays of blocks let go, decoded into again: a fresh array's pages are faulted in and zeroed by the
        /// kernel, which cost about 2 % of a 16-hazard run. At most ``spareLimit``, counted in the budget.
        var spare: [[UInt8]] = []
        var spareBytes = 0

        /// A block's codes no chunk needs any more: kept as a spare, or freed.
        mutating func letGo(_ codes: [UInt8]) {
            bytes -= codes.count
            if spare.count < HazardCodeBlocks.spareLimit {
                spare.append(codes)
                spareBytes += codes.count
            }
        }
    }
    static let spareLimit = 2
    /// The cells of every array of codes kept: a whole block's, also for the blocks of the last column and row
    /// (which use its first cells), so that any spare array fits any block.
    var arrayCells: Int { blockWidth * blockHeight }
    private let state: Mutex<State>

    /// - Parameters:
    ///   - chunks: the population-grid chunks the pass will process (every chunk finishes once).
    ///   - blockSize: the hazard raster's natural block size.
    public init(hazard: Grid, population: Grid, blockSize: (width: Int, height: Int), chunks: some Sequence<GridWindow>,
                budgetBytes: Int) {
        hazardGrid = hazard
        populationGrid = population
        // At most 1024 x 1024 cells: a raster in one block (or in strips of whole rows) is shared in pieces.
        blockWidth = max(1, min(blockSize.width, hazard.width, 1024))
        let rows = max(1, blockSize.height)
        blockHeight = min(max(1, hazard.height), 1024, rows >= 64 ? rows : rows * ((64 + rows - 1) / rows))
        across = (hazard.width + blockWidth - 1) / blockWidth
        down = (hazard.height + blockHeight - 1) / blockHeight
        self.budgetBytes = budgetBytes
        var remaining = [Int32](repeating: 0, count: across * down)
        for chunk in chunks {
            guard let blocks = HazardCodeBlocks.blockRange(of: chunk, hazard: hazard, population: population,
                                                           blockWidth: blockWidth, blockHeight: blockHeight) else { continue }
            for by in blocks.row..<blocks.endRow {
                for bx in blocks.column..<blocks.endColumn { remaining[by * across + bx] += 1 }
            }
        }
        state = Mutex(State(remaining: remaining))
    }

    /// How many blocks were decoded so far (a block decoded twice counts twice): the tests' and the bench's
    /// measure of the store.
    public var decodedBlocks: Int { state.withLock { $0.decoded } }
    /// The bytes of codes held now (spare arrays aside).
    public var heldBytes: Int { state.withLock { $0.bytes } }
    /// The bytes of the spare arrays, and how many there are: with ``heldBytes``, within the budget.
    var spare: (bytes: Int, count: Int) { state.withLock { ($0.spareBytes, $0.spare.count) } }

    /// The hazard blocks (in block units) a population chunk's reads can touch: the chunk's extent on the hazard
    /// grid, one hazard cell wider on each side (sampling at cell centres and exact shares both stay inside
    /// it), clipped to the raster. Nil when the chunk lies outside the hazard.
    static func blockRange(of chunk: GridWindow, hazard: Grid, population: Grid, blockWidth: Int, blockHeight: Int) -> GridWindow? {
        let p = population.transform, h = hazard.transform
        let x0 = p.originX + Double(chunk.column) * p.cellWidth, x1 = p.originX + Double(chunk.endColumn) * p.cellWidth
        let y0 = p.originY - Double(chunk.row) * p.cellHeight, y1 = p.originY - Double(chunk.endRow) * p.cellHeight
        let c0 = ((x0 - h.originX) / h.cellWidth).rounded(.down) - 1, c1 = ((x1 - h.originX) / h.cellWidth).rounded(.down) + 1
        let r0 = ((h.originY - y0) / h.cellHeight).rounded(.down) - 1, r1 = ((h.originY - y1) / h.cellHeight).rounded(.down) + 1
        guard c0.isFinite, c1.isFinite, r0.isFinite, r1.isFinite,
              c1 >= 0, r1 >= 0, c0 < Double(hazard.width), r0 < Double(hazard.height) else { return nil }
        let columns = (max(0, Int(c0)), min(hazard.width - 1, Int(c1)))
        let rows = (max(0, Int(r0)), min(hazard.height - 1, Int(r1)))
        let bx0 = columns.0 / blockWidth, bx1 = columns.1 / blockWidth
        let by0 = rows.0 / blockHeight, by1 = rows.1 / blockHeight
        return GridWindow(column: bx0, row: by0, width: bx1 - bx0 + 1, height: by1 - by0 + 1)
    }

    /// The hazard cells of block (bx, by), clipped to the raster.
    func cells(ofBlock bx: Int, _ by: Int) -> GridWindow {
        let column = bx * blockWidth, row = by * blockHeight
        return GridWindow(column: column, row: row, width: min(blockWidth, hazardGrid.width - column),
                          height: min(blockHeight, hazardGrid.height - row))
    }

    /// Fills `codes[0..<window.cellCount]` (row-major) with the codes of `window` (inside the raster), from the
    /// blocks held, decoding the missing ones with `decode` (which writes the codes of a window, row-major,
    /// into the first cells of its array, grown when too small). A block another worker is decoding is waited
    /// for, after the others: two workers on neighbouring chunks want the same blocks at the same time, and
    /// decoding them twice was most of what sharing saves.
    public func codes(of window: GridWindow, into codes: inout [UInt8],
                      decode: (GridWindow, inout [UInt8]) throws -> Void) throws {
        if codes.count < window.cellCount { codes = [UInt8](repeating: 0, count: window.cellCount) }
        guard !window.isEmpty else { return }
        guard window.column >= 0, window.row >= 0, window.endColumn <= hazardGrid.width, window.endRow <= hazardGrid.height else {
            return try decode(window, &codes)
        }
        let bx0 = window.column / blockWidth, bx1 = (window.endColumn - 1) / blockWidth
        let by0 = window.row / blockHeight, by1 = (window.endRow - 1) / blockHeight
        var pending: [(bx: Int, by: Int, group: DispatchGroup?)] = []
        for by in by0...by1 { for bx in bx0...bx1 { pending.append((bx, by, nil)) } }
        var decoded: [UInt8] = []
        // Codes from the block's cells `origin` (row-major) into the window's.
        while !pending.isEmpty {
            var waiting: [(bx: Int, by: Int, group: DispatchGroup?)] = []
            for (bx, by, _) in pending {
                let key = by * across + bx
                let block = cells(ofBlock: bx, by)
                enum Next { case use([UInt8]), wait(DispatchGroup), decodeForThisRead, decodeToKeep(DispatchGroup) }
                // A spare array to decode into, moved out of the state (a reader still copying from it when its block
                // was let go makes decoding into it copy it first, as arrays do).
                var spare: [UInt8]? = nil
                let next = state.withLock { s -> Next in
                    switch s.blocks[key] {
                    case .ready(let held)?: return .use(held)
                    case .decoding(let group)?: return .wait(group)
                    case nil:
                        // Kept only while a chunk still needs it and the budget allows; else decoded for this read.
                        guard s.remaining[key] > 0 else { return .decodeForThisRead }
                        if let reused = s.spare.popLast() {
                            spare = reused
                            s.spareBytes -= reused.count
                            s.bytes += reused.count
                        } else {
                            guard s.bytes + s.spareBytes + arrayCells <= budgetBytes else { return .decodeForThisRead }
                            s.bytes += arrayCells
                        }
                        let group = DispatchGroup()
                        group.enter()
                        s.blocks[key] = .decoding(group)
                        return .decodeToKeep(group)
                    }
                }
                let part = block.intersection(window)
                // The codes to copy from, and the cells they cover: the whole block, or only the part this read needs.
                var held: [UInt8] = [], origin = block
                switch next {
                case .use(let codes): held = codes
                case .wait(let group):
                    waiting.append((bx, by, group))
                    continue
                case .decodeForThisRead:
                    try decode(part, &decoded)
                    held = decoded
                    origin = part
                    state.withLock { $0.decoded += 1 }
                case .decodeToKeep(let group):
                    defer { group.leave() }
                    // Decoded into an array of its own (a spare one, or new: decoding writes every code, so it is not
                    // filled first), which is then held (no copy). Its size is what the budget counts.
                    var whole: [UInt8] = []
                    if spare != nil { swap(&whole, &spare!) } else {
                        whole = [UInt8](unsafeUninitializedCapacity: arrayCells) { $1 = arrayCells }
                    }
                    let size = whole.count
                    do {
                        try decode(block, &whole)
                        held = whole
                        state.withLock { s in
                            s.decoded += 1
                            s.bytes += whole.count - size
                            // No chunk waits for it any more (they finished meanwhile): freed, not kept as a spare,
                            // since this read still copies from it.
                            if s.remaining[key] > 0 { s.blocks[key] = .ready(whole) } else { s.blocks[key] = nil; s.bytes -= whole.count }
                        }
                    } catch {
                        // A cell outside this read may be what failed (an infinite value is refused): the read itself
                        // decides, as it did before blocks were shared.
                        state.withLock { s in s.blocks[key] = nil; s.bytes -= size }
                        try decode(part, &decoded)
                        held = decoded
                        origin = part
                    }
                }
                held.withUnsafeBufferPointer { source in
                    codes.withUnsafeMutableBufferPointer { target in
                        for r in part.row..<part.endRow {
                            let from = (r - origin.row) * origin.width + (part.column - origin.column)
                            let to = (r - window.row) * window.width + (part.column - window.column)
                            UnsafeMutableRawPointer(target.baseAddress! + to)
                                .copyMemory(from: source.baseAddress! + from, byteCount: part.width)
                        }
                    }
                }
            }
            // Only blocks other workers are decoding are left (they finish without waiting on anything): the first
            // is waited for, and its decoder wakes this worker as it finishes.
            if !waiting.isEmpty && waiting.count == pending.count { waiting[0].group?.wait() }
            pending = waiting
        }
    }

    /// The engine is done with population chunk `chunk`: its blocks lose one chunk to wait for, and those no
    /// chunk needs any more are let go.
    public func finished(_ chunk: GridWindow) {
        guard let blocks = HazardCodeBlocks.blockRange(of: chunk, hazard: hazardGrid, population: populationGrid,
                                                       blockWidth: blockWidth, blockHeight: blockHeight) else { return }
        state.withLock { s in
            for by in blocks.row..<blocks.endRow {
                for bx in blocks.column..<blocks.endColumn {
                    let key = by * across + bx
                    guard s.remaining[key] > 0 else { continue }
                    s.remaining[key] -= 1
                    // A block being decoded now is dropped by its decoder when it finds no chunk waiting.
                    if s.remaining[key] == 0, case .ready(let held)? = s.blocks[key] {
                        s.blocks[key] = nil
                        s.letGo(held)
                    }
                }
            }
        }
    }
}
