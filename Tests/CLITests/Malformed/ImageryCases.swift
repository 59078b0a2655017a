import Foundation
import GDALSwift

/// Scenes and DEMs that leave nothing to detect: the commands succeed but say so, naming the file.
enum ImageryCases {
    static var all: [CorpusCase] {
        let i = CorpusCase.Category.imagery
        var cases: [CorpusCase] = []
        func water(_ name: String, _ expected: CorpusCase.Expected, extra: [String] = ["--sensor", "landsat7"], setup: @escaping Setup) {
            let outputs = OptionCases.expectedSuccess(expected) ? ["out/water.tif"] : []
            cases.append(corpusCase(name, i, Command.water(extra: extra), expected, outputs: outputs, setup: setup))
        }
        water("water-all-zero", .errorOrWarning(mentioning: ["scene.tif"])) { try $0.opticalScene("in/scene.tif", waterColumns: 0) { _, _, _ in 0 } }
        water("water-saturated", .errorOrWarning(mentioning: ["scene.tif"])) { try $0.opticalScene("in/scene.tif", waterColumns: 0) { _, _, _ in 65535 } }
        water("water-constant", .errorOrWarning(mentioning: ["scene.tif"])) { try $0.opticalScene("in/scene.tif", waterColumns: 0) { _, _, _ in 1234 } }
        water("water-all-nan", .errorOrWarning(mentioning: ["scene.tif"])) { workspace in
            try workspace.raster("in/scene.tif", width: 20, height: 20, bands: 6, noData: nil) { _, _, _ in .nan }
        }
        water("water-all-nodata", .errorOrWarning(mentioning: ["scene.tif"])) { workspace in
            try workspace.raster("in/scene.tif", width: 20, height: 20, bands: 6, type: .uint16, noData: 7) { _, _, _ in 7 }
        }
        water("water-one-pixel", .errorOrWarning(mentioning: ["scene.tif"])) { try $0.opticalScene("in/scene.tif", waterColumns: 1, size: 1) }
        water("water-threshold-out-of-range", .success(warning: ["re:scene\\.tif|--threshold"]), extra: ["--sensor", "landsat7", "--threshold", "5"],
              setup: Setups.scene)
        water("water-single-band-scene", .error(mentioning: ["scene.tif"])) { workspace in
            try workspace.raster("in/scene.tif", width: 20, height: 20, type: .uint16, noData: nil) { _, _, _ in 1000 }
        }
        water("water-scale-zero", .errorOrWarning(mentioning: ["scene.tif"])) { workspace in
            try workspace.opticalScene("in/scene.tif", waterColumns: 8)
            let dataset = try Dataset.open(workspace.path("in/scene.tif"), update: true)
            for b in 1...6 { try dataset.band(b).setScaleAndOffset(scale: 0, offset: 0) }
            try dataset.close()
        }
        water("water-geographic-distance", .success(warning: []), extra: ["--sensor", "landsat7", "--distance-output", "out/distance.tif"]) { workspace in
            try workspace.raster("in/scene.tif", width: 20, height: 20, bands: 6, type: .uint16,
                                 geoTransform: [-75, 0.001, 0, 6.34, 0, -0.001], epsg: 4326, noData: nil) { band, column, _ in
                (column < 8 ? [900, 1500, 700, 300, 150, 100] : [600, 800, 900, 3000, 2200, 1500])[band - 1] + Double(column % 3)
            }
        }
        cases.append(corpusCase("index-all-zero", i, Command.index(), .success(warning: ["scene.tif"]), outputs: ["out/ndvi.tif"]) { workspace in
            try workspace.opticalScene("in/scene.tif", waterColumns: 0) { _, _, _ in 0 }
        })

        // flood-extent (a scene without data may be named as either scene: "no pixel has data in both")
        func sar(_ name: String, _ expected: CorpusCase.Expected, extra: [String] = [], setup: @escaping Setup) {
            let outputs = OptionCases.expectedSuccess(expected) ? ["out/flood.tif"] : []
            cases.append(corpusCase(name, i, Command.sar(extra: extra), expected, outputs: outputs, setup: setup))
        }
        sar("sar-valid", .success(warning: []), setup: Setups.sarPair)
        sar("sar-disjoint-scenes", .success(warning: ["before.tif"])) { workspace in
            try workspace.raster("in/before.tif", width: 20, height: 20, geoTransform: [Fixture.originX + 500_000, 100, 0, Fixture.originY, 0, -100],
                                 noData: nil) { _, _, _ in -9 }
            try workspace.sarScene("in/after.tif", waterColumns: 10)
        }
        sar("sar-after-all-nodata", .success(warning: ["re:after\\.tif|before\\.tif"])) { workspace in
            try workspace.sarScene("in/before.tif", waterColumns: 4)
            try workspace.sarScene("in/after.tif", waterColumns: 0, noData: -9999) { _, _ in -9999 }
        }
        sar("sar-after-all-zero", .success(warning: ["re:after\\.tif|before\\.tif"])) { workspace in
            try workspace.sarScene("in/before.tif", waterColumns: 4)
            try workspace.sarScene("in/after.tif", waterColumns: 0) { _, _ in 0 }
        }
        sar("sar-negative-linear", .errorOrWarning(mentioning: ["after.tif"]), extra: ["--units", "linear"]) { workspace in
            try workspace.sarScene("in/before.tif", waterColumns: 4) { _, _ in 0.1 }
            try workspace.sarScene("in/after.tif", waterColumns: 10) { column, _ in column < 10 ? -0.01 : 0.1 }
        }
        sar("sar-infinite-values", .errorOrWarning(mentioning: ["re:after\\.tif|before\\.tif"])) { workspace in
            try workspace.sarScene("in/before.tif", waterColumns: 4)
            try workspace.sarScene("in/after.tif", waterColumns: 10) { column, _ in column < 10 ? -.infinity : .infinity }
        }
        sar("sar-band-missing", .rejected(mentioning: ["re:after\\.tif|before\\.tif|--sar-band"]), extra: ["--sar-band", "3"], setup: Setups.sarPair)
        sar("sar-dem-disjoint", .success(warning: ["dem.tif"]), extra: ["--dem", "in/dem.tif"]) { workspace in
            try Setups.sarPair(workspace)
            try workspace.raster("in/dem.tif", width: 20, height: 20, geoTransform: [Fixture.originX + 500_000, 100, 0, Fixture.originY, 0, -100]) { _, c, _ in Double(c) }
        }
        sar("sar-dem-all-nodata", .success(warning: ["dem.tif"]), extra: ["--dem", "in/dem.tif"]) { workspace in
            try Setups.sarPair(workspace)
            try workspace.dem("in/dem.tif") { _, _ in -9999 }
        }
        sar("sar-dem-single-cell", .errorOrWarning(mentioning: ["dem.tif"]), extra: ["--dem", "in/dem.tif"]) { workspace in
            try Setups.sarPair(workspace)
            try workspace.raster("in/dem.tif", width: 1, height: 1, geoTransform: [Fixture.originX, 2000, 0, Fixture.originY, 0, -2000]) { _, _, _ in 5 }
        }
        sar("sar-different-grids", .success(warning: []), setup: { workspace in
            try workspace.raster("in/before.tif", width: 7, height: 7, geoTransform: [Fixture.originX - 300, 330, 0, Fixture.originY + 300, 0, -330],
                                 noData: nil) { _, _, _ in -9 }
            try workspace.sarScene("in/after.tif", waterColumns: 10)
        })
        func optical(_ name: String, _ expected: CorpusCase.Expected, extra: [String] = [], setup: @escaping Setup) {
            let outputs = OptionCases.expectedSuccess(expected) ? ["out/flood.tif"] : []
            cases.append(corpusCase(name, i, Command.optical(extra: extra), expected, outputs: outputs, setup: setup))
        }
        optical("optical-valid", .success(warning: []), setup: Setups.opticalPair)
        optical("optical-disjoint-scenes", .success(warning: ["before.tif"])) { workspace in
            try workspace.raster("in/before.tif", width: 20, height: 20, bands: 6, type: .uint16,
                                 geoTransform: [Fixture.originX + 500_000, 100, 0, Fixture.originY, 0, -100], noData: nil) { _, c, _ in Double(1000 + c) }
            try workspace.opticalScene("in/after.tif", waterColumns: 10)
        }
        optical("optical-before-all-zero", .success(warning: ["before.tif"])) { workspace in
            try workspace.opticalScene("in/before.tif", waterColumns: 0) { _, _, _ in 0 }
            try workspace.opticalScene("in/after.tif", waterColumns: 10)
        }
        optical("optical-after-saturated", .success(warning: ["re:after\\.tif|before\\.tif"])) { workspace in
            try workspace.opticalScene("in/before.tif", waterColumns: 4)
            try workspace.opticalScene("in/after.tif", waterColumns: 0) { _, _, _ in 65535 }
        }
        optical("optical-before-single-band", .error(mentioning: ["before.tif"])) { workspace in
            try workspace.raster("in/before.tif", width: 20, height: 20, type: .uint16, noData: nil) { _, _, _ in 1000 }
            try workspace.opticalScene("in/after.tif", waterColumns: 10)
        }
        optical("optical-mixed-types", .success(warning: [])) { workspace in
            try workspace.raster("in/before.tif", width: 20, height: 20, bands: 6, type: .float32, noData: nil) { band, column, row in
                ((column < 4 ? [900, 1500, 700, 300, 150, 100] : [600, 800, 900, 3000, 2200, 1500])[band - 1] + Double((column * 7 + row * 13) % 11) * 10) / 10000
            }
            try workspace.opticalScene("in/after.tif", waterColumns: 10)
        }

        // inundate
        func inundate(_ name: String, _ expected: CorpusCase.Expected, sea: [String] = ["--sea", "in/sea.tif"], setup: @escaping Setup) {
            let outputs = OptionCases.expectedSuccess(expected) ? ["out/depth.tif"] : []
            cases.append(corpusCase(name, i, Command.inundate(sea: sea), expected, outputs: outputs, setup: setup))
        }
        inundate("inundate-sea-mask-empty", .success(warning: ["sea.tif"])) { workspace in
            try workspace.dem("in/dem.tif")
            try workspace.raster("in/sea.tif", width: 20, height: 20, type: .byte, noData: nil) { _, _, _ in 0 }
        }
        inundate("inundate-sea-mask-disjoint", .success(warning: ["sea.tif"])) { workspace in
            try workspace.dem("in/dem.tif")
            try workspace.raster("in/sea.tif", width: 20, height: 20, type: .byte,
                                 geoTransform: [Fixture.originX + 500_000, 100, 0, Fixture.originY, 0, -100], noData: nil) { _, _, _ in 1 }
        }
        inundate("inundate-sea-mask-all-nodata", .success(warning: ["sea.tif"])) { workspace in
            try workspace.dem("in/dem.tif")
            try workspace.raster("in/sea.tif", width: 20, height: 20, type: .byte, noData: 255) { _, _, _ in 255 }
        }
        inundate("inundate-dem-all-nodata", .success(warning: ["dem.tif"]), sea: ["--sea-edge", "east"]) { workspace in
            try workspace.dem("in/dem.tif") { _, _ in -9999 }
        }
        inundate("inundate-dem-all-nan", .success(warning: ["dem.tif"]), sea: ["--sea-edge", "east"]) { workspace in
            try workspace.dem("in/dem.tif", noData: nil) { _, _ in .nan }
        }
        // No DEM is too large (it is streamed: InundateMemoryTests); a bad sea mask is refused before any of a
        // 900 M-cell DEM is read.
        inundate("inundate-huge-dem-bad-sea-mask", .error(mentioning: ["sea.tif"])) { workspace in
            let dataset = try Driver.named("GTiff").createRaster(path: workspace.path("in/dem.tif"), width: 30_000, height: 30_000, bands: 1,
                                                                 type: .float32, options: ["SPARSE_OK=TRUE", "TILED=YES", "COMPRESS=DEFLATE"])
            try dataset.setGeoTransform(Fixture.geoTransform)
            try dataset.setSpatialReference(SpatialReference(epsg: Fixture.epsg))
            try dataset.close()
            try Data("not a raster\n".utf8).write(to: URL(fileURLWithPath: workspace.path("in/sea.tif")))
        }
        inundate("inundate-all-edges-below-level", .success(warning: []), sea: ["--sea-edge", "east", "--sea-edge", "west", "--sea-edge", "north",
                                                                                "--sea-edge", "south"], setup: Setups.demOnly)
        return cases
    }
}
