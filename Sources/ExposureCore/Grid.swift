/// A raster grid: size in cells and its georeference.
public struct Grid: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var transform: GeoTransform

    public init(width: Int, height: Int, transform: GeoTransform) {
        self.width = width
        self.height = height
        self.transform = transform
    }

    public var cellCount: Int { width * height }

    /// Map bounds of the whole grid.
    public var bounds: Bounds {
        let (minX, maxY) = transform.mapPoint(column: 0, row: 0)
        let (maxX, minY) = transform.mapPoint(column: Double(width), row: Double(height))
        return Bounds(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// Map coordinates of a cell's centre.
    @inline(__always)
    public func cellCentre(column: Int, row: Int) -> (x: Double, y: Double) {
        transform.mapPoint(column: Double(column) + 0.5, row: Double(row) + 0.5)
    }

    public var fullWindow: GridWindow { GridWindow(column: 0, row: 0, width: width, height: height) }
}

/// An axis-aligned rectangle in map units.
public struct Bounds: Hashable, Sendable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public func intersects(_ other: Bounds) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }
}

/// A rectangle of cells of a grid.
public struct GridWindow: Hashable, Sendable {
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

    /// The overlap of two windows (possibly empty).
    public func intersection(_ other: GridWindow) -> GridWindow {
        let c0 = max(column, other.column), r0 = max(row, other.row)
        let c1 = min(endColumn, other.endColumn), r1 = min(endRow, other.endRow)
        return GridWindow(column: c0, row: r0, width: max(0, c1 - c0), height: max(0, r1 - r0))
    }
}
