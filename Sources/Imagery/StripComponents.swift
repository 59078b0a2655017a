/// ``ConnectedRegions/removeSmall(_:width:height:minimum:)`` strip by strip, in memory bounded by a strip:
/// the same groups (8 neighbours) and the same pixels cleared.
///
/// Two passes over the same mask, cut into the same strips of whole rows, top to bottom:
/// 1. Every strip is labelled on its own (``StripLabelling``, on any thread); only its *crossing pieces*, the
///    groups of the strip with a set pixel next to one in the strip above or below, are kept, as their sizes
///    and their labels along the strip's first and last rows (``StripPieces``). ``ComponentMerger`` takes the
///    strips in order and joins crossing pieces that touch across each boundary (union-find), adding up sizes.
///    ``ComponentMerger/finish()`` then knows, for every crossing piece, whether its whole group is kept.
/// 2. Every strip is labelled again, identically, and ``ComponentFilter`` clears the groups under the minimum:
///    a piece inside its strip by its own size, a crossing piece by its group's decision.
///
/// To see which pieces cross, a strip is labelled with one more row of the mask above and below it (where the
/// image has them). Memory: the strips being labelled, plus 16 bytes per crossing piece during the first pass
/// and 1 byte per crossing piece after it. A boundary has at most one crossing piece per two pixels of each of
/// its two rows, so at most `16 x width x (strips - 1)` bytes; flood masks have far fewer (a few per group
/// that really crosses a boundary).
public enum StripLabelling {
    /// Labels of the set pixels (value 1) of rows `rows` of a mask block holding rows `blockRows` (`rows` plus at
    /// most one row above and one below, which are looked at but not labelled).
    public struct Result {
        /// One per pixel of `rows`, row-major: the pixel's piece, or -1.
        public var labels: [Int32] = []
        /// Pixels per piece, by label.
        public var sizes: [Int] = []
        /// Per piece: its rank among the strip's crossing pieces (in label order), or -1 when it stays inside.
        public var crossing: [Int32] = []
        public var crossingCount = 0
        var stack: [Int32] = []

        public init() {}
    }

    /// Labels in raster order (a piece's label is the order of its first pixel); the same strip always gets
    /// the same labels.
    public static func label(_ block: UnsafeBufferPointer<UInt8>, width: Int, rows: Range<Int>, blockRows: Range<Int>,
                             into result: inout Result) {
        precondition(blockRows.lowerBound <= rows.lowerBound && blockRows.upperBound >= rows.upperBound
                     && rows.lowerBound - blockRows.lowerBound <= 1 && blockRows.upperBound - rows.upperBound <= 1,
                     "a strip is labelled with at most one row of halo on each side")
        precondition(block.count >= blockRows.count * width, "the block is shorter than its rows")
        let height = rows.count, n = height * width
        let offset = (rows.lowerBound - blockRows.lowerBound) * width
        result.labels.removeAll(keepingCapacity: true)
        result.labels.append(contentsOf: repeatElement(-1, count: n))
        result.sizes.removeAll(keepingCapacity: true)
        result.crossing.removeAll(keepingCapacity: true)
        result.crossingCount = 0
        let hasAbove = blockRows.lowerBound < rows.lowerBound, hasBelow = blockRows.upperBound > rows.upperBound
        result.labels.withUnsafeMutableBufferPointer { labels in
            for start in 0..<n where block[offset + start] == 1 && labels[start] < 0 {
                let label = Int32(result.sizes.count)
                var size = 0
                var crosses = false
                labels[start] = label
                result.stack.append(Int32(start))
                while let top = result.stack.popLast() {
                    let i = Int(top)
                    size += 1
                    let r = i / width, c = i % width
                    let left = max(0, c - 1), right = min(width - 1, c + 1)
                    if !crosses && r == 0 && hasAbove {
                        for cc in left...right where block[offset - width + cc] == 1 { crosses = true }
                    }
                    if !crosses && r == height - 1 && hasBelow {
                        for cc in left...right where block[offset + n + cc] == 1 { crosses = true }
                    }
                    for rr in max(0, r - 1)...min(height - 1, r + 1) {
                        for cc in left...right {
                            let j = rr * width + cc
                            if labels[j] < 0 && block[offset + j] == 1 {
                                labels[j] = label
                                result.stack.append(Int32(j))
                            }
                        }
                    }
                }
                result.sizes.append(size)
                if crosses {
                    result.crossing.append(Int32(result.crossingCount))
                    result.crossingCount += 1
                } else {
                    result.crossing.append(-1)
                }
            }
        }
    }

    /// The rows a strip is labelled with: one more above and below, where the image has them.
    public static func blockRows(_ rows: Range<Int>, height: Int) -> Range<Int> {
        max(0, rows.lowerBound - 1)..<min(height, rows.upperBound + 1)
    }
}

/// What the first pass keeps of a strip: its crossing pieces.
public struct StripPieces: Sendable {
    public let rows: Range<Int>
    /// Pixels of each crossing piece (in the strip), by rank.
    public let sizes: [Int]
    /// The crossing piece (rank) of each pixel of the strip's first row and of its last row, -1 for none.
    public let top: [Int32]
    public let bottom: [Int32]

    public init(rows: Range<Int>, width: Int, labelling: StripLabelling.Result) {
        self.rows = rows
        var sizes = [Int](repeating: 0, count: labelling.crossingCount)
        for (label, rank) in labelling.crossing.enumerated() where rank >= 0 { sizes[Int(rank)] = labelling.sizes[label] }
        self.sizes = sizes
        func ranks(_ row: Int) -> [Int32] {
            (0..<width).map { c in
                let label = labelling.labels[row * width + c]
                return label < 0 ? -1 : labelling.crossing[Int(label)]
            }
        }
        top = ranks(0)
        bottom = ranks(rows.count - 1)
    }
}

/// Joins the crossing pieces of strips given in order, top to bottom (first pass).
public struct ComponentMerger {
    public let width: Int
    public let height: Int
    public let minimum: Int
    private var parent: [Int] = []
    private var size: [Int] = []
    private var offsets: [Int: Int] = [:]
    private var strips: [Range<Int>] = []
    private var previous: (offset: Int, bottom: [Int32])?

    public init(width: Int, height: Int, minimum: Int) {
        self.width = width
        self.height = height
        self.minimum = minimum
    }

    /// The crossing pieces held so far (16 bytes each until ``finish()``).
    public var pieceCount: Int { parent.count }

    public mutating func add(_ strip: StripPieces) {
        precondition(strip.rows.lowerBound == (strips.last?.upperBound ?? 0), "strips are merged in order, top to bottom")
        let offset = parent.count
        for (rank, pieceSize) in strip.sizes.enumerated() {
            parent.append(offset + rank)
            size.append(pieceSize)
        }
        if let previous {
            for c in 0..<width where strip.top[c] >= 0 {
                for cc in max(0, c - 1)...min(width - 1, c + 1) where previous.bottom[cc] >= 0 {
                    union(previous.offset + Int(previous.bottom[cc]), offset + Int(strip.top[c]))
                }
            }
        }
        offsets[strip.rows.lowerBound] = offset
        strips.append(strip.rows)
        previous = (offset, strip.bottom)
    }

    private mutating func find(_ i: Int) -> Int {
        var i = i
        while parent[i] != i {
            parent[i] = parent[parent[i]]
            i = parent[i]
        }
        return i
    }

    private mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra == rb { return }
        let (root, child) = size[ra] >= size[rb] ? (ra, rb) : (rb, ra)
        parent[child] = root
        size[root] += size[child]
    }

    /// Whether each crossing piece's group is kept, for the second pass. Every strip must have been added.
    public mutating func finish() -> ComponentFilter {
        precondition(strips.last?.upperBound ?? 0 == height, "every strip is merged before the filter")
        var keep = [Bool](repeating: false, count: parent.count)
        for i in keep.indices { keep[i] = size[find(i)] >= minimum }
        parent = []
        size = []
        return ComponentFilter(height: height, minimum: minimum, keep: keep, offsets: offsets)
    }
}

/// Clears, strip by strip, the groups of fewer than `minimum` pixels (second pass).
public struct ComponentFilter: Sendable {
    public let height: Int
    public let minimum: Int
    let keep: [Bool]
    let offsets: [Int: Int]

    /// Clears the small groups' pixels of rows `rows` of `block` (a mask block holding rows `blockRows`, as in the
    /// first pass) and returns rows `rows` of the mask and the count of pixels cleared.
    public func filter(_ block: [UInt8], width: Int, rows: Range<Int>, blockRows: Range<Int>,
                       labelling: inout StripLabelling.Result) -> (mask: [UInt8], cleared: Int) {
        guard let offset = offsets[rows.lowerBound] else {
            preconditionFailure("rows \(rows) are not a strip of the first pass")
        }
        block.withUnsafeBufferPointer { StripLabelling.label($0, width: width, rows: rows, blockRows: blockRows, into: &labelling) }
        let start = (rows.lowerBound - blockRows.lowerBound) * width
        var mask = Array(block[start..<(start + rows.count * width)])
        let kept: [Bool] = labelling.sizes.indices.map { label in
            let rank = labelling.crossing[label]
            return rank >= 0 ? keep[offset + Int(rank)] : labelling.sizes[label] >= minimum
        }
        var cleared = 0
        for i in mask.indices {
            let label = labelling.labels[i]
            if label >= 0 && !kept[Int(label)] {
                mask[i] = 0
                cleared += 1
            }
        }
        return (mask, cleared)
    }
}
