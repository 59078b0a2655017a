import CGDAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in a CRS's coordinates (x = easting or longitude).
/// A point in map coordinates: the engine's ``MapPoint``, one type for both.
public typealias Coordinate = MapPoint

/// Geometry as plain Swift values. Rings are closed (first == last) as OGR stores them.
public enum GeometryValue: Equatable, Sendable {
    case point(Coordinate)
    case lineString([Coordinate])
    /// Exterior ring first, then holes.
    case polygon([[Coordinate]])
    case multiPolygon([[[Coordinate]]])
    /// Anything else (collections, curves, multi-points...), by its OGR type name.
    case other(String)

    /// The polygons of a polygon or multipolygon (empty for other kinds).
    public var polygons: [[[Coordinate]]] {
        switch self {
        case .polygon(let rings): [rings]
        case .multiPolygon(let polygons): polygons
        default: []
        }
    }
}

/// The geometry types a layer can declare.
public enum GeometryType: Sendable {
    case unknown, point, lineString, polygon, multiPolygon, none

    var ogrType: OGRwkbGeometryType {
        switch self {
        case .unknown: wkbUnknown
        case .point: wkbPoint
        case .lineString: wkbLineString
        case .polygon: wkbPolygon
        case .multiPolygon: wkbMultiPolygon
        case .none: wkbNone
        }
    }
}

/// An OGR geometry owned by Swift; gives its coordinates as ``GeometryValue`` and offers the OGR
/// operations the product needs (validity, repair, reprojection, envelope).
public final class Geometry {
    let handle: OGRGeometryH

    init(owning handle: OGRGeometryH) { self.handle = handle }

    deinit { OGR_G_DestroyGeometry(handle) }

    /// Builds an OGR geometry from Swift values (polygons and multipolygons, points, line strings).
    public convenience init(_ value: GeometryValue) throws {
        func ring(_ points: [Coordinate]) throws -> OGRGeometryH {
            let ring = try GDALCall.handle(nil, "create ring") { OGR_G_CreateGeometry(wkbLinearRing) }
            for p in points { OGR_G_AddPoint_2D(ring, p.x, p.y) }
            return ring
        }
        func polygon(_ rings: [[Coordinate]]) throws -> OGRGeometryH {
            let polygon = try GDALCall.handle(nil, "create polygon") { OGR_G_CreateGeometry(wkbPolygon) }
            for r in rings {
                try GDALCall.ogr(nil, "add ring") { OGR_G_AddGeometryDirectly(polygon, try ring(r)) }
            }
            return polygon
        }
        switch value {
        case .point(let p):
            let h = try GDALCall.handle(nil, "create point") { OGR_G_CreateGeometry(wkbPoint) }
            OGR_G_SetPoint_2D(h, 0, p.x, p.y)
            self.init(owning: h)
        case .lineString(let points):
            let h = try GDALCall.handle(nil, "create line") { OGR_G_CreateGeometry(wkbLineString) }
            for p in points { OGR_G_AddPoint_2D(h, p.x, p.y) }
            self.init(owning: h)
        case .polygon(let rings):
            self.init(owning: try polygon(rings))
        case .multiPolygon(let polygons):
            let h = try GDALCall.handle(nil, "create multipolygon") { OGR_G_CreateGeometry(wkbMultiPolygon) }
            for p in polygons {
                try GDALCall.ogr(nil, "add polygon") { OGR_G_AddGeometryDirectly(h, try polygon(p)) }
            }
            self.init(owning: h)
        case .other(let name):
            throw GDALError(path: nil, message: "cannot build a geometry of type \(name)")
        }
    }

    /// Parses WKT (`POLYGON ((...))`).
    public convenience init(wkt: String) throws {
        var geometry: OGRGeometryH?
        var text: UnsafeMutablePointer<CChar>? = strdup(wkt)
        let start = text
        defer { free(start) }
        try GDALCall.ogr(nil, "parse WKT") { OGR_G_CreateFromWkt(&text, nil, &geometry) }
        guard let geometry else { throw GDALError(path: nil, message: "empty WKT") }
        self.init(owning: geometry)
    }

    public func clone() throws -> Geometry {
        Geometry(owning: try GDALCall.handle(nil, "copy geometry") { OGR_G_Clone(handle) })
    }

    public var typeName: String { String(cString: OGR_G_GetGeometryName(handle)) }
    public var isEmpty: Bool { OGR_G_IsEmpty(handle) != 0 }

    /// GEOS's validity check. Its notices ("Self-intersection at or near point ...") are not recorded: a
    /// caller that finds a geometry invalid says so in its own words.
    public var isValid: Bool {
        let valid = (try? GDALCall.run(nil, "check geometry", quiet: true) { OGR_G_IsValid(handle) != 0 }) ?? false
        CPLErrorReset()
        return valid
    }

    /// GEOS's verdict: valid, invalid (self-intersections and the like, which MakeValid repairs), or broken:
    /// GEOS could not even build it (e.g. "IllegalArgumentException: Points of LinearRing do not form a
    /// closed linestring"), with GEOS's message.
    public enum Validity: Equatable, Sendable {
        case valid
        case invalid
        case broken(String)
    }

    /// GEOS's notices ("Self-intersection at or near point ...") are not recorded, as for ``isValid``.
    public var validity: Validity {
        do {
            let valid = try GDALCall.run(nil, "check geometry", quiet: true) { OGR_G_IsValid(handle) != 0 }
            return valid ? .valid : .invalid
        } catch let error as GDALError {
            return .broken(error.message)
        } catch {
            return .broken("\(error)")
        }
    }

    /// Number of points (all rings and parts).
    public var pointCount: Int {
        func count(_ h: OGRGeometryH) -> Int {
            let parts = Int(OGR_G_GetGeometryCount(h))
            if parts == 0 { return Int(OGR_G_GetPointCount(h)) }
            return (0..<parts).reduce(0) { total, index in total + (OGR_G_GetGeometryRef(h, Int32(index)).map(count) ?? 0) }
        }
        return count(handle)
    }

    /// Adds points along every edge so that no edge is longer than `maxLength` (in the geometry's CRS units),
    /// as `ogr2ogr -segmentize` does: straight edges in this CRS stay (nearly) straight in this CRS, and curve
    /// as they should once reprojected.
    public func segmentize(maxLength: Double) throws {
        guard maxLength > 0, maxLength.isFinite else {
            throw GDALError(path: nil, message: "segment length \(maxLength) is not a positive number")
        }
        try GDALCall.run(nil, "densify geometry") { OGR_G_Segmentize(handle, maxLength) }
    }

    /// Area in the CRS's units squared (polygons).
    public var area: Double { OGR_G_Area(handle) }

    /// Bounding box: (minX, maxX, minY, maxY).
    public var envelope: (minX: Double, maxX: Double, minY: Double, maxY: Double) {
        var e = OGREnvelope()
        OGR_G_GetEnvelope(handle, &e)
        return (e.MinX, e.MaxX, e.MinY, e.MaxY)
    }

    /// A valid version of this geometry (GEOS MakeValid), keeping only its polygonal parts.
    public func madeValid() throws -> Geometry {
        let valid = try GDALCall.handle(nil, "repair geometry") { OGR_G_MakeValid(handle) }
        let repaired = Geometry(owning: valid)
        return try repaired.polygonalPart()
    }

    /// The types of the parts of a geometry collection that are not polygons (points, lines...); empty for
    /// anything but a collection.
    public var nonPolygonalParts: [String] {
        guard OGR_GT_Flatten(OGR_G_GetGeometryType(handle)) == wkbGeometryCollection else { return [] }
        return (0..<OGR_G_GetGeometryCount(handle)).compactMap { index in
            guard let part = OGR_G_GetGeometryRef(handle, index) else { return nil }
            let type = OGR_GT_Flatten(OGR_G_GetGeometryType(part))
            if type == wkbPolygon || type == wkbMultiPolygon || type == wkbCurvePolygon || type == wkbMultiSurface { return nil }
            return String(cString: OGR_G_GetGeometryName(part))
        }
    }

    /// The polygons and multipolygons inside a geometry collection, merged into one multipolygon (any other
    /// geometry is returned as it is).
    public func polygonalPart() throws -> Geometry {
        let type = OGR_GT_Flatten(OGR_G_GetGeometryType(handle))
        if type == wkbPolygon || type == wkbMultiPolygon { return self }
        guard type == wkbGeometryCollection else { return self }
        let collected = Geometry(owning: try GDALCall.handle(nil, "collect polygons") { OGR_G_CreateGeometry(wkbMultiPolygon) })
        let result = collected.handle
        for index in 0..<OGR_G_GetGeometryCount(handle) {
            guard let part = OGR_G_GetGeometryRef(handle, index) else { continue }
            let partType = OGR_GT_Flatten(OGR_G_GetGeometryType(part))
            if partType == wkbPolygon {
                try GDALCall.ogr(nil, "collect polygons") { OGR_G_AddGeometry(result, part) }
            } else if partType == wkbMultiPolygon {
                for sub in 0..<OGR_G_GetGeometryCount(part) {
                    if let polygon = OGR_G_GetGeometryRef(part, sub) {
                        try GDALCall.ogr(nil, "collect polygons") { OGR_G_AddGeometry(result, polygon) }
                    }
                }
            }
        }
        return collected
    }

    /// The same geometry as a multipolygon (a polygon becomes a one-part multipolygon), so that layers
    /// declared as multipolygons hold one geometry type.
    public func asMultiPolygon() throws -> Geometry {
        let type = OGR_GT_Flatten(OGR_G_GetGeometryType(handle))
        if type == wkbMultiPolygon { return self }
        let copy = try GDALCall.handle(nil, "copy geometry") { OGR_G_Clone(handle) }
        let converted = try GDALCall.handle(nil, "convert to multipolygon") { OGR_G_ForceToMultiPolygon(copy) }
        return Geometry(owning: converted)
    }

    /// The union of several polygonal geometries (GEOS cascaded union): shared boundaries disappear.
    public static func union(_ parts: [Geometry]) throws -> Geometry {
        let collection = try GDALCall.handle(nil, "collect polygons") { OGR_G_CreateGeometry(wkbMultiPolygon) }
        defer { OGR_G_DestroyGeometry(collection) }
        for part in parts {
            let multi = try part.asMultiPolygon()
            for index in 0..<OGR_G_GetGeometryCount(multi.handle) {
                if let polygon = OGR_G_GetGeometryRef(multi.handle, index) {
                    try GDALCall.ogr(nil, "collect polygons") { OGR_G_AddGeometry(collection, polygon) }
                }
            }
        }
        let union = try GDALCall.handle(nil, "union of polygons") { OGR_G_UnionCascaded(collection) }
        return try Geometry(owning: union).asMultiPolygon()
    }

    /// A point guaranteed to lie inside the (multi)polygon (GEOS's point on surface), nil when empty.
    /// GEOS's complaints about a broken geometry are not reported: such a region simply gets no point.
    public func pointOnSurface() -> Coordinate? {
        let h = handle
        guard let point = try? GDALCall.run(nil, "point on surface", quiet: true, { OGR_G_PointOnSurface(h) }) else { return nil }
        defer { OGR_G_DestroyGeometry(point) }
        guard OGR_G_IsEmpty(point) == 0 else { return nil }
        return Coordinate(x: OGR_G_GetX(point, 0), y: OGR_G_GetY(point, 0))
    }

    /// Reprojects in place.
    public func transform(with transformation: CoordinateTransformation) throws {
        try GDALCall.ogr(nil, "reproject geometry from \(transformation.source.name) to \(transformation.target.name)") {
            OGR_G_Transform(handle, transformation.handle)
        }
    }

    /// The geometry as WKB (little-endian): plain bytes, from which another thread can build its own copy.
    public func wkb() throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(OGR_G_WkbSize(handle)))
        try GDALCall.ogr(nil, "export WKB") { OGR_G_ExportToWkb(handle, wkbNDR, &bytes) }
        return bytes
    }

    /// Parses WKB (as ``wkb()`` gives it).
    public convenience init(wkb: [UInt8]) throws {
        var geometry: OGRGeometryH?
        try GDALCall.ogr(nil, "parse WKB") {
            wkb.withUnsafeBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &geometry, Int32(wkb.count)) }
        }
        guard let geometry else { throw GDALError(path: nil, message: "empty WKB") }
        self.init(owning: geometry)
    }

    public func wkt() throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        try GDALCall.ogr(nil, "export WKT") { OGR_G_ExportToWkt(handle, &text) }
        defer { VSIFree(text) }
        return text.map { String(cString: $0) } ?? ""
    }

    /// The polygons of a plain two-dimensional polygon or multipolygon (`multi` tells which), nil for any other
    /// geometry (curves, collections, Z or M coordinates). Nothing is converted: the rings are as OGR holds them.
    public var plainPolygons: (multi: Bool, polygons: [[[Coordinate]]])? {
        guard OGR_G_Is3D(handle) == 0, OGR_G_IsMeasured(handle) == 0 else { return nil }
        switch OGR_G_GetGeometryType(handle) {
        case wkbPolygon: return (false, value.polygons)
        case wkbMultiPolygon:
            for index in 0..<OGR_G_GetGeometryCount(handle) where OGR_G_GetGeometryType(OGR_G_GetGeometryRef(handle, index)) != wkbPolygon {
                return nil
            }
            return (true, value.polygons)
        default: return nil
        }
    }

    /// The geometry as GeoJSON by OGR (`OGR_G_ExportToJsonEx`, options such as `COORDINATE_PRECISION=7`).
    public func geoJSON(options: [String] = []) throws -> String {
        let text = try withCStringList(options) { list in
            try GDALCall.handle(nil, "export GeoJSON") { OGR_G_ExportToJsonEx(handle, list) }
        }
        defer { VSIFree(text) }
        return String(cString: text)
    }

    /// The coordinates as Swift values (curves are linearised first).
    public var value: GeometryValue {
        func points(_ h: OGRGeometryH) -> [Coordinate] {
            let n = Int(OGR_G_GetPointCount(h))
            var xs = [Double](repeating: 0, count: n), ys = [Double](repeating: 0, count: n)
            if n > 0 {
                _ = OGR_G_GetPoints(h, &xs, Int32(MemoryLayout<Double>.stride), &ys, Int32(MemoryLayout<Double>.stride), nil, 0)
            }
            return zip(xs, ys).map { Coordinate(x: $0, y: $1) }
        }
        func rings(_ polygon: OGRGeometryH) -> [[Coordinate]] {
            (0..<OGR_G_GetGeometryCount(polygon)).compactMap { OGR_G_GetGeometryRef(polygon, $0).map(points) }
        }
        var h = handle
        var linear: OGRGeometryH?
        if OGR_G_HasCurveGeometry(h, 0) != 0 {
            linear = OGR_G_GetLinearGeometry(h, 0, nil)
            if let linear { h = linear }
        }
        defer { if let linear { OGR_G_DestroyGeometry(linear) } }
        switch OGR_GT_Flatten(OGR_G_GetGeometryType(h)) {
        case wkbPoint:
            return .point(Coordinate(x: OGR_G_GetX(h, 0), y: OGR_G_GetY(h, 0)))
        case wkbLineString:
            return .lineString(points(h))
        case wkbPolygon:
            return .polygon(rings(h))
        case wkbMultiPolygon:
            return .multiPolygon((0..<OGR_G_GetGeometryCount(h)).compactMap { OGR_G_GetGeometryRef(h, $0).map(rings) })
        case wkbGeometryCollection:
            // A collection holding only polygons (what MakeValid can return) reads as a multipolygon.
            var polygons: [[[Coordinate]]] = []
            for index in 0..<OGR_G_GetGeometryCount(h) {
                guard let part = OGR_G_GetGeometryRef(h, index) else { continue }
                switch Geometry.borrowedValue(part) {
                case .polygon(let r): polygons.append(r)
                case .multiPolygon(let p): polygons += p
                default: continue
                }
            }
            return polygons.isEmpty ? .other(typeName) : .multiPolygon(polygons)
        default:
            return .other(typeName)
        }
    }

    private static func borrowedValue(_ h: OGRGeometryH) -> GeometryValue {
        guard let copy = OGR_G_Clone(h) else { return .other("unknown") }
        return Geometry(owning: copy).value
    }
}
