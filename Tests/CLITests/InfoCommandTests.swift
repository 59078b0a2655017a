import Foundation
import TestSupport
import Testing

@Suite struct InfoCommandTests {
    @Test func describesTheOlindaLandsatScene() throws {
        let result = try CLI.run(["info", "--json", CLI.olinda("L7_ETMs.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try CLI.json(result.stdout)
        #expect(info["kind"] as? String == "raster")
        #expect(info["driver"] as? String == "GTiff")
        #expect(info["width"] as? Int == 349)
        #expect(info["height"] as? Int == 352)
        #expect(info["bandCount"] as? Int == 6)
        #expect(info["epsg"] as? Int == 31985)
        let transform = try #require(info["geoTransform"] as? [Double])
        #expect(abs(transform[1] - 28.5) < 1e-6)
        let bands = try #require(info["bands"] as? [[String: Any]])
        #expect(bands.count == 6)
        #expect(bands[0]["dataType"] as? String == "Byte")
        #expect(bands[0]["noData"] is NSNull)
    }

    @Test func describesTheOlindaCensusTracts() throws {
        let result = try CLI.run(["info", "--json", CLI.olinda("olinda1.shp")])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try CLI.json(result.stdout)
        #expect(info["kind"] as? String == "vector")
        #expect(info["driver"] as? String == "ESRI Shapefile")
        let layers = try #require(info["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers[0]["featureCount"] as? Int == 470)
        #expect(layers[0]["geometryType"] as? String == "Polygon")
        // The .prj names only the GRS80 datum, no authority code: epsg is present and null.
        #expect(layers[0]["epsg"] is NSNull)
        let fields = try #require(layers[0]["fields"] as? [[String: Any]])
        #expect(fields.contains { $0["name"] as? String == "V014" && $0["type"] as? String == "Integer64" })
    }

    @Test func textOutputIsReadable() throws {
        let result = try CLI.run(["info", CLI.olinda("olinda_dem_utm25s.tif")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Size: 111 x 111 cells, 1 band(s)"))
        #expect(result.stdout.contains("Band 1: Float32"))
    }

    @Test func aMissingFileIsAClearErrorWithExitCode1() throws {
        let result = try CLI.run(["info", "/no/such/file.tif"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: /no/such/file.tif: No such file or directory\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func aTruncatedRasterIsAClearErrorWithExitCode1() throws {
        let dir = try TemporaryDirectory()
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.olinda("L7_ETMs.tif")))
        let truncated = dir.path("truncated.tif")
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: truncated))
        let result = try CLI.run(["info", truncated])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: \(truncated): "))
        #expect(!result.stderr.contains("Fatal"))
    }

    @Test func aFileGDALCannotReadIsAClearError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("notes.tif")
        try "this is not a raster".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["info", "--json", path])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(path): not recognized as a supported file format.\n")
    }
}
