import GDALSwift
import TestSupport
import Testing

@Suite struct VectorRoundTripTests {
    let square: GeometryValue = .polygon([[
        Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 0), Coordinate(x: 1, y: 1), Coordinate(x: 0, y: 1), Coordinate(x: 0, y: 0),
    ]])

    @Test(arguments: ["regions.gpkg", "regions.geojson"])
    func writesAndReadsFeatures(name: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path(name)
        let output = try Driver.vectorDriver(forPath: path).createVector(path: path)
        let layer = try output.createLayer(name: "regions", spatialReference: SpatialReference(epsg: 4326), geometryType: .multiPolygon)
        try layer.createField(FieldDefinition(name: "id", type: .string))
        try layer.createField(FieldDefinition(name: "population", type: .real))
        try layer.createField(FieldDefinition(name: "households", type: .integer))
        try layer.addFeature(values: [.string("A"), .real(12.5), .integer(3)], geometry: Geometry(square))
        try layer.addFeature(values: [.string("B"), .null, .integer(4)], geometry: Geometry(.multiPolygon([square.polygons[0]])))
        try output.close()

        let input = try Dataset.open(path, kinds: .vector)
        let read = try input.layer(at: 0)
        #expect(try read.featureCount == 2)
        #expect(try read.fields.map(\.name) == ["id", "population", "households"])
        #expect(try read.spatialReference()?.epsgCode == 4326)
        let features = try read.readFeatures()
        #expect(features[0]["id"] == .string("A"))
        #expect(features[0]["population"] == .real(12.5))
        #expect(features[1]["population"] == .null)
        #expect(features[1]["households"] == .integer(4))
        #expect(features[0].geometry?.value.polygons.first?.first?.count == 5)
        #expect(abs((features[1].geometry?.area ?? 0) - 1) < 1e-12)
    }

    @Test func repairsABowTie() throws {
        let bowTie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
        #expect(!bowTie.isValid)
        let repaired = try bowTie.madeValid()
        #expect(repaired.isValid)
        #expect(abs(repaired.area - 2) < 1e-12)
        #expect(repaired.value.polygons.count == 2)
    }

    @Test func reprojectsGeometry() throws {
        let point = try Geometry(.point(Coordinate(x: -75, y: 0)))
        try point.transform(with: CoordinateTransformation(from: SpatialReference(epsg: 4326), to: SpatialReference(epsg: 32618)))
        guard case .point(let p) = point.value else { Issue.record("expected a point"); return }
        #expect(abs(p.x - 500_000) < 1e-6)
    }

    @Test func aMissingLayerIsAnErrorListingTheLayers() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("one.gpkg")
        let output = try Driver.named("GPKG").createVector(path: path)
        _ = try output.createLayer(name: "municipalities", spatialReference: nil, geometryType: .polygon)
        try output.close()
        do {
            _ = try Dataset.open(path).layer(named: "districts")
            Issue.record("expected an error")
        } catch let error as GDALError {
            #expect(error.description.contains("municipalities"))
            #expect(error.path == path)
        }
    }
}
