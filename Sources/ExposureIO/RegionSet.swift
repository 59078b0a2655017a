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

    public var count: Int { ids.count }

    static let duplicateHint = "each feature is reported as its own row"

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
    /// field, regions are numbered by feature id.
    public init(path: String, layer layerName: String?, idField: String?, nameField: String?,
                targetCRS: SpatialReference, assumeCRS: String?, requiredFields: [String] = []) throws {
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

        var ids: [String] = [], names: [String] = [], geometries: [Geometry?] = [], polygons: [[PolygonRings]] = []
        var attributes: [[FieldValue]] = []
        var seen = Set<String>()
        var emptyIds: [Int] = [], duplicates: [String] = [], duplicated = Set<String>()
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
                geometries.append(nil)
                polygons.append([])
                continue
            }
            if case .other(let type) = geometry.value {
                throw ExposureError("\(label) is a \(type), not a polygon or multipolygon", path: path)
            }
            if !geometry.isValid {
                geometry = try geometry.madeValid()
                warnings.append("\(path): \(label) had an invalid geometry (e.g. self-intersection); repaired with GEOS MakeValid")
            }
            geometries.append(geometry)
            if let transformation {
                let copy = try geometry.clone()
                do {
                    try copy.transform(with: transformation)
                } catch let error as GDALError {
                    throw ExposureError("\(label) cannot be transformed to the population grid's CRS: \(error.message)", path: path)
                }
                polygons.append(copy.value.polygons.map { $0.map { $0.map { MapPoint(x: $0.x, y: $0.y) } } })
            } else {
                polygons.append(geometry.value.polygons.map { $0.map { $0.map { MapPoint(x: $0.x, y: $0.y) } } })
            }
        }
        guard !ids.isEmpty else { throw ExposureError("layer '\(layer.name)' has no features", path: path) }
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
    }
}
