import Foundation
import GDALSwift
import TestSupport
import Testing

/// Outputs describe themselves: column titles and descriptions in the GeoPackage, its default style and its
/// manifest; column types beside a CSV; categories and provenance inside a mask GeoTIFF.
@Suite struct SelfDescribingOutputTests {
    func sqlite(_ database: String, _ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, query]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func geoPackageHoldsTitlesStyleAndManifest() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/sqlite3") else {
            #expect(ProcessInfo.processInfo.environment["EXPOSURE_REQUIRE_QGIS"] != "1", "sqlite3 is missing (make test installs it)")
            return
        }
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["analyze", "--population", "sample-rasters/population.tif", "--regions", "sample-rasters/municipalities.geojson",
                                  "--region-id", "code", "--region-name", "name", "--hazard", "sample-rasters/flood_baseline_rp100.tif",
                                  "--preset", "flood-depth", "--output", dir.path("flood.gpkg"), "--csv", dir.path("flood.csv"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let gpkg = dir.path("flood.gpkg")
        #expect(try sqlite(gpkg, "SELECT title FROM gpkg_data_columns WHERE column_name = 'displaced_per_100k'") == "Displaced per 100,000")
        #expect(try sqlite(gpkg, "SELECT description FROM gpkg_data_columns WHERE column_name = 'hazard_unknown'").contains("[people]"))
        #expect(try sqlite(gpkg, "SELECT count(*) FROM gpkg_data_columns WHERE table_name = 'exposure'") == "15")
        #expect(try sqlite(gpkg, "SELECT f_table_name, f_geometry_column, useAsDefault FROM layer_styles") == "exposure|geom|1")
        #expect(try sqlite(gpkg, "SELECT styleQML FROM layer_styles").contains("hazard data incomplete (&gt; 5 % of people)"))
        let embedded = try sqlite(gpkg, "SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r ON r.md_file_id = m.id WHERE r.table_name = 'exposure'")
        let manifest = try CLI.json(embedded)
        #expect((manifest["outputs"] as? [String])?.contains(gpkg) == true)
        #expect(((manifest["style"] as? [String: Any])?["incompleteRegions"] as? [String]) == ["RV04"])
        // The sidecar manifest is the same document.
        let sidecar = try CLI.json(String(contentsOfFile: gpkg + ".manifest.json", encoding: .utf8))
        #expect(sidecar["createdAt"] as? String == manifest["createdAt"] as? String)
        // CSV column types, one per column, in order.
        let csvt = try String(contentsOfFile: dir.path("flood.csvt"), encoding: .utf8)
        #expect(csvt.hasPrefix("\"String\",\"String\",\"Real\""))
        let header = try String(contentsOfFile: dir.path("flood.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(csvt.split(separator: ",").count == header.split(separator: ",").count)
    }

    @Test func masksCarryCategoriesAndProvenance() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["flood-extent", "--kind", "optical", "--sensor", "landsat8", "--before", "sample-rasters/optical_before.tif",
                                  "--after", "sample-rasters/optical_after.tif", "--output", dir.path("flood.tif"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let dataset = try Dataset.open(dir.path("flood.tif"))
        let names = try dataset.band(1).categoryNames
        #expect(FileManager.default.fileExists(atPath: dir.path("flood.tif.aux.xml")))
        #expect(names.count == 256, "\(names.count)")
        #expect(names.first == "not flooded" && names.dropFirst().first == "flooded" && names.last == "no data", "\(names.prefix(3))")
        let provenance = try CLI.json(try #require(dataset.metadata()["EXPOSURE_MANIFEST"]))
        let inputs = (provenance["inputs"] as? [[String: Any]]) ?? []
        #expect(inputs.count == 2 && inputs.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
        #expect(FileManager.default.fileExists(atPath: dir.path("flood.qml")))
    }
}
