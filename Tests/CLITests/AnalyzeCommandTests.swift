import Foundation
import GDALSwift
import TestSupport
import Testing

@Suite struct AnalyzeCommandTests {
    let sample = "sample-rasters"

    func analyzeSample(_ extra: [String], in dir: TemporaryDirectory) throws -> CLI.Result {
        try CLI.run(["analyze", "--population", "\(sample)/population.tif", "--regions", "\(sample)/municipalities.geojson",
                     "--region-id", "code", "--region-name", "name", "--quiet"] + extra)
    }

    /// Rows of a CSV written by exposure (no quoted commas in the sample's names).
    func readCSV(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func municipalitiesThatTileTheGridSumToItsTotal() throws {
        let dir = try TemporaryDirectory()
        let result = try analyzeSample(["--csv", dir.path("pop.csv")], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try readCSV(dir.path("pop.csv"))
        #expect(rows.count == 12)
        #expect(Array(rows[0].keys).sorted() == ["population", "region_id", "region_name"])
        let total = rows.compactMap { Double($0["population"] ?? "") }.reduce(0, +)
        // The grid's own total, read with GDAL (nodata excluded).
        let band = try Dataset.open(CLI.packageRoot.appendingPathComponent("\(sample)/population.tif").path).band(1)
        let noData = try band.noDataValue
        let cells = try band.readAll(as: Double.self).filter { $0 != noData }
        let gridTotal = cells.reduce(0, +)
        #expect(abs(total - gridTotal) <= 1e-6 * gridTotal)
    }

    @Test func floodAnalysisWritesGeoJSONCSVAndManifest() throws {
        let dir = try TemporaryDirectory()
        let result = try analyzeSample(["--hazard", "\(sample)/flood_baseline_rp100.tif", "--preset", "flood-depth",
                                        "--output", dir.path("flood.geojson"), "--csv", dir.path("flood.csv")], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try readCSV(dir.path("flood.csv"))
        let header = try String(contentsOfFile: dir.path("flood.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header == "region_id,region_name,population,exposed,displaced,exposed_share,displaced_per_100k,hazard_unknown,hazard_unknown_share,exposed_class_1,exposed_class_2,exposed_class_3,displaced_class_1,displaced_class_2,displaced_class_3")
        for row in rows {
            let population = Double(row["population"]!)!, exposed = Double(row["exposed"]!)!, displaced = Double(row["displaced"]!)!
            let classes = (1...3).map { Double(row["exposed_class_\($0)"]!)! }
            #expect(exposed <= population + 1e-6)
            #expect(displaced <= exposed + 1e-6)
            #expect(abs(classes.reduce(0, +) - exposed) < 1e-5)
            #expect(abs(displaced - (0.01 * classes[0] + 0.03 * classes[1] + 0.05 * classes[2])) < 1e-5)
        }
        // Somebody is exposed along the river, and the north-east corner outside the flood model is unknown.
        #expect(rows.contains { Double($0["exposed"]!)! > 1000 })
        #expect(rows.first { $0["region_id"] == "RV04" }.map { Double($0["hazard_unknown"]!)! > 0 } == true)

        let geojson = try CLI.json(String(contentsOfFile: dir.path("flood.geojson"), encoding: .utf8))
        let features = try #require(geojson["features"] as? [[String: Any]])
        #expect(features.count == 12)
        let properties = try #require(features[0]["properties"] as? [String: Any])
        #expect(properties["region_id"] as? String == "RV01")
        #expect(properties["displaced_per_100k"] is Double)
        // RFC 7946: longitude, latitude in WGS84.
        let geometry = try #require(features[0]["geometry"] as? [String: Any])
        let json = String(describing: geometry["coordinates"] ?? "")
        #expect(json.contains("-75.") && json.contains("6.1"))

        let manifest = try CLI.json(String(contentsOfFile: dir.path("flood.geojson.manifest.json"), encoding: .utf8))
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["role"] as? String } == ["population", "regions", "hazard"])
        #expect((inputs[0]["sha256"] as? String)?.count == 64)
        #expect(manifest["preset"] as? String == "flood-depth")
        let classes = try #require(manifest["classes"] as? [[String: Any]])
        #expect(classes.map { $0["displacementRate"] as? Double } == [0.01, 0.03, 0.05])
        #expect((manifest["hazardSampling"] as? String)?.contains("centre") == true)
        #expect(manifest["gdalVersion"] as? String != nil)
    }

    @Test func aGeoPackageOutputOpensWithItsFeatures() throws {
        let dir = try TemporaryDirectory()
        let result = try analyzeSample(["--output", dir.path("pop.gpkg")], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let layer = try Dataset.open(dir.path("pop.gpkg")).layer(at: 0)
        #expect(try layer.featureCount == 12)
        #expect(try layer.fields.map(\.name) == ["region_id", "region_name", "population"])
    }

    @Test func olindaCensusTractsOverTheDEMRunEndToEnd() throws {
        // Census tracts (geographic GRS80) over the SRTM DEM (UTM 25S) as a hazard "height below 5 m / 10 m",
        // with the Landsat grid (SIRGAS 2000 / UTM 25S, 28.5 m) as a uniform stand-in population of 1 per cell.
        let dir = try TemporaryDirectory()
        let landsat = try Dataset.open(CLI.olinda("L7_ETMs.tif"))
        let uniform = try Driver.named("GTiff").createRaster(path: dir.path("ones.tif"), width: landsat.width, height: landsat.height, bands: 1, type: .float32)
        try uniform.setGeoTransform(try #require(try landsat.geoTransform()))
        try uniform.setSpatialReference(try #require(try landsat.spatialReference()))
        try uniform.band(1).write(RasterWindow(column: 0, row: 0, width: landsat.width, height: landsat.height),
                                  values: [Float](repeating: 1, count: landsat.width * landsat.height))
        try uniform.close()
        let result = try CLI.run(["analyze", "--population", dir.path("ones.tif"), "--regions", CLI.olinda("olinda1.shp"),
                                  "--region-id", "CD_GEOCODI", "--region-name", "NM_BAIR", "--hazard", CLI.olinda("olinda_dem_utm25s.tif"),
                                  "--classes=-10,5,10", "--csv", dir.path("olinda.csv"), "--output", dir.path("olinda.geojson")])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try readCSV(dir.path("olinda.csv"))
        #expect(rows.count == 470)
        // With one person per 28.5 m cell, a tract's population is its area inside the scene in cells.
        let cells = rows.compactMap { Double($0["population"]!) }.reduce(0, +)
        #expect(cells > 10_000 && cells < Double(landsat.width * landsat.height))
        let exposed = rows.compactMap { Double($0["exposed"]!) }.reduce(0, +)
        #expect(exposed > 0.9 * cells)
        // The manifest fingerprints the shapefile's attribute table too, not only its geometry file.
        let manifest = try CLI.json(String(contentsOfFile: dir.path("olinda.geojson.manifest.json"), encoding: .utf8))
        let regions = try #require((manifest["inputs"] as? [[String: Any]])?.first { $0["role"] as? String == "regions" })
        let sidecars = try #require(regions["sidecarSHA256"] as? [String: String])
        #expect(sidecars.keys.contains { $0.hasSuffix("olinda1.dbf") })
    }

    @Test func missingIdFieldListsTheFields() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["analyze", "--population", "\(sample)/population.tif", "--regions", "\(sample)/municipalities.geojson",
                                  "--region-id", "cod", "--csv", dir.path("x.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(sample)/municipalities.geojson: layer 'municipalities' has no field 'cod'"))
        #expect(result.stderr.contains("code, name, department"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.csv")))
    }

    @Test func aRasterWithoutCRSNeedsAssumeCRS() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("nocrs.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 600, height: 360, bands: 1, type: .float32)
        try dataset.setGeoTransform([-75.6, 3.0 / 3600, 0, 6.1, 0, -3.0 / 3600])
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 600, height: 360), values: [Float](repeating: 2, count: 600 * 360))
        try dataset.close()
        let args = ["analyze", "--population", path, "--regions", "\(sample)/municipalities.geojson", "--region-id", "code", "--csv", dir.path("x.csv")]
        let refused = try CLI.run(args)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: \(path): the population raster has no CRS; give one with --assume-crs"))
        let assumed = try CLI.run(args + ["--assume-crs", "EPSG:4326"])
        #expect(assumed.status == 0, "\(assumed.stderr)")
        #expect(assumed.stderr.contains("warning: \(path): the population raster has no CRS; assuming EPSG:4326"))
        let total = try readCSV(dir.path("x.csv")).compactMap { Double($0["population"]!) }.reduce(0, +)
        #expect(abs(total - 2 * 600 * 360) < 1e-6)
    }

    @Test func disjointExtentsAreAnError() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["analyze", "--population", CLI.olinda("L7_ETMs.tif"), "--regions", "\(sample)/municipalities.geojson",
                                  "--region-id", "code", "--csv", dir.path("x.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no region overlaps the population grid"))
    }

    @Test func allNodataPopulationIsAnError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("empty.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 60, height: 36, bands: 1, type: .float32)
        try dataset.setGeoTransform([-75.6, 30.0 / 3600, 0, 6.1, 0, -30.0 / 3600])
        try dataset.setSpatialReference(SpatialReference(epsg: 4326))
        try dataset.band(1).setNoDataValue(-1)
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 60, height: 36), values: [Float](repeating: -1, count: 60 * 36))
        try dataset.close()
        let result = try CLI.run(["analyze", "--population", path, "--regions", "\(sample)/municipalities.geojson",
                                  "--region-id", "code", "--csv", dir.path("x.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(path): the population raster has no data (only nodata) inside the regions"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.csv")))
    }

    @Test func invalidGeometriesAreRepairedWithAWarning() throws {
        let dir = try TemporaryDirectory()
        let regions = dir.path("bowtie.geojson")
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"bow"},"geometry":{"type":"Polygon","coordinates":[[[-75.5,5.9],[-75.4,6.0],[-75.4,5.9],[-75.5,6.0],[-75.5,5.9]]]}}]}
        """.write(toFile: regions, atomically: true, encoding: .utf8)
        let result = try CLI.run(["analyze", "--population", "\(sample)/population.tif", "--regions", regions,
                                  "--region-id", "id", "--csv", dir.path("x.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("region bow had an invalid geometry"))
        let population = try #require(Double(try readCSV(dir.path("x.csv"))[0]["population"]!))
        #expect(population > 0)
    }

    @Test func anOutputInAMissingFolderFailsCleanly() throws {
        let result = try CLI.run(["analyze", "--population", "\(sample)/population.tif", "--regions", "\(sample)/municipalities.geojson",
                                  "--region-id", "code", "--output", "/no/such/folder/out.geojson"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: /no/such/folder/out.geojson: the output folder /no/such/folder does not exist"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let noOutput = try CLI.run(["analyze", "--population", "p.tif", "--regions", "r.gpkg", "--region-id", "id"])
        #expect(noOutput.status != 0)
        #expect(noOutput.stderr.contains("--output"))
        let badClasses = try CLI.run(["analyze", "--population", "\(sample)/population.tif", "--regions", "\(sample)/municipalities.geojson",
                                      "--region-id", "code", "--hazard", "\(sample)/flood_baseline_rp10.tif", "--classes", "1,0.5",
                                      "--csv", "/tmp/never.csv"])
        #expect(badClasses.status == 1)
        #expect(badClasses.stderr.contains("class thresholds must increase strictly"))
    }

    @Test func helpListsPresetsAndExamples() throws {
        let help = try CLI.run(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("flood-depth"))
        #expect(help.stdout.contains("storm-surge"))
        #expect(help.stdout.contains("Examples:"))
    }
}

@Suite struct GridRefusalTests {
    @Test func aRotatedPopulationGridIsRefusedWithAFix() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("rotated.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 10, height: 10, bands: 1, type: .float32)
        try dataset.setGeoTransform([-75.6, 0.01, 0.002, 6.1, 0.002, -0.01])
        try dataset.setSpatialReference(SpatialReference(epsg: 4326))
        try dataset.close()
        let result = try CLI.run(["analyze", "--population", path, "--regions", "sample-rasters/municipalities.geojson",
                                  "--region-id", "code", "--csv", dir.path("x.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: \(path): the raster is rotated or sheared"))
        #expect(result.stderr.contains("gdalwarp"))
    }

    @Test func infoListsNetCDFSubdatasetsAndAnalyzeAsksForOne() throws {
        let dir = try TemporaryDirectory()
        let source = try Driver.named("MEM").createRaster(path: "", width: 3, height: 2, bands: 2, type: .float32)
        try source.setGeoTransform([0, 1, 0, 2, 0, -1])
        try source.setSpatialReference(SpatialReference(epsg: 4326))
        try Driver.named("netCDF").createCopy(path: dir.path("flood.nc"), from: source).close()
        let result = try CLI.run(["info", "--json", dir.path("flood.nc")])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try CLI.json(result.stdout)
        #expect((info["subdatasets"] as? [String])?.count == 2)
        let analyze = try CLI.run(["analyze", "--population", dir.path("flood.nc"), "--regions", "sample-rasters/municipalities.geojson",
                                   "--region-id", "code", "--csv", dir.path("x.csv")])
        #expect(analyze.status == 1)
        #expect(analyze.stderr.contains("holds several variables; pick one, e.g. NETCDF:"))
    }
}
