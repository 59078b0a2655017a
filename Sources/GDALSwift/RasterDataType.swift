import CGDAL

/// The pixel types GDAL stores, under Swift names.
///
/// GDAL 3.6 has no signed byte type: a signed byte raster is a Byte band whose `IMAGE_STRUCTURE` metadata says
/// `PIXELTYPE=SIGNEDBYTE`. Such a band reports ``int8``, is read as bits into `Int8` (GDAL would give 0...255)
/// and is created with that creation option.
public enum RasterDataType: String, Sendable, CaseIterable {
    case byte = "Byte"
    case int8 = "Int8"
    case uint16 = "UInt16"
    case int16 = "Int16"
    case uint32 = "UInt32"
    case int32 = "Int32"
    case uint64 = "UInt64"
    case int64 = "Int64"
    case float32 = "Float32"
    case float64 = "Float64"
    case complex = "Complex"
    case unknown = "Unknown"

    init(_ type: GDALDataType) {
        switch type {
        case GDT_Byte: self = .byte
        case GDT_UInt16: self = .uint16
        case GDT_Int16: self = .int16
        case GDT_UInt32: self = .uint32
        case GDT_Int32: self = .int32
        case GDT_UInt64: self = .uint64
        case GDT_Int64: self = .int64
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        case GDT_CInt16, GDT_CInt32, GDT_CFloat32, GDT_CFloat64: self = .complex
        default: self = .unknown
        }
    }

    var gdalType: GDALDataType {
        switch self {
        case .byte, .int8: GDT_Byte
        case .uint16: GDT_UInt16
        case .int16: GDT_Int16
        case .uint32: GDT_UInt32
        case .int32: GDT_Int32
        case .uint64: GDT_UInt64
        case .int64: GDT_Int64
        case .float32: GDT_Float32
        case .float64: GDT_Float64
        case .complex: GDT_CFloat64
        case .unknown: GDT_Unknown
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Whether every value of the type is exactly a Double (not so for 64-bit integers beyond 2^53).
    public var isExactInDouble: Bool { self != .int64 && self != .uint64 }
}

/// A Swift type GDAL can convert pixels into and out of.
public protocol RasterElement: Numeric, Sendable {
    static var rasterDataType: RasterDataType { get }
}

extension UInt8: RasterElement { public static var rasterDataType: RasterDataType { .byte } }
/// Only signed byte bands (``RasterDataType/int8``) are read into or written from `Int8`.
extension Int8: RasterElement { public static var rasterDataType: RasterDataType { .int8 } }
extension UInt16: RasterElement { public static var rasterDataType: RasterDataType { .uint16 } }
extension Int16: RasterElement { public static var rasterDataType: RasterDataType { .int16 } }
extension UInt32: RasterElement { public static var rasterDataType: RasterDataType { .uint32 } }
extension Int32: RasterElement { public static var rasterDataType: RasterDataType { .int32 } }
extension UInt64: RasterElement { public static var rasterDataType: RasterDataType { .uint64 } }
extension Int64: RasterElement { public static var rasterDataType: RasterDataType { .int64 } }
extension Float: RasterElement { public static var rasterDataType: RasterDataType { .float32 } }
extension Double: RasterElement { public static var rasterDataType: RasterDataType { .float64 } }
