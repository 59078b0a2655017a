import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// A hazard in another CRS, finer than the population grid: the share of each population cell in each class
/// comes from n x n points per cell transformed with PROJ.
@Suite struct HazardAlignmentTests {
    @Test func aFinerHazardInAnotherCRSIsSharedOutByArea() throws {
        let dir = try TemporaryDirectory()
        // Population: 20 x 20 cells of 0.01 degrees around (-75, 0) (UTM 18N's central meridian), 100 each.
        let population = try Driver.named("GTiff").createRaster(path: dir.path("pop.tif"), width: 20, height: 20, bands: 1, type: .float32)
        try population.setGeoTransform([-75.1, 0.01, 0, 0.1, 0, -0.01])
        try population.setSpatialReference(SpatialReference(epsg: 4326))
        try population.band(1).write(RasterWindow(column: 0, row: 0, width: 20, height: 20), values: [Float](repeating: 100, count: 400))
        try population.close()
        // Hazard: 50 m cells in UTM 18N; 2 m deep west of easting 500,000 (longitude -75), dry east of it.
        let hazard = try Driver.named("GTiff").createRaster(path: dir.path("depth.tif"), width: 500, height: 500, bands: 1, type: .float32)
        try hazard.setGeoTransform([487_500, 50, 0, 12_500, 0, -50])
        try hazard.setSpatialReference(SpatialReference(epsg: 32618))
        let depths = (0..<250_000).map { i -> Float in 487_500 + (Double(i % 500) + 0.5) * 50 < 500_000 ? 2 : 0 }
        try hazard.band(1).write(RasterWindow(column: 0, row: 0, width: 500, height: 500), values: depths)
        try hazard.close()
        // One region: a square straddling the meridian, 0.06 degrees west and 0.04 east of it.
        let regions = dir.path("region.geojson")
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon",
        "coordinates":[[[-75.06,-0.05],[-74.96,-0.05],[-74.96,0.05],[-75.06,0.05],[-75.06,-0.05]]]}}]}
        """.write(toFile: regions, atomically: true, encoding: .utf8)

        var options = AnalysisOptions(populationPath: dir.path("pop.tif"), regionsPath: regions, idField: "id", threads: 2)
        options.hazardPath = dir.path("depth.tif")
        options.classes = try HazardClasses(thresholds: [1])
        let result = try ExposureAnalysis.run(options)
        #expect(result.samplingMode == .supersampled(16))
        let figures = result.figures[0]
        // 10 x 10 cells of 100 people inside; the western 6 columns flooded.
        #expect(abs(figures.population - 10_000) < 1e-6)
        #expect(abs(figures.exposed - 6_000) < 60)
        #expect(figures.hazardUnknown == 0)
    }
}
