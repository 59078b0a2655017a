import GDALSwift
import Testing

@Suite struct SpatialReferenceTests {
    @Test func geographicToWebMercatorUsesLonLatOrder() throws {
        let t = try CoordinateTransformation(from: SpatialReference(epsg: 4326), to: SpatialReference(epsg: 3857))
        let p = try t.transform(x: 10, y: 50)
        // Web Mercator of 10 E, 50 N: x = R * lon(rad), y = R * ln(tan(pi/4 + lat/2)), R = 6378137.
        #expect(abs(p.x - 1_113_194.907_932_735_7) < 1e-6)
        #expect(abs(p.y - 6_446_275.841_017_158) < 1e-6)
    }

    @Test func centralMeridianOfUTMZone18NMapsToFalseEasting() throws {
        let t = try CoordinateTransformation(from: SpatialReference(epsg: 4326), to: SpatialReference(epsg: 32618))
        var xs = [-75.0, -75.0], ys = [0.0, 10.0]
        let ok = try t.transform(x: &xs, y: &ys)
        #expect(ok == [true, true])
        #expect(abs(xs[0] - 500_000) < 1e-6)
        #expect(abs(ys[0]) < 1e-6)
        #expect(abs(xs[1] - 500_000) < 1e-6)
        // Meridian arc length on WGS84 from the equator to 10 N, times the UTM scale factor 0.9996.
        #expect(abs(ys[1] - 1_105_854.833 * 0.9996) < 0.01)
    }

    @Test func parsesUserDefinitionsAndIdentifiesEPSG() throws {
        #expect(try SpatialReference(definition: "EPSG:31985").epsgCode == 31985)
        #expect(try SpatialReference(definition: "+proj=longlat +datum=WGS84 +no_defs").isGeographic)
        let wkt = try SpatialReference(epsg: 32618).wkt()
        #expect(wkt.contains("UTM zone 18N"))
        let fromWKT = try SpatialReference(definition: wkt)
        #expect(fromWKT.epsgCode == 32618)
        #expect(fromWKT.isSame(as: try SpatialReference(epsg: 32618)))
        #expect(!fromWKT.isSame(as: try SpatialReference(epsg: 4326)))
    }

    @Test func rejectsNonsenseCRS() {
        #expect(throws: GDALError.self) { try SpatialReference(definition: "not a crs at all") }
        #expect(throws: GDALError.self) { try SpatialReference(epsg: 999_999) }
    }
}
