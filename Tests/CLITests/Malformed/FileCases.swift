import Foundation
import GDALSwift

/// Missing, empty, truncated and wrong-format files, for every input of every command.
enum FileCases {
    static var all: [CorpusCase] {
        var cases: [CorpusCase] = []
        let files = CorpusCase.Category.files

        // analyze: each input missing, or replaced by something that is not a raster / vector source.
        let roles: [(role: String, path: String)] = [("population", "in/pop.tif"), ("regions", "in/regions.geojson"), ("hazard", "in/hazard.tif")]
        for (role, path) in roles {
            let name = (path as NSString).lastPathComponent
            cases.append(corpusCase("analyze-\(role)-missing", files, Command.analyze(), .error(mentioning: [name])) { workspace in
                try workspace.standardInputs()
                try FileManager.default.removeItem(atPath: workspace.path(path))
            })
            for broken in Broken.allCases {
                cases.append(corpusCase("analyze-\(role)-\(broken.rawValue)", files, Command.analyze(), .error(mentioning: [name])) { workspace in
                    try workspace.standardInputs()
                    try broken.make(workspace, path)
                })
            }
        }
        // Truncated GeoTIFFs: cut in the middle of the pixels, and just after the header.
        for (label, fraction, bytes) in [("half", 0.5, nil), ("header-only", 0, 16), ("one-byte-short", 0, -1)] as [(String, Double, Int?)] {
            for (role, path) in [("population", "in/pop.tif"), ("hazard", "in/hazard.tif")] {
                let name = (path as NSString).lastPathComponent
                cases.append(corpusCase("analyze-\(role)-truncated-\(label)", files, Command.analyze(), .error(mentioning: [name])) { workspace in
                    try workspace.standardInputs()
                    // A finer grid over the same ground, uncompressed, so there are pixels to cut off.
                    try workspace.raster(path, width: 200, height: 200, geoTransform: [Fixture.originX, 5, 0, Fixture.originY, 0, -5]) { _, _, _ in 0.0025 }
                    let size = try workspace.read(path).count
                    try workspace.truncate(path, fraction: fraction, bytes: bytes.map { $0 < 0 ? size + $0 : $0 })
                })
            }
        }
        cases.append(corpusCase("analyze-regions-truncated-geojson", files, Command.analyze(), .error(mentioning: ["regions.geojson"])) { workspace in
            try workspace.standardInputs()
            try workspace.truncate("in/regions.geojson", fraction: 0.6)
        })
        cases.append(corpusCase("analyze-regions-json-not-geojson", files, Command.analyze(), .error(mentioning: ["regions.geojson"])) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.geojson", #"{"name": "not features", "values": [1, 2, 3]}"#)
        })
        cases.append(corpusCase("analyze-regions-utf16", files, Command.analyze(), .error(mentioning: ["regions.geojson"])) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.geojson", data: Fixture.standardRegions.data(using: .utf16)!)
        })
        cases.append(corpusCase("analyze-regions-raster-given", files, Command.analyze(regions: "in/hazard.tif"), .error(mentioning: ["hazard.tif"]),
                                setup: Setups.standard))
        cases.append(corpusCase("analyze-population-vector-given", files, Command.analyze(population: "in/regions.geojson"),
                                .error(mentioning: ["regions.geojson"]), setup: Setups.standard))
        cases.append(corpusCase("analyze-population-gzip-named-tif", files, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.standardInputs()
            // gzip magic and a few bytes: what a download left compressed looks like.
            try workspace.write("in/pop.tif", data: Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03] + Array(repeating: 0x55, count: 200)))
        })
        cases.append(corpusCase("analyze-population-dangling-symlink", files, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.standardInputs()
            try FileManager.default.removeItem(atPath: workspace.path("in/pop.tif"))
            try FileManager.default.createSymbolicLink(atPath: workspace.path("in/pop.tif"), withDestinationPath: workspace.path("in/gone.tif"))
        })
        cases.append(corpusCase("analyze-shapefile-without-shx", files, Command.analyze(regions: "in/regions.shp", hazard: nil, extra: ["--assume-crs", "EPSG:32618"]),
                                .error(mentioning: ["regions.sh"])) { workspace in
            try workspace.standardInputs(hazard: false)
            try workspace.vector("in/regions.shp", features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
            try FileManager.default.removeItem(atPath: workspace.path("in/regions.shx"))
        })
        cases.append(corpusCase("analyze-shapefile-without-dbf", files, Command.analyze(regions: "in/regions.shp", hazard: nil, extra: ["--assume-crs", "EPSG:32618"]),
                                .error(mentioning: ["regions."])) { workspace in
            try workspace.standardInputs(hazard: false)
            try workspace.vector("in/regions.shp", features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
            try FileManager.default.removeItem(atPath: workspace.path("in/regions.dbf"))
        })
        cases.append(corpusCase("analyze-shapefile-truncated-shp", files, Command.analyze(regions: "in/regions.shp", hazard: nil, extra: ["--assume-crs", "EPSG:32618"]),
                                .error(mentioning: ["regions.shp"])) { workspace in
            try workspace.standardInputs(hazard: false)
            try workspace.vector("in/regions.shp", features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10)),
                                                              ("B", Fixture.squareWKT(columns: 5...10, rows: 0...10))])
            try workspace.truncate("in/regions.shp", fraction: 0.7)
        })

        // info
        cases.append(corpusCase("info-empty-path", files, ["info", ""], .rejected(mentioning: ["re:''|empty|PATH"])) { _ in })
        cases.append(corpusCase("info-missing", files, ["info", "in/nothing.tif"], .error(mentioning: ["nothing.tif"])) { _ in })
        for broken in Broken.allCases {
            cases.append(corpusCase("info-\(broken.rawValue)", files, ["info", "in/thing.tif"], .error(mentioning: ["thing.tif"])) { workspace in
                try broken.make(workspace, "in/thing.tif")
            })
        }
        cases.append(corpusCase("info-truncated-geotiff", files, ["info", "--json", "in/pop.tif"], .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.raster("in/pop.tif", width: 200, height: 200) { _, c, r in Double(c + r) }
            try workspace.truncate("in/pop.tif", fraction: 0.5)
        })

        // The other commands' inputs.
        cases.append(corpusCase("grid-census-missing", files, Command.grid(), .error(mentioning: ["census.geojson"])) { workspace in
            try workspace.raster("in/like.tif")
        })
        cases.append(corpusCase("grid-census-zero-byte", files, Command.grid(), .error(mentioning: ["census.geojson"])) { workspace in
            try Setups.census(workspace)
            try Broken.zeroByte.make(workspace, "in/census.geojson")
        })
        cases.append(corpusCase("grid-like-truncated", files, Command.grid(), .error(mentioning: ["like.tif"])) { workspace in
            try Setups.census(workspace)
            try workspace.raster("in/like.tif", width: 200, height: 200, geoTransform: [Fixture.originX, 5, 0, Fixture.originY, 0, -5])
            try workspace.truncate("in/like.tif", bytes: 300)
        })
        cases.append(corpusCase("grid-mask-text", files, Command.grid(extra: ["--mask", "in/mask.tif"]), .error(mentioning: ["mask.tif"])) { workspace in
            try Setups.census(workspace)
            try Broken.text.make(workspace, "in/mask.tif")
        })
        cases.append(corpusCase("inundate-dem-missing", files, Command.inundate(), .error(mentioning: ["dem.tif"])) { _ in })
        cases.append(corpusCase("inundate-dem-truncated", files, Command.inundate(), .error(mentioning: ["dem.tif"])) { workspace in
            try workspace.dem("in/dem.tif", size: 200)
            try workspace.truncate("in/dem.tif", fraction: 0.5)
        })
        cases.append(corpusCase("inundate-sea-zero-byte", files, Command.inundate(sea: ["--sea", "in/sea.tif"]), .error(mentioning: ["sea.tif"])) { workspace in
            try workspace.dem("in/dem.tif")
            try Broken.zeroByte.make(workspace, "in/sea.tif")
        })
        cases.append(corpusCase("water-image-missing", files, Command.water(), .error(mentioning: ["scene.tif"])) { _ in })
        cases.append(corpusCase("water-image-truncated", files, Command.water(), .error(mentioning: ["scene.tif"])) { workspace in
            try workspace.opticalScene("in/scene.tif", waterColumns: 50, size: 100)
            try workspace.truncate("in/scene.tif", fraction: 0.5)
        })
        cases.append(corpusCase("water-image-html", files, Command.water(), .error(mentioning: ["scene.tif"])) { workspace in
            try Broken.html.make(workspace, "in/scene.tif")
        })
        cases.append(corpusCase("index-image-garbage", files, Command.index(), .error(mentioning: ["scene.tif"])) { workspace in
            try Broken.garbage.make(workspace, "in/scene.tif")
        })
        cases.append(corpusCase("flood-extent-before-missing", files, Command.sar(), .error(mentioning: ["before.tif"])) { workspace in
            try workspace.sarScene("in/after.tif", waterColumns: 10)
        })
        cases.append(corpusCase("flood-extent-after-zero-byte", files, Command.sar(), .error(mentioning: ["after.tif"])) { workspace in
            try Setups.sarPair(workspace)
            try Broken.zeroByte.make(workspace, "in/after.tif")
        })
        cases.append(corpusCase("flood-extent-dem-directory", files, Command.sar(extra: ["--dem", "in/dem.tif"]), .error(mentioning: ["dem.tif"])) { workspace in
            try Setups.sarPair(workspace)
            try Broken.directory.make(workspace, "in/dem.tif")
        })
        cases.append(corpusCase("flood-extent-before-truncated", files, Command.sar(), .error(mentioning: ["before.tif"])) { workspace in
            try workspace.sarScene("in/before.tif", waterColumns: 40, size: 100)
            try workspace.sarScene("in/after.tif", waterColumns: 50, size: 100)
            try workspace.truncate("in/before.tif", fraction: 0.5)
        })

        // run: the scenario file itself.
        cases.append(corpusCase("run-scenario-missing", files, Command.run(), .error(mentioning: ["scenario.yaml"])) { _ in })
        cases.append(corpusCase("run-scenario-zero-byte", files, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try Broken.zeroByte.make(workspace, "in/scenario.yaml")
        })
        cases.append(corpusCase("run-scenario-directory", files, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try Broken.directory.make(workspace, "in/scenario.yaml")
        })
        cases.append(corpusCase("run-scenario-binary", files, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try Broken.garbage.make(workspace, "in/scenario.yaml")
        })
        cases.append(corpusCase("run-scenario-population-truncated", files, Command.run(), .error(mentioning: ["pop.tif"])) { workspace in
            try Setups.scenario(workspace)
            try workspace.raster("in/pop.tif", width: 200, height: 200, geoTransform: [Fixture.originX, 5, 0, Fixture.originY, 0, -5])
            try workspace.truncate("in/pop.tif", fraction: 0.5)
        })
        cases.append(corpusCase("run-scenario-hazard-text", files, Command.run(), .error(mentioning: ["hazard100.tif"])) { workspace in
            try Setups.scenario(workspace)
            try Broken.text.make(workspace, "in/hazard100.tif")
        })
        return cases
    }
}
