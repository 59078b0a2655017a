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
