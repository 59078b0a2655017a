/// The two plain values the GDAL wrapper and the engine share, so that neither converts to the other's:
/// a window of cells and a point in map coordinates.

/// A point in map coordinates of some CRS (x = easting or longitude).
public struct MapPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle of cells of a grid.
public struct GridWindow: Hashable, Sendable, CustomStringConvertible {
    public var column: Int, row: Int, width: Int, height: Int

    public init(column: Int, row: Int, width: Int, height: Int) {
        self.column = column
        self.row = row
        self.width = width
        self.height = height
    }

    public var cellCount: Int { width * height }
    public var endColumn: Int { column + width }
    public var endRow: Int { row + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "window(col \(column), row \(row), \(width)x\(height))" }

    /// The overlap of two windows (possibly empty).
    public func intersection(_ other: GridWindow) -> GridWindow {
        let c0 = max(column, other.column), r0 = max(row, other.row)
        let c1 = min(endColumn, other.endColumn), r1 = min(endRow, other.endRow)
        return GridWindow(column: c0, row: r0, width: max(0, c1 - c0), height: max(0, r1 - r0))
    }
}
