import ExposureCore
import Foundation
import GDALSwift

/// Regions (municipalities, census tracts...) read from a vector source: ids, names, the original
/// geometries (for output) and their polygons transformed to the working grid's CRS (for the engine).
public final class RegionSet {
    public let path: String
    public let layerName: String
    public let idField: String?
    public let nameField: String?
    /// Every attribute of every feature, in `fieldNames` order.
    public let fieldNames: [String]
    public let attributes: [[FieldValue]]
    public let ids: [String]
    public let names: [String]
    /// The geometries as read (repaired where invalid), in the layer's CRS; nil where a feature had none.
    public let geometries: [Geometry?]
    public let spatialReference: SpatialReference
    /// Each region's polygons in the target CRS.
    public let polygons: [[PolygonRings]]
    public let warnings: [String]
    /// How edges were densified before reprojection (for the manifest), nil when the regions were already in
    /// the target CRS.
    public let densification: String?

    public var count: Int { ids.count }

    public static let duplicateHint = "each feature is reported as its own row"

    /// "a, b, c, ... (12 in all)".
    public static func list(_ items: [String], limit: Int = 5) -> String {
        items.count <= limit ? items.joined(separator: ", ") : items.prefix(limit).joined(separator: ", ") + ", ... (\(items.count) in all)"
    }

    private init(copying other: RegionSet, ids: [String], names: [String], geometries: [Geometry?],
                 polygons: [[PolygonRings]], attributes: [[FieldValue]], warnings: [String]) {
        path = other.path
        layerName = other.layerName
        idField = other.idField
        nameField = other.nameField
        fieldNames = other.fieldNames
        spatialReference = other.spatialReference
        self.ids = ids
        self.names = names
        self.geometries = geometries
        self.polygons = polygons
        self.attributes = attributes
        self.warnings = warnings
        densification = other.densification
    }

    /// Features that share an id merged into one region (e.g. census tracts into neighbourhoods): their
    /// polygons together, their geometries unioned for output, the first feature's name and attributes.
    public func dissolved() throws -> RegionSet {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (index, id) in ids.enumerated() {
            if members[id] == nil { order.append(id) }
            members[id, default: []].append(index)
        }
        var names: [String] = [], geometries: [Geometry?] = [], polygons: [[PolygonRings]] = [], attributes: [[FieldValue]] = []
        for id in order {
            let indices = members[id]!
            names.append(self.names[indices[0]])
            attributes.append(self.attributes[indices[0]])
            polygons.append(indices.flatMap { self.polygons[$0] })
            let parts = indices.compactMap { self.geometries[$0] }
            geometries.append(parts.isEmpty ? nil : parts.count == 1 ? parts[0] : try Geometry.union(parts))
        }
        let kept = warnings.filter { !$0.hasSuffix(RegionSet.duplicateHint) }
        return RegionSet(copying: self, ids: order, names: names, geometries: geometries, polygons: polygons,
                         attributes: attributes, warnings: kept)
    }

    /// Reads every feature of the layer. `assumeCRS` is used only when the layer has no CRS. Without an id
    /// field, regions are numbered by feature id. `targetCellSize` is the working grid's cell size (in the
    /// target CRS's units): edges are densified to about that length before reprojection.
    public init(path: String, layer layerName: String?, idField: String?, nameField: String?,
                targetCRS: SpatialReference, targetCellSize: Double? = nil, assumeCRS: String?,
                requiredFields: [String] = []) throws {
        let dataset = try Dataset.open(path, kinds: .vector)
        let layer: VectorLayer
        if let layerName {
            layer = try dataset.layer(named: layerName)
        } else {
            guard dataset.layerCount > 0 else { throw ExposureError("the regions file has no layers", path: path) }
            if dataset.layerCount > 1 {
                let names = try (0..<dataset.layerCount).map { try dataset.layer(at: $0).name }
                throw ExposureError("the regions file has \(names.count) layers (\(names.joined(separator: ", "))); choose one with --layer", path: path)
            }
            layer = try dataset.layer(at: 0)
        }
        let fieldNames = try layer.fields.map(\.name)
        for field in [idField, nameField].compactMap({ $0 }) + requiredFields where !fieldNames.contains(field) {
            throw ExposureError("layer '\(layer.name)' has no field '\(field)'; its fields are: \(fieldNames.joined(separator: ", "))", path: path)
        }
        var srs = try layer.spatialReference()
        var warnings: [String] = []
        if srs == nil, let assumeCRS {
            srs = try SpatialReference(definition: assumeCRS)
            warnings.append("\(path): the regions have no CRS; assuming \(assumeCRS) as --assume-crs says")
        }
        guard let srs else {
            throw ExposureError("the regions have no CRS; give one with --assume-crs (e.g. --assume-crs EPSG:4326)", path: path)
        }
        let transformation = srs.isSame(as: targetCRS) ? nil : try CoordinateTransformation(from: srs, to: targetCRS)
        let densifier = transformation.map { EdgeDensifier(transformation: $0, targetCellSize: targetCellSize) }

        var ids: [String] = [], names: [String] = [], geometries: [Geometry?] = [], polygons: [[PolygonRings]] = []
        var attributes: [[FieldValue]] = []
        var seen = Set<String>()
        var emptyIds: [Int] = [], duplicates: [String] = [], duplicated = Set<String>()
        var withoutGeometry = 0
        var notPolygons: [(label: String, type: String)] = []
        var steps: ClosedRange<Double>?
        try layer.resetReading()
        while let feature = try layer.nextFeature() {
            let id = idField.map { feature[$0]?.description ?? "" } ?? String(feature.fid)
            let label = id.isEmpty ? "feature \(feature.fid)" : "region \(id)"
            if idField != nil, id.isEmpty { emptyIds.append(feature.fid) }
            if !seen.insert(id).inserted, duplicated.insert(id).inserted { duplicates.append(id) }
            attributes.append(feature.values)
            ids.append(id)
            names.append(nameField.flatMap { feature[$0]?.description } ?? "")
            guard var geometry = feature.geometry, !geometry.isEmpty else {
                warnings.append("\(path): \(label) has no geometry; it is reported with zero population")
                withoutGeometry += 1
                geometries.append(nil)
                polygons.append([])
                continue
            }
            let value = geometry.value
            switch value {
            case .polygon, .multiPolygon: break
            case .point: notPolygons.append((label, "Point"))
            case .lineString: notPolygons.append((label, "LineString"))
            case .other(let type): notPolygons.append((label, type))
            }
            if let last = notPolygons.last, last.label == label {
                // A point or a line covers no area: the region can hold nobody. It is kept as a row (with no
                // geometry in the outputs, whose layers hold polygons) rather than stopping the run.
                warnings.append("\(path): \(label) is a \(last.type), not a polygon: it covers no area and is reported with zero population (and no geometry)")
                geometries.append(nil)
                polygons.append([])
                continue
            }
            func broken(_ reason: String) -> ExposureError {
                ExposureError("\(label): the geometry is broken (\(reason)); fix it in the regions file (e.g. with QGIS's Fix geometries)", path: path)
            }
            if let problem = RegionSet.ringProblem(value) { throw broken(problem) }
            if !geometry.area.isFinite {
                throw broken("its coordinates are so large that its area is not a number (up to \(RegionSet.format(RegionSet.largestCoordinate(value))))")
            }
            let ignored = geometry.nonPolygonalParts
            if !ignored.isEmpty {
                geometry = try geometry.polygonalPart()
                warnings.append("\(path): \(label) is a collection with \(ignored.count) part(s) that are not polygons (\(RegionSet.list(ignored))); they cover no area and are left out")
            }
            switch geometry.validity {
            case .valid:
                break
            case .invalid:
                do {
                    geometry = try geometry.madeValid()
                } catch let error as GDALError {
                    throw broken("GEOS MakeValid cannot repair it: \(RegionSet.plainGEOSMessage(error.message))")
                }
                if geometry.value.polygons.isEmpty {
                    warnings.append("\(path): \(label) has an invalid geometry with no area once repaired (GEOS MakeValid made it a \(geometry.typeName)); it is reported with zero population (and no geometry)")
                    geometries.append(nil)
                    polygons.append([])
                    continue
                }
                warnings.append("\(path): \(label) had an invalid geometry (e.g. self-intersection); repaired with GEOS MakeValid")
            case .broken(let message):
                throw broken(RegionSet.plainGEOSMessage(message))
            }
            geometries.append(geometry)
            if let transformation, let densifier {
                let copy = try geometry.clone()
                do {
                    if let step = try densifier.step(for: copy) {
                        try copy.segmentize(maxLength: step)
                        steps = steps.map { min($0.lowerBound, step)...max($0.upperBound, step) } ?? step...step
                    }
                    try copy.transform(with: transformation)
                } catch let error as GDALError {
                    throw ExposureError("\(label) cannot be transformed to the population grid's CRS: \(error.message)", path: path)
                }
                polygons.append(copy.value.polygons)
            } else {
                polygons.append(geometry.value.polygons)
            }
        }
        guard !ids.isEmpty else { throw ExposureError("layer '\(layer.name)' has no features", path: path) }
        if polygons.allSatisfy(\.isEmpty) {
            var kinds: [String: Int] = [:]
            for item in notPolygons { kinds[item.type, default: 0] += 1 }
            var parts = kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            if withoutGeometry > 0 { parts.append("\(withoutGeometry) without geometry") }
            throw ExposureError("no feature of layer '\(layer.name)' is a polygon (\(parts.joined(separator: ", "))): regions must be polygons or multipolygons", path: path)
        }
        if let idField, !emptyIds.isEmpty {
            warnings.append("\(path): \(emptyIds.count) feature(s) have an empty '\(idField)' (features \(RegionSet.list(emptyIds.map(String.init))))")
        }
        if !duplicates.isEmpty {
            warnings.append("\(path): \(duplicates.count) id(s) are used by more than one feature (\(RegionSet.list(duplicates))); \(RegionSet.duplicateHint)")
        }
        self.path = path
        self.layerName = layer.name
        self.idField = idField
        self.nameField = nameField
        self.fieldNames = fieldNames
        self.attributes = attributes
        self.ids = ids
        self.names = names
        self.geometries = geometries
        self.spatialReference = srs
        self.polygons = polygons
        self.warnings = warnings
        self.densification = steps.map { steps in
            let text = steps.lowerBound == steps.upperBound ? RegionSet.format(steps.lowerBound)
                : "\(RegionSet.format(steps.lowerBound)) to \(RegionSet.format(steps.upperBound))"
            return "edges densified in the regions' CRS (\(srs.name)) to at most \(text) of its units between vertices (about one population cell), then reprojected to \(targetCRS.name)"
        }
    }

    public static func format(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    /// What makes a polygon unreadable by GEOS, found before GEOS says it in its own words: a ring whose last
    /// point is not its first, a ring of fewer than 4 points, a coordinate that is not a number.
    public static func ringProblem(_ value: GeometryValue) -> String? {
        let polygons = value.polygons
        for (p, polygon) in polygons.enumerated() {
            for (r, ring) in polygon.enumerated() {
                let which = (r == 0 ? "the outer ring" : "hole \(r)") + (polygons.count > 1 ? " of part \(p + 1)" : "")
                if let bad = ring.first(where: { !$0.x.isFinite || !$0.y.isFinite }) {
                    return "\(which) has a coordinate that is not a number (\(bad.x), \(bad.y))"
                }
                guard let first = ring.first, let last = ring.last else { continue }
                if first != last {
                    return "\(which) is not closed: its last point (\(last.x), \(last.y)) is not its first (\(first.x), \(first.y))"
                }
                if ring.count < 4 {
                    return "\(which) has \(ring.count) points; a ring needs at least 3 corners and its first point repeated at the end"
                }
            }
        }
        return nil
    }

    public static func largestCoordinate(_ value: GeometryValue) -> Double {
        value.polygons.joined().joined().reduce(0) { max($0, abs($1.x), abs($1.y)) }
    }

    /// GEOS's exception text in plain words, for the messages that say what is wrong with a geometry.
    public static func plainGEOSMessage(_ message: String) -> String {
        let lower = message.lowercased()
        if lower.contains("do not form a closed linestring") {
            return "a ring is not closed: its last point is not its first"
        }
        if lower.contains("invalid number of points in linearring") {
            return "a ring has fewer than 4 points: it needs 3 corners and its first point repeated at the end"
        }
        if lower.contains("invalid number of points in linestring") {
            return "a line has a single point"
        }
        if lower.contains("nan") || lower.contains("non-finite") || lower.contains("infinite") {
            return "a coordinate is not a number"
        }
        return "GEOS cannot read it: \(message)"
    }
}

/// Picks how finely to densify a region's edges before reprojection, so that an edge that is straight in
/// the regions' CRS follows its true curved course in the population grid's CRS (a parallel of latitude
/// around a polar stereographic grid is a circle, not the chord between its two end points), as
/// `ogr2ogr -segmentize` or gdalwarp's transformer do.
///
/// The step is one population cell expressed in the regions' CRS where the projection stretches that CRS
/// most over the region's envelope: the target length of a source unit is measured along x and along y at
/// 9 points of the envelope (finite differences through PROJ), and the largest is used. With vertices one
/// cell apart, the gap between the curved edge and its chords is far below a cell wherever the edge's
/// radius of curvature is more than a few cells, which is what makes coverage exact again; a finer step
/// would only add vertices. The step is bounded below so that no region grows beyond about 100,000
/// vertices (its perimeter / 100,000): a country drawn coarsely over a 30 m grid stays tractable, at a
/// chord error that is still metres. Without a cell size (callers that have no grid), the step is 1/256 of
/// the envelope's larger side.
public struct EdgeDensifier {
    public let transformation: CoordinateTransformation
    public let targetCellSize: Double?
    public static let maxVertices = 100_000.0

    public func step(for geometry: Geometry) throws -> Double? {
        let e = geometry.envelope
        let side = max(e.maxX - e.minX, e.maxY - e.minY)
        guard side > 0, side.isFinite else { return nil }
        let perimeter = RegionSet.perimeter(geometry.value)
        var step: Double
        if let cell = targetCellSize, cell > 0 {
            guard let stretch = try largestStretch(e, side: side) else { return nil }
            step = cell / stretch
        } else {
            step = side / 256
        }
        step = max(step, perimeter / EdgeDensifier.maxVertices)
        return step.isFinite && step > 0 ? step : nil
    }

    /// Target-CRS length of one source unit, the largest over the envelope's corners, edge midpoints and
    /// centre (nil when no point can be transformed).
    private func largestStretch(_ e: (minX: Double, maxX: Double, minY: Double, maxY: Double), side: Double) throws -> Double? {
        let h = side * 1e-6
        var points: [(Double, Double)] = []
        for y in [e.minY, (e.minY + e.maxY) / 2, e.maxY] {
            for x in [e.minX, (e.minX + e.maxX) / 2, e.maxX] { points.append((x, y)) }
        }
        // Each point with a step forward and backward along x and y (the forward one may leave the CRS's
        // domain, e.g. beyond the pole).
        var xs: [Double] = [], ys: [Double] = []
        for (x, y) in points {
            for (dx, dy) in [(0.0, 0.0), (h, 0), (-h, 0), (0, h), (0, -h)] {
                xs.append(x + dx)
                ys.append(y + dy)
            }
        }
        let ok: [Bool]
        do {
            ok = try transformation.transform(x: &xs, y: &ys)
        } catch {
            return nil
        }
        func usable(_ i: Int) -> Bool { ok[i] && xs[i].isFinite && ys[i].isFinite }
        func distance(_ a: Int, _ b: Int) -> Double { ((xs[a] - xs[b]) * (xs[a] - xs[b]) + (ys[a] - ys[b]) * (ys[a] - ys[b])).squareRoot() }
        var largest: Double?
        for p in 0..<points.count {
            let base = p * 5
            guard usable(base) else { continue }
            for (forward, backward) in [(base + 1, base + 2), (base + 3, base + 4)] {
                let other = usable(forward) ? forward : usable(backward) ? backward : nil
                guard let other else { continue }
                let stretch = distance(base, other) / h
                if stretch.isFinite { largest = max(largest ?? 0, stretch) }
            }
        }
        return largest.flatMap { $0 > 0 ? $0 : nil }
    }
}

extension RegionSet {
    /// Sum of the lengths of every ring's edges, in the geometry's CRS units.
    public static func perimeter(_ value: GeometryValue) -> Double {
        var total = 0.0
        for polygon in value.polygons {
            for ring in polygon where ring.count > 1 {
                for i in 1..<ring.count {
                    let dx = ring[i].x - ring[i - 1].x, dy = ring[i].y - ring[i - 1].y
                    total += (dx * dx + dy * dy).squareRoot()
                }
            }
        }
        return total
    }
}
