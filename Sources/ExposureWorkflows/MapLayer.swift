import ExposureCore
import Foundation
import GDALSwift
import Maps

/// The regions of a map read from their layer and brought into the map's CRS: the input's CRS when it is
/// projected, `--crs` when given, else the UTM zone of the regions' centre (never raw longitude and
/// latitude, on which no scale bar is right).
struct MapLayer {
    struct Region {
        let id: String
        let value: Double?
        /// hazard_unknown / population: the column `hazard_unknown_share`, or computed from `hazard_unknown`
        /// and `population`; nil when the layer has neither.
        let unknownShare: Double?
        let label: String?
        let polygons: [[[MapPoint]]]
        let labelPoint: MapPoint?
        let area: Double
    }

    let regions: [Region]
    let crs: SpatialReference
    let crsName: String
    let epsg: Int?
    let extent: MapExtent
    let groundMetresPerUnit: Double
    let northAngle: Double
    let vertexCount: Int
    /// Whether the layer can tell which regions have incomplete hazard data.
    let knowsUnknownShare: Bool

    static func read(_ source: MapSource, labels: MapOptions.Labels, crs requested: String?) throws -> MapLayer {
        let dataset = try Dataset.open(source.path, kinds: .vector)
        let layer = try source.layerName.map { try dataset.layer(named: $0) } ?? dataset.layer(at: 0)
        let names = Set(try layer.fields.map(\.name))
        let labelField: String? = switch labels {
        case .none: nil
        case .automatic: names.contains("region_name") ? "region_name" : nil
        case .field(let f): f
        }
        if let labelField, !names.contains(labelField) {
            throw ExposureError("--labels \(labelField): the layer has no such field (fields: \(names.sorted().joined(separator: ", ")))", path: source.path)
        }
        let idField = names.contains("region_id") ? "region_id" : nil
        let shareField = names.contains("hazard_unknown_share") ? "hazard_unknown_share" : nil
        let computeShare = shareField == nil && names.contains("hazard_unknown") && names.contains("population")

        let layerCRS = try layer.spatialReference() ?? SpatialReference(epsg: 4326)
        let geographic = try SpatialReference(epsg: 4326)
        let mapCRS: SpatialReference
        if let requested {
            mapCRS = try SpatialReference(definition: requested)
            guard mapCRS.isProjected else {
                throw ExposureError("--crs \(requested): \(mapCRS.name) is not projected; a map needs a projected CRS (metres), e.g. the UTM zone of the area")
            }
        } else if layerCRS.isProjected {
            mapCRS = layerCRS
        } else {
            guard let e = try layer.extent() else { throw ExposureError("the layer is empty: there is nothing to map", path: source.path) }
            let toGeographic = try CoordinateTransformation(from: layerCRS, to: geographic)
            let centre = try toGeographic.transform(x: (e.minX + e.maxX) / 2, y: (e.minY + e.maxY) / 2)
            mapCRS = try SpatialReference(epsg: utmZoneEPSG(longitude: centre.x, latitude: centre.y))
        }
        let toMap = layerCRS.isSame(as: mapCRS) ? nil : try CoordinateTransformation(from: layerCRS, to: mapCRS)

        func number(_ v: FieldValue?) -> Double? {
            switch v {
            case .integer(let i)?: Double(i)
            case .real(let d)? where d.isFinite: d
            default: nil
            }
        }
        var regions: [Region] = []
        var vertices = 0
        try layer.resetReading()
        while let feature = try layer.nextFeature() {
            guard let geometry = feature.geometry else { continue }
            let id = idField.flatMap { feature[$0]?.description } ?? String(feature.fid)
            if let toMap {
                do {
                    try geometry.transform(with: toMap)
                } catch let error as GDALError {
                    throw ExposureError("region \(id) cannot be brought into the map's CRS \(mapCRS.name) (\(error.message)); choose another with --crs", path: source.path)
                }
            }
            let polygons = geometry.value.polygons.map { $0.map { ring in ring.map { MapPoint(x: $0.x, y: $0.y) } } }
            guard !polygons.isEmpty else { continue }
            vertices += polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
            let share: Double? = if let shareField { number(feature[shareField]) } else if computeShare,
                let unknown = number(feature["hazard_unknown"]), let population = number(feature["population"]) {
                population > 0 ? unknown / population : 0
            } else { nil }
            let label = labelField.flatMap { feature[$0]?.description }.flatMap { $0.isEmpty ? nil : $0 }
            regions.append(Region(id: id, value: number(feature[source.field]), unknownShare: share, label: label, polygons: polygons,
                                  labelPoint: label == nil ? nil : geometry.pointOnSurface().map { MapPoint(x: $0.x, y: $0.y) },
                                  area: geometry.area))
        }
        guard !regions.isEmpty else { throw ExposureError("the layer holds no polygon: there is nothing to map", path: source.path) }
        guard let extent = regions.compactMap({ MapExtent.of($0.polygons) }).reduce(nil, { $0?.union($1) ?? $1 }) else {
            throw ExposureError("the regions have no finite coordinates in \(mapCRS.name)", path: source.path)
        }
        let (scale, north) = try groundScaleAndNorth(at: extent, crs: mapCRS, geographic: geographic)
        return MapLayer(regions: regions, crs: mapCRS, crsName: mapCRS.epsgCode.map { "\(mapCRS.name) (EPSG:\($0))" } ?? mapCRS.name,
                        epsg: mapCRS.epsgCode, extent: extent, groundMetresPerUnit: scale, northAngle: north,
                        vertexCount: vertices, knowsUnknownShare: shareField != nil || computeShare)
    }

    /// WGS 84 / UTM zone of a point: EPSG 326zz north of the equator, 327zz south.
    static func utmZoneEPSG(longitude: Double, latitude: Double) -> Int {
        let zone = min(60, max(1, Int(((longitude + 180) / 6).rounded(.down)) + 1))
        return (latitude >= 0 ? 32600 : 32700) + zone
    }

    /// Ground metres per map unit along x at the centre of `extent` (geodesic distance on WGS 84 between two
    /// points a hundredth of the width apart), and the direction of true north there, in radians clockwise
    /// from the map's up.
    static func groundScaleAndNorth(at extent: MapExtent, crs: SpatialReference, geographic: SpatialReference) throws -> (Double, Double) {
        let toGeographic = try CoordinateTransformation(from: crs, to: geographic)
        let fromGeographic = try CoordinateTransformation(from: geographic, to: crs)
        let cx = (extent.minX + extent.maxX) / 2, cy = (extent.minY + extent.maxY) / 2
        let d = max(extent.width, extent.height, 1e-6) / 100
        let a = try toGeographic.transform(x: cx - d / 2, y: cy), b = try toGeographic.transform(x: cx + d / 2, y: cy)
        let metres = Geodesic.distance(from: (a.x, a.y), to: (b.x, b.y))
        let centre = try toGeographic.transform(x: cx, y: cy)
        let up = try fromGeographic.transform(x: centre.x, y: min(89.9, centre.y + 0.01))
        let north = atan2(up.x - cx, up.y - cy)
        return (metres > 0 ? metres / d : crs.linearUnitsInMetres, north.isFinite ? north : 0)
    }
}
