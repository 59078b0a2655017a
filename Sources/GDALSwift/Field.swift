import CGDAL

/// The attribute types of OGR fields, under Swift names.
public enum FieldType: String, Sendable {
    case integer = "Integer"
    case integer64 = "Integer64"
    case real = "Real"
    case string = "String"
    case date = "Date"
    case dateTime = "DateTime"
    case other = "Other"

    init(_ type: OGRFieldType) {
        switch type {
        case OFTInteger: self = .integer
        case OFTInteger64: self = .integer64
        case OFTReal: self = .real
        case OFTString: self = .string
        case OFTDate: self = .date
        case OFTDateTime: self = .dateTime
        default: self = .other
        }
    }

    var ogrType: OGRFieldType {
        switch self {
        case .integer: OFTInteger
        case .integer64: OFTInteger64
        case .real: OFTReal
        case .string, .other: OFTString
        case .date: OFTDate
        case .dateTime: OFTDateTime
        }
    }
}

public struct FieldDefinition: Hashable, Sendable {
    public var name: String
    public var type: FieldType
    /// A human name for the field (OGR's alternative name: GeoPackage and QGIS show it), empty for none.
    public var alternativeName: String
    public init(name: String, type: FieldType, alternativeName: String = "") {
        self.name = name
        self.type = type
        self.alternativeName = alternativeName
    }
}

/// One attribute value.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int)
    case real(Double)
    case string(String)

    public var description: String {
        switch self {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .string(let v): v
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .string(let v): Double(v)
        case .null: nil
        }
    }
}

/// A feature read from a layer: its id, attributes in field order, and geometry.
public struct Feature {
    public let fid: Int
    public let fields: [FieldDefinition]
    public let values: [FieldValue]
    public let geometry: Geometry?

    public subscript(name: String) -> FieldValue? {
        guard let index = fields.firstIndex(where: { $0.name == name }) else { return nil }
        return values[index]
    }
}
