/// A polygon: exterior ring first, then holes. Rings may be open or closed.
public typealias PolygonRings = [[MapPoint]]

/// A region's polygons (already in the working grid's CRS) prepared for exact coverage on that grid:
/// its boundary as edges in grid coordinates (column, row as fractional numbers), each ring oriented so
/// that exteriors add and holes subtract.
public struct RegionShape: Sendable {
    struct Edge: Sendable {
        var u0, v0, u1, v1: Double
    }

    let edges: [Edge]
    /// The cells the region touches, clipped to the grid; empty when the region lies outside it.
    public let cellWindow: GridWindow

    public init(polygons: [PolygonRings], grid: Grid) {
        var edges: [Edge] = []
        var uMin = Double.infinity, vMin = Double.infinity, uMax = -Double.infinity, vMax = -Double.infinity
        for polygon in polygons {
            for (ringIndex, ring) in polygon.enumerated() {
                var points = ring.map { grid.transform.gridPosition(x: $0.x, y: $0.y) }
                if let first = points.first, let last = points.last, first != last { points.append(first) }
                guard points.count >= 4 else { continue }
                // Signed area in grid coordinates: positive for the orientation this algorithm adds.
                var signedArea = 0.0
                for i in 0..<(points.count - 1) {
                    signedArea += (points[i].row + points[i + 1].row) / 2 * (points[i].column - points[i + 1].column)
                }
                if signedArea == 0 { continue }
                let isExterior = ringIndex == 0
                if (signedArea > 0) != isExterior { points.reverse() }
                for i in 0..<(points.count - 1) {
                    let a = points[i], b = points[i + 1]
                    if a == b { continue }
                    edges.append(Edge(u0: a.column, v0: a.row, u1: b.column, v1: b.row))
                    uMin = min(uMin, a.column); uMax = max(uMax, a.column)
                    vMin = min(vMin, a.row); vMax = max(vMax, a.row)
                }
            }
        }
        self.edges = edges
        if edges.isEmpty {
            cellWindow = GridWindow(column: 0, row: 0, width: 0, height: 0)
            return
        }
        let c0 = Int(max(0, min(Double(grid.width), uMin.rounded(.down))))
        let c1 = Int(max(0, min(Double(grid.width), uMax.rounded(.up))))
        let r0 = Int(max(0, min(Double(grid.height), vMin.rounded(.down))))
        let r1 = Int(max(0, min(Double(grid.height), vMax.rounded(.up))))
        cellWindow = GridWindow(column: c0, row: r0, width: c1 - c0, height: r1 - r0)
    }

    public var isEmpty: Bool { edges.isEmpty }
}
