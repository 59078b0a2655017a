/// A north-up affine georeference: the map coordinates of the top-left corner of the top-left cell and the
/// size of a cell. Columns grow eastward (x), rows grow southward (y decreases).
public struct GeoTransform: Hashable, Sendable {
    public var originX: Double
    public var originY: Double
    /// Cell width in map units (> 0).
    public var cellWidth: Double
    /// Cell height in map units (> 0); map y decreases by this much per row.
    public var cellHeight: Double

    public init(originX: Double, originY: Double, cellWidth: Double, cellHeight: Double) {
        self.originX = originX
        self.originY = originY
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
    }

    /// From GDAL's six coefficients; rotated or sheared grids are refused (warp them first).
    /// A south-up grid (positive cell height) is refused too.
    public init(coefficients c: [Double], path: String? = nil) throws {
        guard c.count == 6 else { throw ExposureError("a geotransform needs 6 coefficients", path: path) }
        guard c.allSatisfy(\.isFinite) else {
            throw ExposureError("the georeference is broken (geotransform \(c) holds a non-finite number)", path: path)
        }
        guard c[2] == 0, c[4] == 0 else {
            throw ExposureError("the raster is rotated or sheared (geotransform \(c)); warp it to a north-up grid first, e.g. gdalwarp in.tif out.tif", path: path)
        }
        guard c[1] > 0, c[5] < 0 else {
            throw ExposureError("the raster is not north-up (cell size \(c[1]) x \(c[5])); warp it to a north-up grid first", path: path)
        }
        self.init(originX: c[0], originY: c[3], cellWidth: c[1], cellHeight: -c[5])
    }

    /// GDAL's six coefficients.
    public var coefficients: [Double] { [originX, cellWidth, 0, originY, 0, -cellHeight] }

    public var cellArea: Double { cellWidth * cellHeight }

    /// Fractional grid position (column, row) of a map point: cell (c, r) spans [c, c+1) x [r, r+1).
    @inline(__always)
    public func gridPosition(x: Double, y: Double) -> (column: Double, row: Double) {
        ((x - originX) / cellWidth, (originY - y) / cellHeight)
    }

    /// Map coordinates of a fractional grid position.
    @inline(__always)
    public func mapPoint(column: Double, row: Double) -> (x: Double, y: Double) {
        (originX + column * cellWidth, originY - row * cellHeight)
    }
}
