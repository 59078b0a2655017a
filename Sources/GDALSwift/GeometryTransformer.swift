import CGDAL

/// OGR's geometry transformer (`OGR_GeomTransformer_*`): a reprojection with options, such as
/// `WRAPDATELINE=YES`, which cuts a polygon at the antimeridian and gives a one-part multipolygon as a polygon.
/// It is what GDAL's GeoJSON driver applies to every feature in RFC 7946 mode. One thread at a time.
public final class GeometryTransformer {
    let handle: OGRGeomTransformerH
    /// Kept alive as long as the transformer that was made from it.
    private let transformation: CoordinateTransformation?

    /// `transformation` nil: no reprojection, only what the options do.
    public init(transformation: CoordinateTransformation?, options: [String]) throws {
        self.transformation = transformation
        handle = try withCStringList(options) { list in
            try GDALCall.handle(nil, "create geometry transformer") {
                OGR_GeomTransformer_Create(transformation?.handle, list)
            }
        }
    }

    deinit { OGR_GeomTransformer_Destroy(handle) }

    /// A new geometry: `geometry` reprojected and wrapped as the options say.
    public func transform(_ geometry: Geometry) throws -> Geometry {
        Geometry(owning: try GDALCall.handle(nil, "transform geometry") { OGR_GeomTransformer_Transform(handle, geometry.handle) })
    }
}
