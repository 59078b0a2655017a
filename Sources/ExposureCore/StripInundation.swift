/// ``CoastalInundation`` by strips of rows, so a DEM never has to be in memory (see docs/methodology.md,
/// "Coastal inundation"):
///
/// 1. each strip's cells below the level are labelled into 8-connected components (``StripLabeler``), in
///    any order and on any thread; a component is *seeded* when it holds a seed cell of the strip;
/// 2. only the components touching the strip's first or last row (its *boundary* components) outlive the
///    strip: ``StripMerger`` takes the strips' summaries in order and joins, with union-find, the boundary
///    components that touch across each strip boundary (8 neighbours: the column and its two neighbours).
///    An interior component is flooded exactly when it is seeded, known as soon as its strip is labelled:
///    it adds to the counts and is forgotten. Memory grows with the number of components touching strip
///    boundaries, never with the number of cells;
/// 3. the strips are labelled again (identically: labelling is deterministic) and a cell is flooded when
///    its component is seeded (interior) or its boundary component's set contains a seed
///    (``StripConnectivity``).
///
/// The components of the strips' union are exactly the components of the whole grid, so the flooded cells
/// are those ``CoastalInundation/depths(elevation:width:height:level:seeds:)`` floods, whatever the strips.
public enum StripInundation {
    /// Depths for a grid in memory, by strips of `stripRows` rows (for tests: equal to
    /// ``CoastalInundation/depths(elevation:width:height:level:seeds:)`` for any `stripRows`), with the
    /// deepest depth as pass 1 finds it (before any depth is computed).
    public static func depths(elevation: [Double], width: Int, height: Int, level: Double, seeds: CoastalInundation.Seeds,
                              stripRows: Int) -> (depths: [Double], flooded: Int, deepest: Double) {
        precondition(elevation.count == width * height, "elevation must hold width x height cells")
        precondition(stripRows >= 1, "strips hold at least one row")
        let strips = StripLayout(height: height, rows: stripRows)
        var labeler = StripLabeler()
        var merger = StripMerger(width: width)
        func stripSeeds(_ s: Int) -> StripSeeds {
            let window = strips.rows(of: s)
            switch seeds {
            case .mask(let mask):
                return StripSeeds(mask: Array(mask[window.lowerBound * width..<window.upperBound * width]))
            case .edges(let edges):
                return StripSeeds(edges: edges, firstRow: window.lowerBound, rows: window.count, height: height)
            }
        }
        for s in 0..<strips.count {
            let rows = strips.rows(of: s)
            let cells = Array(elevation[rows.lowerBound * width..<rows.upperBound * width])
            labeler.label(cells, width: width, level: level, seeds: stripSeeds(s))
            merger.add(labeler.summary())
        }
        let connectivity = merger.finish()
        var depths = [Double](repeating: 0, count: elevation.count)
        for s in 0..<strips.count {
            let rows = strips.rows(of: s)
            let cells = Array(elevation[rows.lowerBound * width..<rows.upperBound * width])
            labeler.label(cells, width: width, level: level, seeds: stripSeeds(s))
            let strip: [Double] = labeler.depths(cells, level: level, strip: s, connectivity: connectivity)
            depths.replaceSubrange(rows.lowerBound * width..<rows.upperBound * width, with: strip)
        }
        return (depths, connectivity.flooded, connectivity.maxDepth(level: level))
    }
}

/// Rows `0..<height` cut into strips of `rows` rows (the last one shorter).
public struct StripLayout: Sendable {
    public let height: Int
    public let rowsPerStrip: Int

    public init(height: Int, rows: Int) {
        self.height = height
        rowsPerStrip = max(1, rows)
    }

    public var count: Int { (height + rowsPerStrip - 1) / rowsPerStrip }

    public func rows(of strip: Int) -> Range<Int> {
        strip * rowsPerStrip..<min(height, (strip + 1) * rowsPerStrip)
    }
}

/// The seed cells of one strip: a sea mask's (row-major over the strip), or the grid's edges that fall in it.
public struct StripSeeds: Sendable {
    public var mask: [Bool]?
    public var firstRow = false, lastRow = false, firstColumn = false, lastColumn = false

    public init(mask: [Bool]) { self.mask = mask }

    /// The edges of a grid of `height` rows seen from the strip of `rows` rows starting at row `firstRow`.
    public init(edges: Set<CoastalInundation.Edge>, firstRow: Int, rows: Int, height: Int) {
        mask = nil
        self.firstRow = edges.contains(.north) && firstRow == 0
        self.lastRow = edges.contains(.south) && firstRow + rows == height
        firstColumn = edges.contains(.west)
        lastColumn = edges.contains(.east)
    }
}

/// What outlives a labelled strip: its boundary components (sizes, lowest elevations, seeds) and, for its
/// first and last rows, which boundary component each cell belongs to (1-based, 0 where dry); the interior
/// components reduced to what they add to the counts.
public struct StripSummary: Sendable {
    public var width: Int
    public var firstRow: [UInt32]
    public var lastRow: [UInt32]
    public var sizes: [Int]
    public var lowest: [Double]
    public var seeded: [Bool]
    /// Cells of the seeded interior components, and their lowest elevation (+infinity when none).
    public var interiorFlooded: Int
    public var interiorLowest: Double
}

/// Labels the 8-connected components of a strip's cells below a level (NaN cells never are), with buffers
/// reused from strip to strip. The labels depend only on the strip's cells and the level.
public struct StripLabeler {
    public private(set) var width = 0
    public private(set) var rows = 0
    /// Component of each cell (1-based, row-major), 0 where the cell is not below the level.
    public private(set) var labels: [UInt32] = []
    /// Per component (index = label; entry 0 unused).
    public private(set) var sizes: [Int] = []
    public private(set) var lowest: [Double] = []
    public private(set) var seeded: [Bool] = []
    /// The 1-based boundary index of each component touching the strip's first or last row (numbered in order
    /// of first appearance along the first row, then the last row), 0 for interior components.
    public private(set) var boundary: [UInt32] = []
    public private(set) var boundaryCount = 0
    private var parent: [UInt32] = []
    private var final: [UInt32] = []

    public init() {}

    public var componentCount: Int { sizes.count - 1 }

    @inline(__always)
    private static func find(_ parent: inout [UInt32], _ label: UInt32) -> UInt32 { unionFindRoot(&parent, label) }

    @inline(__always)
    private static func union(_ parent: inout [UInt32], _ a: UInt32, _ b: UInt32) {
        let ra = find(&parent, a), rb = find(&parent, b)
        if ra < rb { parent[Int(rb)] = ra } else if rb < ra { parent[Int(ra)] = rb }
    }

    /// Labels `elevation` (row-major, `width` columns, a whole number of rows).
    public mutating func label(_ elevation: [Double], width: Int, level: Double, seeds: StripSeeds) {
        precondition(width > 0 && elevation.count % width == 0, "a strip holds whole rows")
        self.width = width
        rows = elevation.count / width
        let n = elevation.count
        if labels.count < n { labels = [UInt32](repeating: 0, count: n) }
        parent.removeAll(keepingCapacity: true)
        parent.append(0)
        // First pass: provisional labels, joined where 8-neighbours meet (the neighbours already visited are
        // west, north-west, north and north-east; when north is set, the other three already belong to it).
        let rows = self.rows
        labels.withUnsafeMutableBufferPointer { labels in
            elevation.withUnsafeBufferPointer { e in
                for r in 0..<rows {
                    let rowStart = r * width
                    for c in 0..<width {
                        let i = rowStart + c
                        guard e[i] < level else { labels[i] = 0; continue }
                        var l: UInt32 = 0
                        if r > 0, labels[i - width] != 0 {
                            l = labels[i - width]
                        } else {
                            if c > 0 {
                                if labels[i - 1] != 0 { l = labels[i - 1] } else if r > 0, labels[i - width - 1] != 0 { l = labels[i - width - 1] }
                            }
                            if r > 0, c + 1 < width, labels[i - width + 1] != 0 {
                                if l == 0 { l = labels[i - width + 1] } else if l != labels[i - width + 1] { Self.union(&parent, l, labels[i - width + 1]) }
                            }
                        }
                        if l == 0 {
                            l = UInt32(parent.count)
                            parent.append(l)
                        }
                        labels[i] = l
                    }
                }
            }
        }
        // Second pass: final labels numbered in scan order of first appearance, and each component's figures.
        final = [UInt32](repeating: 0, count: parent.count)
        sizes.removeAll(keepingCapacity: true)
        lowest.removeAll(keepingCapacity: true)
        seeded.removeAll(keepingCapacity: true)
        sizes.append(0)
        lowest.append(.infinity)
        seeded.append(false)
        elevation.withUnsafeBufferPointer { e in
            for i in 0..<n where labels[i] != 0 {
                let root = Int(Self.find(&parent, labels[i]))
                if final[root] == 0 {
                    final[root] = UInt32(sizes.count)
                    sizes.append(0)
                    lowest.append(.infinity)
                    seeded.append(false)
                }
                let l = final[root]
                labels[i] = l
                sizes[Int(l)] += 1
                if e[i] < lowest[Int(l)] { lowest[Int(l)] = e[i] }
            }
        }
        // Seeds.
        if let mask = seeds.mask {
            precondition(mask.count == n, "the strip's sea mask must cover the strip")
            for i in 0..<n where mask[i] && labels[i] != 0 { seeded[Int(labels[i])] = true }
        }
        if seeds.firstRow { for c in 0..<width where labels[c] != 0 { seeded[Int(labels[c])] = true } }
        if seeds.lastRow { for c in (rows - 1) * width..<n where labels[c] != 0 { seeded[Int(labels[c])] = true } }
        if seeds.firstColumn { for r in 0..<rows where labels[r * width] != 0 { seeded[Int(labels[r * width])] = true } }
        if seeds.lastColumn {
            for r in 0..<rows where labels[r * width + width - 1] != 0 { seeded[Int(labels[r * width + width - 1])] = true }
        }
        // Boundary components.
        boundary = [UInt32](repeating: 0, count: sizes.count)
        boundaryCount = 0
        for i in Array(0..<width) + Array((rows - 1) * width..<n) where labels[i] != 0 && boundary[Int(labels[i])] == 0 {
            boundaryCount += 1
            boundary[Int(labels[i])] = UInt32(boundaryCount)
        }
    }

    /// What the merge needs of the strip just labelled.
    public func summary() -> StripSummary {
        var summary = StripSummary(width: width, firstRow: [UInt32](repeating: 0, count: width), lastRow: [UInt32](repeating: 0, count: width),
                                   sizes: [Int](repeating: 0, count: boundaryCount), lowest: [Double](repeating: .infinity, count: boundaryCount),
                                   seeded: [Bool](repeating: false, count: boundaryCount), interiorFlooded: 0, interiorLowest: .infinity)
        for l in 1..<sizes.count {
            let b = Int(boundary[l])
            if b > 0 {
                summary.sizes[b - 1] = sizes[l]
                summary.lowest[b - 1] = lowest[l]
                summary.seeded[b - 1] = seeded[l]
            } else if seeded[l] {
                summary.interiorFlooded += sizes[l]
                summary.interiorLowest = min(summary.interiorLowest, lowest[l])
            }
        }
        let last = (rows - 1) * width
        for c in 0..<width {
            summary.firstRow[c] = boundary[Int(labels[c])]
            summary.lastRow[c] = boundary[Int(labels[last + c])]
        }
        return summary
    }

    /// Whether each component of the strip just labelled (strip number `strip` of the layout the
    /// connectivity was merged on) is flooded.
    private func flooded(strip: Int, connectivity: StripConnectivity) -> [Bool] {
        let base = connectivity.bases[strip]
        var wet = [Bool](repeating: false, count: sizes.count)
        for l in 1..<sizes.count {
            let b = Int(boundary[l])
            wet[l] = b > 0 ? connectivity.wet[base + b - 1] : seeded[l]
        }
        return wet
    }

    /// The depth of every cell of the strip just labelled: `level - elevation` where flooded, 0 where dry,
    /// `noData` where the elevation is NaN.
    public func depths(_ elevation: [Double], level: Double, strip: Int, connectivity: StripConnectivity, noData: Float) -> [Float] {
        let wet = flooded(strip: strip, connectivity: connectivity)
        var out = [Float](repeating: 0, count: elevation.count)
        out.withUnsafeMutableBufferPointer { out in
            elevation.withUnsafeBufferPointer { e in
                labels.withUnsafeBufferPointer { labels in
                    wet.withUnsafeBufferPointer { wet in
                        for i in 0..<e.count {
                            if e[i].isNaN {
                                out[i] = noData
                            } else if wet[Int(labels[i])] {
                                out[i] = Float(level - e[i])
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The same in Doubles (NaN where the elevation is), as ``CoastalInundation`` gives them.
    public func depths(_ elevation: [Double], level: Double, strip: Int, connectivity: StripConnectivity) -> [Double] {
        let wet = flooded(strip: strip, connectivity: connectivity)
        return elevation.indices.map { i in
            elevation[i].isNaN ? .nan : wet[Int(labels[i])] ? level - elevation[i] : 0
        }
    }
}

/// Joins strips' boundary components in order (union-find over every boundary component of every strip).
public struct StripMerger {
    public let width: Int
    private var parent: [UInt32] = []
    private var sizes: [Int] = []
    private var lowest: [Double] = []
    private var seeded: [Bool] = []
    private var bases: [Int] = []
    /// The previous strip's last row: global boundary index + 1, 0 where dry.
    private var previousLastRow: [UInt32]?
    private var interiorFlooded = 0
    private var interiorLowest = Double.infinity

    public init(width: Int) { self.width = width }

    private mutating func find(_ index: UInt32) -> UInt32 { unionFindRoot(&parent, index) }

    private mutating func union(_ a: UInt32, _ b: UInt32) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if rb < ra { swap(&ra, &rb) }
        parent[Int(rb)] = ra
        sizes[Int(ra)] += sizes[Int(rb)]
        lowest[Int(ra)] = min(lowest[Int(ra)], lowest[Int(rb)])
        seeded[Int(ra)] = seeded[Int(ra)] || seeded[Int(rb)]
    }

    /// Adds the next strip (strips come in order, top to bottom).
    public mutating func add(_ strip: StripSummary) {
        precondition(strip.width == width, "strips of one grid have its width")
        let base = parent.count
        precondition(base + strip.sizes.count < Int(UInt32.max), "too many components cross strip boundaries")
        bases.append(base)
        for b in strip.sizes.indices { parent.append(UInt32(base + b)) }
        sizes += strip.sizes
        lowest += strip.lowest
        seeded += strip.seeded
        interiorFlooded += strip.interiorFlooded
        interiorLowest = min(interiorLowest, strip.interiorLowest)
        if let above = previousLastRow {
            for c in 0..<width where above[c] != 0 {
                let a = above[c] - 1
                for d in max(0, c - 1)...min(width - 1, c + 1) where strip.firstRow[d] != 0 {
                    union(a, UInt32(base) + strip.firstRow[d] - 1)
                }
            }
        }
        previousLastRow = strip.lastRow.map { $0 == 0 ? 0 : UInt32(base) + $0 }
    }

    /// The flooded boundary components, with the counts.
    public mutating func finish() -> StripConnectivity {
        var wet = [Bool](repeating: false, count: parent.count)
        var flooded = interiorFlooded, lowestFlooded = interiorLowest
        for i in 0..<parent.count {
            let root = Int(find(UInt32(i)))
            wet[i] = seeded[root]
            if root == i, seeded[i] {
                flooded += sizes[i]
                lowestFlooded = min(lowestFlooded, lowest[i])
            }
        }
        return StripConnectivity(wet: wet, bases: bases, flooded: flooded, lowestFlooded: lowestFlooded)
    }

    /// Boundary components held so far (what the merge's memory grows with).
    public var boundaryComponents: Int { parent.count }
}

/// Which boundary components are flooded, for the second pass.
public struct StripConnectivity: Sendable {
    /// Per boundary component of every strip (strip `s`'s component `b`, 1-based, is `wet[bases[s] + b - 1]`).
    public let wet: [Bool]
    public let bases: [Int]
    /// Flooded cells over the whole grid.
    public let flooded: Int
    /// The lowest elevation of a flooded cell (+infinity when none): the deepest depth is `level - lowestFlooded`.
    public let lowestFlooded: Double

    /// The deepest depth, 0 when nothing is flooded (as the in-memory fill reports it).
    public func maxDepth(level: Double) -> Double {
        lowestFlooded.isFinite ? max(0, level - lowestFlooded) : 0
    }
}

/// The root of `label` in a union-find forest (`parent[root] == root`), compressing the path on the way: the
/// strip labeller's and the merger's find.
@inline(__always)
private func unionFindRoot(_ parent: inout [UInt32], _ label: UInt32) -> UInt32 {
    var root = label
    while parent[Int(root)] != root { root = parent[Int(root)] }
    var l = label
    while parent[Int(l)] != root {
        let up = parent[Int(l)]
        parent[Int(l)] = root
        l = up
    }
    return root
}
