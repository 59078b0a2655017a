import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// Regions read from files written in the test: edges densified before reprojection, and what a broken,
/// point or line geometry gives.
@Suite struct RegionReadingTests {
    /// A population grid of 1 person per cell on NSIDC's polar stereographic north (EPSG:3413): 100 x 100
    /// cells of 25 km centred on the pole.
    func polarGrid(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.path("arctic.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 100, height: 100, bands: 1, type: .float32)
        try dataset.setGeoTransform([-1_250_000, 25_000, 0, 1_250_000, 0, -25_000])
        try dataset.setSpatialReference(SpatialReference(epsg: 3413))
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 100, height: 100), values: [Float](repeating: 1, count: 10_000))
        try dataset.close()
        return path
    }

    func geojson(_ dir: TemporaryDirectory, _ name: String, _ features: [String]) throws -> String {
        let path = dir.path(name)
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func feature(_ id: String, _ geometry: String) -> String {
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"\(id)\"},\"geometry\":\(geometry)}"
    }

    /// Distance from the pole of latitude `phi` on EPSG:3413 (polar stereographic variant B, WGS84, standard
    /// parallel 70 N): rho = a m_c t / t_c (Snyder 1987, eq. 21-33, 21-34, 15-9).
    static func polarStereographicRadius(latitude phi: Double) -> Double {
        let a = 6_378_137.0, f = 1 / 298.257223563
        let e = (f * (2 - f)).squareRoot()
        func t(_ p: Double) -> Double { tan(.pi / 4 - p / 2) / pow((1 - e * sin(p)) / (1 + e * sin(p)), e / 2) }
        let c = 70.0 * .pi / 180
        let mc = cos(c) / (1 - e * e * sin(c) * sin(c)).squareRoot()
        return a * mc * t(phi * .pi / 180) / t(c)
    }

    @Test func aPolarCapInLonLatCoversItsCircleOnAPolarGrid() throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        // Latitude >= 80 N drawn as a lon/lat rectangle of 4 corners: in EPSG:3413 its bottom edge is the
        // circle of latitude 80, its top edge the pole. Transformed vertex by vertex it is a sliver of no area.
        let regions = try geojson(dir, "cap.geojson", [
            feature("cap", #"{"type":"Polygon","coordinates":[[[-180,80],[180,80],[180,90],[-180,90],[-180,80]]]}"#),
        ])
        let options = AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 2)
        let result = try ExposureAnalysis.run(options)
        let rho = Self.polarStereographicRadius(latitude: 80)
        let expected = Double.pi * rho * rho / (25_000 * 25_000)
        // rho is about 1,086 km: about 5,927 cells of 25 km.
        #expect(rho > 1_070_000 && rho < 1_090_000)
        let population80 = result.figures[0].population
        #expect(abs(population80 - expected) < 1e-4 * expected, "\(population80) people against \(expected)")
        let note = try #require(result.regions.densification)
        #expect(note.contains("densified"))
        #expect(note.contains("WGS 84"))
    }

    @Test func regionsInTheGridsCRSAreNotDensified() throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        let srs = try SpatialReference(epsg: 3413)
        let regions = dir.path("square.gpkg")
        let output = try Driver.named("GPKG").createVector(path: regions)
        let layer = try output.createLayer(name: "square", spatialReference: srs, geometryType: .polygon)
        try layer.createField(FieldDefinition(name: "id", type: .string))
        try layer.addFeature(values: [.string("sq")], geometry: Geometry(wkt: "POLYGON ((0 0,100000 0,100000 100000,0 100000,0 0))"))
        try output.close()
        let set = try RegionSet(path: regions, layer: nil, idField: "id", nameField: nil, targetCRS: srs,
                                targetCellSize: 25_000, assumeCRS: nil)
        #expect(set.densification == nil)
        #expect(set.polygons[0][0][0].count == 5)
        _ = population
    }

    @Test func densifiedEdgesFollowTheProjectedCurve() throws {
        let dir = try TemporaryDirectory()
        // A band from 80 to 85 N over a quarter of the longitudes: its vertices land on two circles.
        let regions = try geojson(dir, "band.geojson", [
            feature("b", #"{"type":"Polygon","coordinates":[[[0,80],[90,80],[90,85],[0,85],[0,80]]]}"#),
        ])
        let set = try RegionSet(path: regions, layer: nil, idField: "id", nameField: nil, targetCRS: SpatialReference(epsg: 3413),
                                targetCellSize: 25_000, assumeCRS: nil)
        let ring = set.polygons[0][0][0]
        // One cell (25 km) at the envelope's largest stretch (about 111 km per degree of latitude): 0.22 degree
        // steps, about 400 points along the 80 N edge.
        #expect(ring.count > 600 && ring.count < 1500)
        let rho80 = Self.polarStereographicRadius(latitude: 80), rho85 = Self.polarStereographicRadius(latitude: 85)
        for point in ring {
            let r = (point.x * point.x + point.y * point.y).squareRoot()
            #expect(abs(r - rho80) < 1 || abs(r - rho85) < 1 || (r > rho85 && r < rho80))
        }
        let onOuterCircle = ring.filter { abs(($0.x * $0.x + $0.y * $0.y).squareRoot() - rho80) < 1 }.count
        #expect(onOuterCircle > 300)
    }

    @Test func anUnclosedRingIsABrokenGeometryNamingFileAndRegion() throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        let regions = try geojson(dir, "open.geojson", [
            feature("fine", #"{"type":"Polygon","coordinates":[[[0,80],[90,80],[90,85],[0,80]]]}"#),
            feature("R7", #"{"type":"Polygon","coordinates":[[[0,80],[90,80],[90,85],[0,85]]]}"#),
        ])
        let options = AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 1)
        do {
            _ = try ExposureAnalysis.run(options)
            Issue.record("an unclosed ring must stop the run")
        } catch let error as ExposureError {
            #expect(error.path == regions)
            #expect(error.message.hasPrefix("region R7: the geometry is broken (the outer ring is not closed: its last point (0.0, 85.0) is not its first (0.0, 80.0))"))
            #expect(!error.message.contains("IllegalArgumentException"))
        }
    }

    @Test func aRingOfTooFewPointsIsBroken() throws {
        let dir = try TemporaryDirectory()
        let regions = try geojson(dir, "thin.geojson", [feature("T", #"{"type":"Polygon","coordinates":[[[0,80],[90,80],[0,80]]]}"#)])
        #expect {
            try RegionSet(path: regions, layer: nil, idField: "id", nameField: nil, targetCRS: SpatialReference(epsg: 4326), assumeCRS: nil)
        } throws: { error in
            "\(error)" == "\(regions): region T: the geometry is broken (the outer ring has 3 points; a ring needs at least 3 corners and its first point repeated at the end); fix it in the regions file (e.g. with QGIS's Fix geometries)"
        }
    }

    @Test func aCollectionKeepsItsPolygonsWithAWarningAndHugeCoordinatesAreBroken() throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        let regions = try geojson(dir, "collection.geojson", [
            feature("c", #"{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[[[-180,80],[180,80],[180,90],[-180,90],[-180,80]]]},{"type":"Point","coordinates":[0,85]}]}"#),
        ])
        let result = try ExposureAnalysis.run(AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 2))
        #expect(result.figures[0].population > 5_900)
        #expect(result.warnings.contains("\(regions): region c is a collection with 1 part(s) that are not polygons (POINT); they cover no area and are left out"))
        #expect(result.regions.geometries[0]?.nonPolygonalParts == [])

        let huge = try geojson(dir, "huge.geojson", [
            feature("h", #"{"type":"Polygon","coordinates":[[[-1e308,-1e308],[1e308,-1e308],[1e308,1e308],[-1e308,1e308],[-1e308,-1e308]]]}"#),
        ])
        #expect {
            try RegionSet(path: huge, layer: nil, idField: "id", nameField: nil, targetCRS: SpatialReference(epsg: 4326), assumeCRS: nil)
        } throws: { error in
            "\(error)".hasPrefix("\(huge): region h: the geometry is broken (its coordinates are so large that its area is not a number")
        }
    }

    @Test func pointsAndLinesGetZeroPopulationWithAWarning() throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        let regions = try geojson(dir, "mixed.geojson", [
            feature("cap", #"{"type":"Polygon","coordinates":[[[-180,80],[180,80],[180,90],[-180,90],[-180,80]]]}"#),
            feature("town", #"{"type":"Point","coordinates":[10,85]}"#),
            feature("road", #"{"type":"LineString","coordinates":[[10,85],[20,86]]}"#),
        ])
        let result = try ExposureAnalysis.run(AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 2))
        #expect(result.figures.map(\.population)[1...] == [0, 0])
        #expect(result.figures[0].population > 5_000)
        #expect(result.warnings.contains("\(regions): region town is a Point, not a polygon: it covers no area and is reported with zero population (and no geometry)"))
        #expect(result.warnings.contains { $0.contains("region road is a LineString, not a polygon") })
        #expect(result.regions.geometries[1] == nil)
    }

    @Test(arguments: [
        (#"{"type":"Point","coordinates":[10,85]}"#, "2 Point"),
        ("null", "2 without geometry"),
    ])
    func aLayerWithoutPolygonsIsAnErrorAboutTheRegions(geometry: String, count: String) throws {
        let dir = try TemporaryDirectory()
        let population = try polarGrid(dir)
        let regions = try geojson(dir, "nothing.geojson", [feature("a", geometry), feature("b", geometry)])
        do {
            _ = try ExposureAnalysis.run(AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 1))
            Issue.record("regions without a polygon must stop the run")
        } catch let error as ExposureError {
            #expect(error.path == regions)
            #expect(error.message == "no feature of layer 'nothing' is a polygon (\(count)): regions must be polygons or multipolygons")
        }
    }
}
