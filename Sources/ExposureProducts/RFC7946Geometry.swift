import ExposureCore
import GDALSwift

/// The `"geometry"` member of a feature as GDAL's GeoJSON driver writes it in RFC 7946 mode, byte for byte, but
/// made here. GDAL 3.6 formats every coordinate through a C++ string stream (about 1.4 µs each, most of the
/// time of writing a country's regions: 0.5 s for 186 k vertices). What the driver does to a feature's
/// geometry is kept and done by GDAL: the reprojection to WGS 84 and the cut at the antimeridian
/// (``GeometryTransformer``, with the driver's `WRAPDATELINE=YES`). What is made here is the text: polygons
/// and multipolygons, rings turned to the right-hand rule as OGR decides clockwise (`OGRLinearRing::isClockwise`),
/// coordinates rounded to 7 decimals as OGR prints them. Any coordinate whose 7 decimals hold a run of four
/// zeros or nines (where OGR trims what it takes for round-off) is printed by OGR itself, and any geometry
/// that is not a plain 2D polygon or multipolygon with finite coordinates inside WGS 84's bounds (and every
/// geometry of a CRS with 3 axes) is left to the driver. RFC7946GeometryTests compares the result with the
/// driver's on tricky rings and values.
/// One thread at a time (it holds a GDAL transformer).
final class RFC7946Geometry {
    private let transformer: GeometryTransformer

    /// For geometries in `crs`, reprojected when the driver's own test (`IsSame` with its defaults against
    /// WGS 84) says so; nil for a CRS with 3 axes, which the driver reprojects to EPSG:4979 instead: the
    /// driver then writes the geometries itself.
    init?(crs: SpatialReference) throws {
        guard crs.axisCount == 2 else { return nil }
        let wgs84 = try SpatialReference.wgs84()
        let same = crs.isSame(as: wgs84, options: [])
        transformer = try GeometryTransformer(transformation: same ? nil : try CoordinateTransformation(from: crs, to: wgs84),
                                              options: ["WRAPDATELINE=YES"])
    }

    /// The member's value for `geometry`, or nil when the driver is to write this one itself.
    func text(_ geometry: Geometry) throws -> String? {
        let transformed = try transformer.transform(geometry)
        guard !transformed.isEmpty, let (multi, polygons) = transformed.plainPolygons else { return nil }
        let box = transformed.envelope
        guard box.minX >= -180, box.maxX <= 180, box.minY >= -90, box.maxY <= 90 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(polygons.reduce(64) { $0 + $1.reduce(0) { $0 + $1.count } * 28 })
        out.append(contentsOf: multi ? #"{ "type": "MultiPolygon", "coordinates": [ "#.utf8 : #"{ "type": "Polygon", "coordinates": [ "#.utf8)
        for (p, rings) in polygons.enumerated() {
            guard !rings.isEmpty else { return nil }
            if p > 0 { out.append(contentsOf: Self.comma) }
            if multi { out.append(contentsOf: Self.open) }
            for (r, ring) in rings.enumerated() {
                guard ring.count > 0 else { return nil }
                if r > 0 { out.append(contentsOf: Self.comma) }
                // The right-hand rule: exterior rings counterclockwise, holes clockwise.
                let reversed = (r == 0) == RFC7946Geometry.isClockwise(ring)
                out.append(contentsOf: Self.open)
                for i in 0..<ring.count {
                    let point = ring[reversed ? ring.count - 1 - i : i]
                    if i > 0 { out.append(contentsOf: Self.comma) }
                    out.append(contentsOf: Self.open)
                    guard try RFC7946Geometry.appendCoordinate(point.x, to: &out) else { return nil }
                    out.append(contentsOf: Self.comma)
                    guard try RFC7946Geometry.appendCoordinate(point.y, to: &out) else { return nil }
                    out.append(contentsOf: Self.close)
                }
                out.append(contentsOf: Self.close)
            }
            if multi { out.append(contentsOf: Self.close) }
        }
        out.append(contentsOf: " ] }".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static let open: [UInt8] = Array("[ ".utf8), close: [UInt8] = Array(" ]".utf8), comma: [UInt8] = Array(", ".utf8)

    /// OGR's orientation test: the turn at the lowest rightmost vertex, or the shoelace sum when that vertex is
    /// repeated or has a neighbour within 1e-5 (a ring of under 2 points counts as clockwise).
    static func isClockwise(_ ring: [Coordinate]) -> Bool {
        let n = ring.count
        if n < 2 { return true }
        var useFallback = false
        var v = 0
        for i in stride(from: 1, to: n - 1, by: 1) {
            if ring[i].y < ring[v].y || (ring[i].y == ring[v].y && ring[i].x > ring[v].x) {
                v = i
                useFallback = false
            } else if ring[i].y == ring[v].y && ring[i].x == ring[v].x {
                useFallback = true
            }
        }
        func near(_ a: Coordinate, _ b: Coordinate) -> Bool { abs(a.x - b.x) < 1e-5 && abs(a.y - b.y) < 1e-5 }
        var next = v - 1
        if next < 0 { next = n - 2 }
        if near(ring[next], ring[v]) { useFallback = true }
        let dx0 = ring[next].x - ring[v].x, dy0 = ring[next].y - ring[v].y
        next = v + 1
        if next >= n - 1 { next = 0 }
        if near(ring[next], ring[v]) { useFallback = true }
        let dx1 = ring[next].x - ring[v].x, dy1 = ring[next].y - ring[v].y
        let cross = dx1 * dy0 - dx0 * dy1
        if !useFallback {
            if cross > 0 { return false }
            if cross < 0 { return true }
        }
        var sum = ring[0].x * (ring[1].y - ring[n - 1].y)
        for i in stride(from: 1, to: n - 1, by: 1) { sum += ring[i].x * (ring[i + 1].y - ring[i - 1].y) }
        sum += ring[n - 1].x * (ring[0].y - ring[n - 2].y)
        return sum < 0
    }

    /// Appends `value` as OGR writes a coordinate at 7 decimals; false for a value GeoJSON cannot hold
    /// (infinite or NaN: the driver reports it).
    static func appendCoordinate(_ value: Double, to out: inout [UInt8]) throws -> Bool {
        guard value.isFinite else { return false }
        if let (negative, integer, fraction) = FixedDecimals.split(value, decimals: 7) {
            // The 7 decimals, last first; OGR trims a run of 4 zeros or nines it takes for round-off: those
            // values are left to it.
            var decimals: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0)
            var rest = fraction, zeros = 0, nines = 0, runs = false
            withUnsafeMutableBytes(of: &decimals) { d in
                for i in stride(from: 6, through: 0, by: -1) {
                    let digit = UInt8(rest % 10)
                    rest /= 10
                    d[i] = digit
                    zeros = digit == 0 ? zeros + 1 : 0
                    nines = digit == 9 ? nines + 1 : 0
                    if zeros >= 4 || nines >= 4 { runs = true }
                }
            }
            if !runs {
                if negative { out.append(UInt8(ascii: "-")) }
                FixedDecimals.appendDigits(integer, to: &out)
                out.append(UInt8(ascii: "."))
                withUnsafeBytes(of: &decimals) { d in
                    var last = 6
                    while last > 0 && d[last] == 0 { last -= 1 }
                    for i in 0...last { out.append(UInt8(ascii: "0") + d[i]) }
                }
                return true
            }
        }
        out += try ogrCoordinate(value)
        return true
    }

    /// The coordinate as OGR prints it, asked of OGR (a point exported at 7 decimals).
    static func ogrCoordinate(_ value: Double) throws -> [UInt8] {
        let json = try Geometry(.point(Coordinate(x: value, y: 0))).geoJSON(options: ["COORDINATE_PRECISION=7"])
        // { "type": "Point", "coordinates": [ X, 0.0 ] }
        guard let open = json.range(of: "[ "), let comma = json[open.upperBound...].firstIndex(of: ",") else {
            throw ExposureError("GDAL exported a point in an unexpected form: \(json)")
        }
        return Array(json[open.upperBound..<comma].utf8)
    }
}
