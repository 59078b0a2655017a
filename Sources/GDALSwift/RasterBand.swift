import CGDAL

/// A band's nodata value in the band's own type: 64-bit integer bands keep theirs exactly (a Double cannot
/// hold every Int64 or UInt64, e.g. 2^64 - 1).
public enum NoDataValue: Sendable, Equatable, CustomStringConvertible {
    case real(Double)
    case int64(Int64)
    case uint64(UInt64)

    /// The value as a Double (rounded for 64-bit integers beyond 2^53).
    public var doubleValue: Double {
        switch self {
        case .real(let v): v
        case .int64(let v): Double(v)
        case .uint64(let v): Double(v)
        }
    }

    public var description: String {
        switch self {
        case .real(let v): String(v)
        case .int64(let v): String(v)
        case .uint64(let v): String(v)
        }
    }
}

/// What a band's mask band is (GDAL's `GMF_*` flags, RFC 15).
public struct MaskFlags: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// No mask: every cell is valid.
    public static let allValid = MaskFlags(rawValue: GMF_ALL_VALID)
    /// The mask is shared by all bands of the dataset (a TIFF internal or `.msk` mask, an alpha band).
    public static let perDataset = MaskFlags(rawValue: GMF_PER_DATASET)
    /// The mask is an alpha band (0 transparent).
    public static let alpha = MaskFlags(rawValue: GMF_ALPHA)
    /// The mask is derived from the nodata value(s).
    public static let noData = MaskFlags(rawValue: GMF_NODATA)

    /// Whether the mask says more than the band's own nodata value: a real mask band (per band or per
    /// dataset), an alpha band, or nodata values declared for the dataset as a whole. Without one the mask
    /// need not be read (all valid, or exactly what the nodata value says).
    public var isStoredMask: Bool {
        if contains(.allValid) { return false }
        if contains(.noData) { return contains(.perDataset) }
        return true
    }

    public var description: String {
        if contains(.allValid) { return "none (all cells valid)" }
        if contains(.noData) { return contains(.perDataset) ? "nodata values of the dataset" : "nodata value" }
        if contains(.alpha) { return "alpha band (0 transparent)" }
        if contains(.perDataset) { return "mask of the dataset (0 masked)" }
        return "mask band (0 masked)"
    }
}

/// Where a band's validity mask is read from (see ``RasterBand/validitySource()``).
public enum MaskSource: Sendable, Equatable, CustomStringConvertible {
    /// GDAL's mask band (GDALGetMaskBand), with its flags.
    case maskBand(MaskFlags)
    /// The dataset's band of this index, an alpha band GDAL's default mask does not see.
    case alphaBand(Int)

    public var description: String {
        switch self {
        case .maskBand(let flags): flags.description
        case .alphaBand(let index): "alpha band \(index) (0 transparent)"
        }
    }
}

/// One band of a raster dataset. Keeps its dataset open for as long as it lives; every call checks that the
/// dataset has not been closed since (a closed dataset's band handles are freed).
public final class RasterBand {
    public let dataset: Dataset
    public let index: Int
    let handle: GDALRasterBandH
    /// "band 2", or "mask of band 2", for messages.
    let label: String
    /// Fixed when the band is opened, so read without touching the handle.
    public let width: Int
    public let height: Int
    public let dataType: RasterDataType
    /// The native block size, the unit GDAL reads and caches.
    public let blockSize: (width: Int, height: Int)

    init(dataset: Dataset, handle: GDALRasterBandH, index: Int, label: String? = nil) {
        self.dataset = dataset
        self.handle = handle
        self.index = index
        self.label = label ?? "band \(index)"
        width = Int(GDALGetRasterBandXSize(handle))
        height = Int(GDALGetRasterBandYSize(handle))
        let type = RasterDataType(GDALGetRasterDataType(handle))
        if type == .byte, let pixelType = GDALGetMetadataItem(handle, "PIXELTYPE", "IMAGE_STRUCTURE"),
           String(cString: pixelType) == "SIGNEDBYTE" {
            dataType = .int8
        } else {
            dataType = type
        }
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        blockSize = (Int(w), Int(h))
    }

    private var path: String { dataset.path }

    /// The band's block decoder (``DeflateFloat32Blocks``), kept by the dataset for all of the band's
    /// objects; nil for a mask band, an overview, or a band left to GDAL. The configuration option (or
    /// environment variable) `EXPOSURE_DECODE_BLOCKS=NO` leaves every band to GDAL.
    private var blockDecoder: DeflateFloat32Blocks? {
        guard dataType == .float32, dataset.isReadOnly, let datasetHandle = try? dataset.openHandle(),
              GDALGetRasterBand(datasetHandle, Int32(index)) == handle else { return nil }
        return dataset.blockDecoder(band: index) {
            if let option = GDALEnvironment.configOption("EXPOSURE_DECODE_BLOCKS"), !CPLTestBool(option) { return nil }
            return DeflateFloat32Blocks(band: handle, dataset: datasetHandle, path: path, file: dataset.fileList().first,
                                        blockSize: blockSize, width: width, height: height)
        }
    }

    /// Whether reads of this band as Float or Double decode its blocks here rather than through GDAL's
    /// GeoTIFF driver: a read-only Float32 GeoTIFF with DEFLATE and PREDICTOR=3 (``DeflateFloat32Blocks``).
    public var decodesBlocksItself: Bool { blockDecoder != nil }

    /// One metadata item of a domain (nil for the default domain), nil when absent: e.g. `BLOCK_OFFSET_0_0`
    /// of a GeoTIFF's `TIFF` domain.
    public func metadataItem(_ key: String, domain: String? = nil) throws -> String? {
        let h = try liveHandle()
        return try GDALCall.run(path, "read metadata item \(key) of \(label)") {
            GDALGetMetadataItem(h, key, domain).map { String(cString: $0) }
        }
    }

    /// How many blocks were decoded here rather than by GDAL (for the tests).
    var blocksDecodedItself: Int { blockDecoder?.decodedBlocks ?? 0 }
    /// How many blocks the decoder could not decode and left to GDAL (for the tests).
    var blocksLeftToGDAL: Int { blockDecoder?.failedBlocks ?? 0 }

    private func liveHandle() throws -> GDALRasterBandH {
        guard dataset.isOpen else { throw GDALError(path: path, message: "\(label) used after its dataset was closed") }
        return handle
    }

    /// The nodata value in the band's own type (exact for Int64 and UInt64 bands), nil when none is declared.
    public var noData: NoDataValue? {
        get throws {
            let h = try liveHandle()
            var has: Int32 = 0
            switch dataType {
            case .int64:
                let value = try GDALCall.run(path, "read nodata of \(label)") { GDALGetRasterNoDataValueAsInt64(h, &has) }
                return has != 0 ? .int64(Int64(value)) : nil
            case .uint64:
                let value = try GDALCall.run(path, "read nodata of \(label)") { GDALGetRasterNoDataValueAsUInt64(h, &has) }
                return has != 0 ? .uint64(UInt64(value)) : nil
            default:
                let value = try GDALCall.run(path, "read nodata of \(label)") { GDALGetRasterNoDataValue(h, &has) }
                return has != 0 ? .real(value) : nil
            }
        }
    }

    /// The nodata value as a Double (see ``noData`` for the exact value of 64-bit integer bands).
    public var noDataValue: Double? {
        get throws { try noData?.doubleValue }
    }

    /// Sets the nodata value from a Double. On an Int64 or UInt64 band it is stored as that integer (GDAL 3.6
    /// writes a Double's text, which it then reads back wrong: 1.8446744073709552e+19 comes back as 1), the
    /// Double nearest the type's maximum (2^63 or 2^64, which no Double below it reaches) taken as the maximum.
    public func setNoDataValue(_ value: Double?) throws {
        guard let value else { return try setNoData(nil) }
        switch dataType {
        case .int64, .uint64:
            guard value.isFinite, value.rounded() == value else {
                throw GDALError(path: path, message: "\(value) cannot be the nodata value of \(dataType.rawValue) \(label)")
            }
            if dataType == .int64 {
                guard value >= -0x1p63, value <= 0x1p63 else {
                    throw GDALError(path: path, message: "\(value) is outside Int64, the type of \(label)")
                }
                try setNoData(.int64(value == 0x1p63 ? Int64.max : Int64(value)))
            } else {
                guard value >= 0, value <= 0x1p64 else {
                    throw GDALError(path: path, message: "\(value) is outside UInt64, the type of \(label)")
                }
                try setNoData(.uint64(value == 0x1p64 ? UInt64.max : UInt64(value)))
            }
        default:
            try setNoData(.real(value))
        }
    }

    /// Sets (or, with nil, deletes) the nodata value; 64-bit integer values are stored exactly.
    public func setNoData(_ value: NoDataValue?) throws {
        let h = try liveHandle()
        switch value {
        case .real(let v)?:
            try GDALCall.cpl(path, "set nodata") { GDALSetRasterNoDataValue(h, v) }
        case .int64(let v)?:
            try GDALCall.cpl(path, "set nodata") { GDALSetRasterNoDataValueAsInt64(h, v) }
        case .uint64(let v)?:
            try GDALCall.cpl(path, "set nodata") { GDALSetRasterNoDataValueAsUInt64(h, v) }
        case nil:
            try GDALCall.cpl(path, "delete nodata") { GDALDeleteRasterNoDataValue(h) }
        }
    }

    /// The declared scale (physical = raw x scale + offset), nil when the file declares none.
    public var scale: Double? {
        get throws {
            let h = try liveHandle()
            var has: Int32 = 0
            let value = try GDALCall.run(path, "read scale of \(label)") { GDALGetRasterScale(h, &has) }
            return has != 0 && value != 1 ? value : nil
        }
    }

    public var offset: Double? {
        get throws {
            let h = try liveHandle()
            var has: Int32 = 0
            let value = try GDALCall.run(path, "read offset of \(label)") { GDALGetRasterOffset(h, &has) }
            return has != 0 && value != 0 ? value : nil
        }
    }

    public func setScaleAndOffset(scale: Double, offset: Double) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "set scale") { GDALSetRasterScale(h, scale) }
        try GDALCall.cpl(path, "set offset") { GDALSetRasterOffset(h, offset) }
    }

    public var bandDescription: String {
        get throws { String(cString: GDALGetDescription(try liveHandle())) }
    }

    public func setDescription(_ text: String) throws {
        let h = try liveHandle()
        try GDALCall.run(path, "set description of \(label)") { GDALSetDescription(h, text) }
    }

    public var unitType: String {
        get throws { String(cString: GDALGetRasterUnitType(try liveHandle())) }
    }

    public func setUnitType(_ unit: String) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "set unit") { GDALSetRasterUnitType(h, unit) }
    }

    /// Sets the colour interpretation (e.g. ``ColorInterpretation/alpha`` marks an alpha band).
    public func setColorInterpretation(_ interpretation: ColorInterpretation) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "set colour interpretation of \(label)") { GDALSetRasterColorInterpretation(h, interpretation.gdal) }
    }

    public var colorInterpretation: ColorInterpretation {
        get throws { ColorInterpretation(GDALGetRasterColorInterpretation(try liveHandle())) }
    }

    // MARK: Masks

    /// What the band's mask is (GDALGetMaskFlags).
    public var maskFlags: MaskFlags {
        get throws {
            let h = try liveHandle()
            return MaskFlags(rawValue: try GDALCall.run(path, "read mask flags of \(label)") { GDALGetMaskFlags(h) })
        }
    }

    /// The band's mask (GDALGetMaskBand): a Byte band where 0 marks an invalid cell (for an alpha band, its
    /// values, 0 transparent). Owned by the dataset, which it keeps alive like any band.
    public func maskBand() throws -> RasterBand {
        let h = try liveHandle()
        let mask = try GDALCall.handle(path, "open the mask of \(label)") { GDALGetMaskBand(h) }
        return RasterBand(dataset: dataset, handle: mask, index: index, label: "mask of \(label)")
    }

    /// Where the band's validity comes from, besides its nodata value: GDAL's mask (when the flags say it
    /// is stored: a mask band or GDAL's alpha of a gray + alpha or RGB + alpha image), or else the dataset's
    /// last band when its colour interpretation is alpha (as gdalwarp takes it, whatever the band count: GDAL's
    /// default mask only sees alpha in 2- and 4-band images). nil when there is nothing to read.
    public func validitySource() throws -> MaskSource? {
        let flags = try maskFlags
        if flags.isStoredMask { return .maskBand(flags) }
        let count = dataset.bandCount
        guard flags.contains(.allValid), count > 1, index != count else { return nil }
        let last = try dataset.band(count)
        return try last.colorInterpretation == .alpha ? .alphaBand(count) : nil
    }

    /// The band that ``validitySource()`` names, to read alongside this one (0 = no value).
    public func validityBand(_ source: MaskSource) throws -> RasterBand {
        switch source {
        case .maskBand: try maskBand()
        case .alphaBand(let index): try dataset.band(index)
        }
    }

    /// Creates a mask band for this band (``MaskFlags/perDataset``: one mask for the whole dataset, stored in
    /// a GeoTIFF as an internal mask or a `.msk` file); fill it through ``maskBand()``.
    public func createMaskBand(_ flags: MaskFlags) throws {
        let h = try liveHandle()
        try GDALCall.cpl(path, "create a mask for \(label)") { GDALCreateMaskBand(h, flags.rawValue) }
    }

    // MARK: Reading and writing

    private func checkWindow(_ window: RasterWindow) throws {
        guard window.width > 0, window.height > 0, window.column >= 0, window.row >= 0,
              window.column + window.width <= width, window.row + window.height <= height
        else {
            throw GDALError(path: path, message: "\(window) is outside \(label) (\(width)x\(height))")
        }
    }

    private func rasterIO(_ h: GDALRasterBandH, _ direction: GDALRWFlag, _ window: RasterWindow,
                          _ base: UnsafeMutableRawPointer, _ type: GDALDataType) throws {
        let verb = direction == GF_Read ? "read" : "write"
        try GDALCall.cpl(path, "\(verb) \(window) of \(label)") {
            GDALRasterIO(h, direction, Int32(window.column), Int32(window.row), Int32(window.width), Int32(window.height),
                         base, Int32(window.width), Int32(window.height), type, 0, 0)
        }
    }

    /// Reads `window` into `buffer` (row-major, `window.cellCount` elements), GDAL converting the type.
    ///
    /// A signed byte band is read as its bits into `Int8`, and converted from there into any other type
    /// (a negative value cannot be read into an unsigned type: that is an error, not a wrapped number).
    /// `Int8` is only read from signed byte bands.
    public func read<T: RasterElement>(_ window: RasterWindow, into buffer: UnsafeMutableBufferPointer<T>) throws {
        let h = try liveHandle()
        try checkWindow(window)
        guard buffer.count >= window.cellCount, let base = buffer.baseAddress else {
            throw GDALError(path: path, message: "buffer of \(buffer.count) too small for \(window)")
        }
        let signedBand = dataType == .int8, signedBuffer = T.rasterDataType == .int8
        if signedBuffer && !signedBand {
            throw GDALError(path: path, message: "\(label) is \(dataType.rawValue), not a signed byte band: it cannot be read as Int8")
        }
        if signedBand && !signedBuffer {
            var bytes = [Int8](repeating: 0, count: window.cellCount)
            try bytes.withUnsafeMutableBytes { try rasterIO(h, GF_Read, window, $0.baseAddress!, GDT_Byte) }
            for i in 0..<window.cellCount {
                guard let value = T(exactly: bytes[i]) else {
                    throw GDALError(path: path, message: "\(label) holds \(bytes[i]), which \(T.self) cannot hold")
                }
                buffer[i] = value
            }
            return
        }
        if T.self == Float.self || T.self == Double.self, let blockDecoder {
            if T.self == Float.self,
               buffer.withMemoryRebound(to: Float.self, { blockDecoder.read(window, into: $0) }) { return }
            if T.self == Double.self,
               buffer.withMemoryRebound(to: Double.self, { blockDecoder.read(window, into: $0) }) { return }
        }
        try rasterIO(h, GF_Read, window, UnsafeMutableRawPointer(base), T.rasterDataType.gdalType)
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

    /// Writes `values` (row-major, `window.cellCount` of them) into `window`. A signed byte band is written
    /// from `Int8` values only (GDAL would clamp anything else to 0...255).
    public func write<T: RasterElement>(_ window: RasterWindow, values: [T]) throws {
        let h = try liveHandle()
        try checkWindow(window)
        guard values.count >= window.cellCount else {
            throw GDALError(path: path, message: "\(values.count) values given for \(window)")
        }
        // Signed bytes: Int8 values, or UInt8 bytes as they are (0xFF is -1); GDAL would clamp anything else
        // to 0...255.
        if dataType == .int8, T.rasterDataType != .int8, T.rasterDataType != .byte {
            throw GDALError(path: path, message: "\(label) is a signed byte band: write it from Int8 values (or UInt8 bytes)")
        }
        if T.rasterDataType == .int8, dataType != .int8 {
            throw GDALError(path: path, message: "\(label) is \(dataType.rawValue): Int8 values are written to signed byte bands only")
        }
        // GDAL 3.6 turns a Double of 2^64 into 0 in a UInt64 band (and 2^63 into Int64.min): floating-point
        // values are converted here, saturating at the type's bounds.
        if dataType == .uint64 || dataType == .int64, T.rasterDataType.isFloatingPoint {
            let doubles = values.prefix(window.cellCount).map { value -> Double in
                if let v = value as? Double { return v }
                if let v = value as? Float { return Double(v) }
                return .nan
            }
            if dataType == .uint64 {
                let converted = doubles.map { v -> UInt64 in v.isNaN || v <= 0 ? 0 : v >= 0x1p64 ? UInt64.max : UInt64(v.rounded()) }
                return try write(window, values: converted)
            }
            let converted = doubles.map { v -> Int64 in
                v.isNaN ? 0 : v >= 0x1p63 ? Int64.max : v <= -0x1p63 ? Int64.min : Int64(v.rounded())
            }
            return try write(window, values: converted)
        }
        try values.withUnsafeBytes { bytes in
            try rasterIO(h, GF_Write, window, UnsafeMutableRawPointer(mutating: bytes.baseAddress!), T.rasterDataType.gdalType)
        }
    }
}

/// What a band's values stand for (GDAL's colour interpretation); the ones the product uses.
public enum ColorInterpretation: Sendable, Equatable {
    case undefined, gray, red, green, blue, alpha, other

    init(_ value: GDALColorInterp) {
        switch value {
        case GCI_Undefined: self = .undefined
        case GCI_GrayIndex: self = .gray
        case GCI_RedBand: self = .red
        case GCI_GreenBand: self = .green
        case GCI_BlueBand: self = .blue
        case GCI_AlphaBand: self = .alpha
        default: self = .other
        }
    }

    var gdal: GDALColorInterp {
        switch self {
        case .undefined, .other: GCI_Undefined
        case .gray: GCI_GrayIndex
        case .red: GCI_RedBand
        case .green: GCI_GreenBand
        case .blue: GCI_BlueBand
        case .alpha: GCI_AlphaBand
        }
    }
}
