import CGDAL

/// One band of a raster dataset. Keeps its dataset open for as long as it lives.
public final class RasterBand {
    public let dataset: Dataset
    public let index: Int
    let handle: GDALRasterBandH

    init(dataset: Dataset, handle: GDALRasterBandH, index: Int) {
        self.dataset = dataset
        self.handle = handle
        self.index = index
    }

    private var path: String { dataset.path }

    private func liveHandle() throws -> GDALRasterBandH {
        guard dataset.isOpen else { throw GDALError(path: path, message: "band \(index) used after its dataset was closed") }
        return handle
    }

    public var width: Int { Int(GDALGetRasterBandXSize(handle)) }
    public var height: Int { Int(GDALGetRasterBandYSize(handle)) }
    public var dataType: RasterDataType { RasterDataType(GDALGetRasterDataType(handle)) }

    /// The native block size, the unit GDAL reads and caches.
    public var blockSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    public var noDataValue: Double? {
        var has: Int32 = 0
        let value = GDALGetRasterNoDataValue(handle, &has)
        return has != 0 ? value : nil
    }

    public func setNoDataValue(_ value: Double?) throws {
        let h = try liveHandle()
        if let value {
            try GDALCall.cpl(path, "set nodata") { GDALSetRasterNoDataValue(h, value) }
        } else {
            try GDALCall.cpl(path, "delete nodata") { GDALDeleteRasterNoDataValue(h) }
        }
    }

    /// The declared scale (physical = raw x scale + offset), nil when the file declares none.
    public var scale: Double? {
        var has: Int32 = 0
        let value = GDALGetRasterScale(handle, &has)
        return has != 0 && value != 1 ? value : nil
    }

    public var offset: Double? {
        var has: Int32 = 0
        let value = GDALGetRasterOffset(handle, &has)
        return has != 0 && value != 0 ? value : nil
    }

    public func setScaleAndOffset(scale: Double, offset: Double) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "set scale") { GDALSetRasterScale(h, scale) }
        try GDALCall.cpl(path, "set offset") { GDALSetRasterOffset(h, offset) }
    }

    public var bandDescription: String {
        String(cString: GDALGetDescription(handle))
    }

    public func setDescription(_ text: String) {
        GDALSetDescription(handle, text)
    }

    public var unitType: String {
        String(cString: GDALGetRasterUnitType(handle))
    }

    public func setUnitType(_ unit: String) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "set unit") { GDALSetRasterUnitType(h, unit) }
    }

    private func checkWindow(_ window: RasterWindow) throws {
        guard window.width > 0, window.height > 0, window.column >= 0, window.row >= 0,
              window.column + window.width <= width, window.row + window.height <= height
        else {
            throw GDALError(path: path, message: "\(window) is outside band \(index) (\(width)x\(height))")
        }
    }

    /// Reads `window` into `buffer` (row-major, `window.cellCount` elements), GDAL converting the type.
    public func read<T: RasterElement>(_ window: RasterWindow, into buffer: UnsafeMutableBufferPointer<T>) throws {
        let h = try liveHandle()
        try checkWindow(window)
        guard buffer.count >= window.cellCount, let base = buffer.baseAddress else {
            throw GDALError(path: path, message: "buffer of \(buffer.count) too small for \(window)")
        }
        try GDALCall.cpl(path, "read \(window) of band \(index)") {
            GDALRasterIO(h, GF_Read, Int32(window.column), Int32(window.row), Int32(window.width), Int32(window.height),
                         base, Int32(window.width), Int32(window.height), T.rasterDataType.gdalType, 0, 0)
        }
    }

    /// Reads `window` into a new array.
    public func read<T: RasterElement>(_ window: RasterWindow, as type: T.Type = T.self) throws -> [T] {
        var values = [T](repeating: 0, count: window.cellCount)
        try values.withUnsafeMutableBufferPointer { try read(window, into: $0) }
        return values
    }

    /// Reads the whole band.
    public func readAll<T: RasterElement>(as type: T.Type = T.self) throws -> [T] {
        try read(RasterWindow(column: 0, row: 0, width: width, height: height), as: type)
    }

    /// Writes `values` (row-major, `window.cellCount` of them) into `window`.
    public func write<T: RasterElement>(_ window: RasterWindow, values: [T]) throws {
        let h = try liveHandle()
        try checkWindow(window)
        guard values.count >= window.cellCount else {
            throw GDALError(path: path, message: "\(values.count) values given for \(window)")
        }
        try values.withUnsafeBytes { bytes in
            try GDALCall.cpl(path, "write \(window) of band \(index)") {
                GDALRasterIO(h, GF_Write, Int32(window.column), Int32(window.row), Int32(window.width), Int32(window.height),
                             UnsafeMutableRawPointer(mutating: bytes.baseAddress), Int32(window.width), Int32(window.height), T.rasterDataType.gdalType, 0, 0)
            }
        }
    }
}
