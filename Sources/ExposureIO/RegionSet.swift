import ExposureCore
import Foundation
import GDALSwift

/// Regions (municipalities, census tracts...) read from a vector source: ids, names, the original
/// geometries (for output) and their polygons transformed to the working grid's CRS (for the engine).
public final class RegionSet {
    public let path: String
    public let layerName: String
    public let idField: String
    public let nameField: String?
    public let ids: [String]
    public let names: [String]
    /// The geometries as read (repaired where invalid), in the layer's CRS; nil where a feature had none.
    public let geometries: [Geometry?]
    public let spatialReference: SpatialReference
    /// Each region's polygons in the target CRS.
    public let polygons: [[PolygonRings]]
    public let warnings: [String]

    public var count: Int { ids.count }

    /// Reads every feature of the layer. `assumeCRS` is used only when the layer has no CRS.
    public init(path: String, layer layerName: String?, idField: String, nameField: String?,
                targetCRS: SpatialReference, assumeCRS: String?) throws {
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
        let fieldNames = layer.fields.map(\.name)
        for field in [idField] + (nameField.map { [$0] } ?? []) where !fieldNames.contains(field) {
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
        var seen = Set<String>()
        layer.resetReading()
        while let feature = try layer.nextFeature() {
            let id = feature[idField]?.description ?? ""
            let label = id.isEmpty ? "feature \(feature.fid)" : "region \(id)"
            if id.isEmpty { warnings.append("\(path): feature \(feature.fid) has an empty '\(idField)'") }
            if !seen.insert(id).inserted { warnings.append("\(path): the id '\(id)' is used by more than one feature") }
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
        self.path = path
        self.layerName = layer.name
        self.idField = idField
        self.nameField = nameField
        self.ids = ids
        self.names = names
        self.geometries = geometries
        self.spatialReference = srs
        self.polygons = polygons
        self.warnings = warnings
    }
}
