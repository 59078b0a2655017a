/// Coastal flooding from a DEM ("bathtub" with connectivity): a cell is flooded when its elevation is below
/// the water level and it is connected to the sea through flooded cells (8 neighbours). Depth is
/// `level - elevation` there and 0 elsewhere; an inland depression below the level but cut off from the
/// sea stays dry.
public enum CoastalInundation {
    /// Which cells are the sea's starting points.
    public enum Seeds: Sendable, Equatable {
        /// Cells flagged true (e.g. from a sea mask).
        case mask([Bool])
        /// Cells on these edges of the grid ("north", "south", "east", "west").
        case edges(Set<Edge>)
    }

    public enum Edge: String, Sendable, CaseIterable {
        case north, south, east, west
    }

    /// - Parameters:
    ///   - elevation: row-major, `width x height`; NaN where the DEM has no data (never flooded).
    ///   - level: the water level, in the DEM's units and datum.
    /// - Returns: the depth of every cell (0 where dry, NaN where the DEM has no data), and the number of
    ///   flooded cells.
    public static func depths(elevation: [Double], width: Int, height: Int, level: Double, seeds: Seeds) -> (depths: [Double], flooded: Int) {
        precondition(elevation.count == width * height, "elevation must hold width x height cells")
        var wet = [Bool](repeating: false, count: elevation.count)
        var queue: [Int] = []
        queue.reserveCapacity(1024)
        func seed(_ i: Int) {
            if !wet[i], elevation[i] < level {
                wet[i] = true
                queue.append(i)
            }
        }
        switch seeds {
        case .mask(let mask):
            precondition(mask.count == elevation.count, "the sea mask must cover the DEM grid")
            for i in mask.indices where mask[i] { seed(i) }
        case .edges(let edges):
            if edges.contains(.north) { for c in 0..<width { seed(c) } }
            if edges.contains(.south) { for c in 0..<width { seed((height - 1) * width + c) } }
            if edges.contains(.west) { for r in 0..<height { seed(r * width) } }
            if edges.contains(.east) { for r in 0..<height { seed(r * width + width - 1) } }
        }
        var head = 0
        while head < queue.count {
            let i = queue[head]
            head += 1
            forEachNeighbour8(of: i, width: width, height: height) { seed($0) }
        }
        var depths = [Double](repeating: 0, count: elevation.count)
        for i in elevation.indices {
            if elevation[i].isNaN { depths[i] = .nan } else if wet[i] { depths[i] = level - elevation[i] }
        }
        return (depths, queue.count)
    }
}
