import Foundation
import GDALSwift

/// CRS and geotransform problems, and nodata and data-type edge cases.
enum RasterCases {
    static let csvOut = ["out/result.csv"]

    /// Population from cells of 1 with the 20 cells of the first two rows set to `special` (counted: 80 people).
    static func eightyPeople(_ special: Double) -> (Int, Int, Int) -> Double {
        { _, _, row in row < 2 ? special : 1 }
    }

    static var crs: [CorpusCase] {
        let crs = CorpusCase.Category.crs
        var cases: [CorpusCase] = []
        cases.append(corpusCase("population-without-crs", crs, Command.analyze(), .error(mentioning: ["pop.tif", "--assume-crs"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", epsg: nil)
        })
        cases.append(corpusCase("population-without-crs-assumed", crs, Command.analyze(extra: ["--assume-crs", "EPSG:32618"]),
                                .success(warning: ["pop.tif"]), outputs: csvOut, check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", epsg: nil)
        })
        cases.append(corpusCase("hazard-without-crs", crs, Command.analyze(), .error(mentioning: ["hazard.tif", "--assume-crs"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", epsg: nil)
        })
        cases.append(corpusCase("regions-shapefile-without-crs", crs, Command.analyze(regions: "in/regions.shp"), .error(mentioning: ["regions.shp", "--assume-crs"])) { workspace in
            try workspace.standardInputs()
            try workspace.vector("in/regions.shp", features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
        })
        cases.append(corpusCase("regions-shapefile-without-crs-assumed", crs, Command.analyze(regions: "in/regions.shp", extra: ["--assume-crs", "EPSG:32618"]),
                                .success(warning: ["regions.shp"]), outputs: csvOut, check: Checks.csv("out/result.csv", regions: 1, population: 50)) { workspace in
            try workspace.standardInputs()
            try workspace.vector("in/regions.shp", features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
        })
        cases.append(corpusCase("regions-csv-wkt-without-crs-assumed", crs,
                                ["analyze", "--population", "in/pop.tif", "--regions", "in/regions.csv", "--region-id", "code",
                                 "--csv", "out/result.csv", "--assume-crs", "EPSG:32618"],
                                .success(warning: ["regions.csv"]), outputs: csvOut, check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.csv", "WKT,code\n\"\(Fixture.squareWKT(columns: 0...5, rows: 0...10))\",A\n\"\(Fixture.squareWKT(columns: 5...10, rows: 0...10))\",B\n")
        })
        for (label, definition) in [("unknown-epsg", "EPSG:999999"), ("garbage", "not a crs at all"), ("empty", ""),
                                    ("proj-nonsense", "+proj=nosuchprojection +ellps=WGS84")] {
            cases.append(corpusCase("assume-crs-\(label)", crs, Command.analyze(extra: ["--assume-crs", definition]),
                                    .rejected(mentioning: ["--assume-crs"])) { workspace in
                try workspace.standardInputs()
                try workspace.raster("in/pop.tif", epsg: nil)
            })
        }
        let badTransforms: [(String, [Double]?)] = [
            ("rotated", [Fixture.originX, 100, 10, Fixture.originY, 10, -100]),
            ("no-geotransform", nil),
            ("zero-cell-size", [Fixture.originX, 0, 0, Fixture.originY, 0, 0]),
            ("nan-origin", [Double.nan, 100, 0, Fixture.originY, 0, -100]),
            ("infinite-cell-size", [Fixture.originX, .infinity, 0, Fixture.originY, 0, -100]),
        ]
        for (label, transform) in badTransforms {
            cases.append(corpusCase("population-\(label)", crs, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
                try workspace.standardInputs()
                try workspace.raster("in/pop.tif", geoTransform: transform)
            })
        }
        cases.append(corpusCase("hazard-rotated", crs, Command.analyze(), .error(mentioning: ["hazard.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", geoTransform: [Fixture.originX, 100, 5, Fixture.originY, 5, -100])
        })
        cases.append(corpusCase("hazard-no-geotransform", crs, Command.analyze(), .error(mentioning: ["hazard.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", geoTransform: nil)
        })
        cases.append(corpusCase("dem-rotated", crs, Command.inundate(), .error(mentioning: ["dem.tif"])) { workspace in
            try workspace.raster("in/dem.tif", width: 20, height: 20, geoTransform: [Fixture.originX, 100, 3, Fixture.originY, 3, -100])
        })
        cases.append(corpusCase("scene-rotated", crs, Command.water(), .error(mentioning: ["scene.tif"])) { workspace in
            try workspace.raster("in/scene.tif", width: 20, height: 20, bands: 6, type: .uint16,
                                 geoTransform: [Fixture.originX, 100, 3, Fixture.originY, 3, -100], noData: nil) { _, _, _ in 1000 }
        })
        // Some regions outside the grid get a warning (below); none inside at all is an error.
        cases.append(corpusCase("regions-all-outside-raster", crs, Command.analyze(), .error(mentioning: ["regions.geojson"])) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.geojson", Fixture.featureCollection([
                Fixture.region("A", "Far", Fixture.square(columns: 1000...1005, rows: 0...10)),
                Fixture.region("B", "Farther", Fixture.square(columns: 2000...2005, rows: 0...10)),
            ]))
        })
        cases.append(corpusCase("regions-one-outside-raster", crs, Command.analyze(), .success(warning: ["regions.geojson"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 50)) { workspace in
            try workspace.standardInputs()
            try workspace.write("in/regions.geojson", Fixture.featureCollection([
                Fixture.region("A", "West", Fixture.west), Fixture.region("B", "Far", Fixture.square(columns: 1000...1005, rows: 0...10)),
            ]))
        })
        cases.append(corpusCase("hazard-disjoint-from-population", crs, Command.analyze(), .success(warning: ["hazard.tif"]), outputs: csvOut) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", geoTransform: [Fixture.originX + 1e6, 100, 0, Fixture.originY, 0, -100]) { _, _, _ in 2 }
        })
        cases.append(corpusCase("hazard-geographic-over-utm-population", crs, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100, exposed: 100)) { workspace in
            // A WGS84 hazard of 2 m everywhere around (-75, 6.33): reprojected, everybody is exposed.
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", width: 60, height: 60, geoTransform: [-75.015, 0.0005, 0, 6.35, 0, -0.0005], epsg: 4326) { _, _, _ in 2 }
        })
        cases.append(corpusCase("hazard-crs-of-another-planet", crs, Command.analyze(), .error(mentioning: ["hazard.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", crs: "+proj=longlat +a=3396190 +rf=169.894447223612 +no_defs +type=crs") { _, _, _ in 2 }
        })
        cases.append(corpusCase("grid-crs-garbage", crs, Command.grid(like: nil, extra: ["--resolution", "100", "--crs", "garbage"]),
                                .rejected(mentioning: ["--crs"]), setup: Setups.census))
        cases.append(corpusCase("grid-crs-unknown-epsg", crs, Command.grid(like: nil, extra: ["--resolution", "100", "--crs", "EPSG:999999"]),
                                .rejected(mentioning: ["--crs"]), setup: Setups.census))
        cases.append(corpusCase("grid-like-without-crs", crs, Command.grid(), .error(mentioning: ["like.tif"])) { workspace in
            try Setups.census(workspace)
            try workspace.raster("in/like.tif", epsg: nil)
        })
        cases.append(corpusCase("grid-census-without-crs", crs, Command.grid(census: "in/census.shp", count: "code"),
                                .error(mentioning: ["census.shp"])) { workspace in
            try Setups.census(workspace)
            try workspace.vector("in/census.shp", features: [("12", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
        })
        cases.append(corpusCase("inundate-dem-without-crs", crs, Command.inundate(), .error(mentioning: ["dem.tif"])) { workspace in
            try workspace.raster("in/dem.tif", width: 20, height: 20, epsg: nil)
        })
        cases.append(corpusCase("water-scene-without-crs", crs, Command.water(), .error(mentioning: ["scene.tif"])) { workspace in
            try workspace.opticalScene("in/scene.tif", waterColumns: 8, epsg: nil)
        })
        cases.append(corpusCase("flood-extent-before-without-crs", crs, Command.optical(), .error(mentioning: ["before.tif"])) { workspace in
            try workspace.opticalScene("in/before.tif", waterColumns: 4, epsg: nil)
            try workspace.opticalScene("in/after.tif", waterColumns: 10)
        })
        return cases
    }

    static var nodata: [CorpusCase] {
        let nodata = CorpusCase.Category.nodata
        var cases: [CorpusCase] = []
        cases.append(corpusCase("population-all-nodata", nodata, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif") { _, _, _ in -9999 }
        })
        cases.append(corpusCase("population-nan-cells", nodata, Command.analyze(), .success(warning: ["pop.tif"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", noData: nil, values: eightyPeople(.nan))
        })
        for (label, value) in [("inf", Double.infinity), ("minus-inf", -Double.infinity)] {
            cases.append(corpusCase("population-\(label)-cells", nodata, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
                try workspace.standardInputs()
                try workspace.raster("in/pop.tif", values: eightyPeople(value))
            })
        }
        cases.append(corpusCase("population-sum-overflows", nodata, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .float64) { _, _, _ in 1e308 }
        })
        cases.append(corpusCase("population-negative-cells", nodata, Command.analyze(), .success(warning: ["pop.tif"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", values: eightyPeople(-3))
        })
        cases.append(corpusCase("population-signed-byte-nodata-minus-one", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            // PIXELTYPE=SIGNEDBYTE: the bytes 0xFF are -1, the nodata value, not 255 people.
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .byte, noData: -1, options: ["PIXELTYPE=SIGNEDBYTE"], as: UInt8.self) { _, _, row in row < 2 ? 0xFF : 1 }
        })
        cases.append(corpusCase("population-signed-byte-negative", nodata, Command.analyze(), .success(warning: ["pop.tif"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            // 0xFD is -3 people (negative: a warning), not 253; 0xFF is the nodata -1.
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .byte, noData: -1, options: ["PIXELTYPE=SIGNEDBYTE"], as: UInt8.self) { _, column, row in
                row < 2 ? (column < 5 ? 0xFD : 0xFF) : 1
            }
        })
        cases.append(corpusCase("population-uint64-nodata-near-2-64", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .uint64, noData: 18_446_744_073_709_551_615.0, values: eightyPeople(18_446_744_073_709_551_615.0))
        })
        cases.append(corpusCase("population-int64-nodata-minimum", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .int64, noData: -9_223_372_036_854_775_808.0, values: eightyPeople(-9_223_372_036_854_775_808.0))
        })
        cases.append(corpusCase("population-alpha-band", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            // Alpha 0 over the first two rows: those cells are not data, whatever band 1 holds there.
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", bands: 2, type: .byte, noData: nil, options: ["ALPHA=YES"], alpha: true) { band, _, row in
                band == 2 ? (row < 2 ? 0 : 255) : (row < 2 ? 50 : 1)
            }
        })
        cases.append(corpusCase("population-per-dataset-mask", nodata, Command.analyze(population: "in/pop.vrt"), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/values.tif", noData: nil, values: eightyPeople(50))
            try workspace.raster("in/mask.tif", type: .byte, noData: nil) { _, _, row in row < 2 ? 0 : 255 }
            try workspace.write("in/pop.vrt", maskedVRT(values: "values.tif", mask: "mask.tif", type: "Float32"))
        })
        cases.append(corpusCase("hazard-alpha-band", nodata, Command.analyze(), .success(warning: ["hazard.tif"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100, exposed: 50)) { workspace in
            // 2 m everywhere, but alpha 0 over the east half: hazard unknown there, not exposed.
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", bands: 2, type: .byte, noData: nil, options: ["ALPHA=YES"], alpha: true) { band, column, _ in
                band == 2 ? (column < 5 ? 255 : 0) : 2
            }
        })
        cases.append(corpusCase("hazard-per-dataset-mask", nodata, Command.analyze(hazard: "in/hazard.vrt"), .success(warning: ["hazard.vrt"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100, exposed: 50)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/depth.tif", noData: nil) { _, _, _ in 2 }
            try workspace.raster("in/mask.tif", type: .byte, noData: nil) { _, column, _ in column < 5 ? 255 : 0 }
            try workspace.write("in/hazard.vrt", maskedVRT(values: "depth.tif", mask: "mask.tif", type: "Float32"))
        })
        cases.append(corpusCase("hazard-all-nodata", nodata, Command.analyze(), .success(warning: ["hazard.tif"]), outputs: csvOut) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif") { _, _, _ in -9999 }
        })
        cases.append(corpusCase("hazard-nan-without-nodata", nodata, Command.analyze(), .success(warning: ["hazard.tif"]), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/hazard.tif", noData: nil) { _, column, _ in column < 5 ? .nan : 1 }
        })
        cases.append(corpusCase("population-complex-type", nodata, Command.analyze(), .error(mentioning: ["pop.tif"])) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .complex)
        })
        cases.append(corpusCase("population-scale-and-offset", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .int16) { _, _, _ in 4 }
            let dataset = try Dataset.open(workspace.path("in/pop.tif"), update: true)
            try dataset.band(1).setScaleAndOffset(scale: 0.5, offset: -1)
            try dataset.close()
        })
        cases.append(corpusCase("population-nan-nodata-declared", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", noData: .nan, values: eightyPeople(.nan))
        })
        cases.append(corpusCase("population-one-cell", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", width: 1, height: 1, geoTransform: [Fixture.originX, 1000, 0, Fixture.originY, 0, -1000]) { _, _, _ in 100 }
        })
        cases.append(corpusCase("population-band-missing", nodata, Command.analyze(extra: ["--population-band", "2"]),
                                .rejected(mentioning: ["re:pop\\.tif|--population-band"]), setup: Setups.standard))
        cases.append(corpusCase("population-band-zero", nodata, Command.analyze(extra: ["--population-band", "0"]),
                                .rejected(mentioning: ["re:pop\\.tif|--population-band"]), setup: Setups.standard))
        cases.append(corpusCase("population-int16-extremes", nodata, Command.analyze(), .success(warning: []), outputs: csvOut,
                                check: Checks.csv("out/result.csv", regions: 2, population: 80 + 10 * 32767)) { workspace in
            try workspace.standardInputs()
            try workspace.raster("in/pop.tif", type: .int16, noData: -32768) { _, column, row in row < 2 ? (column % 2 == 0 ? -32768 : 32767) : 1 }
        })
        cases.append(corpusCase("grid-negative-counts", nodata, Command.grid(), .success(warning: ["census.geojson"]), outputs: ["out/grid.tif"]) { workspace in
            try workspace.census("in/census.geojson", counts: ["-30", "70"])
            try workspace.raster("in/like.tif")
        })
        cases.append(corpusCase("grid-count-not-a-number", nodata, Command.grid(), .success(warning: ["census.geojson"]), outputs: ["out/grid.tif"]) { workspace in
            try workspace.census("in/census.geojson", counts: [#""many""#, "70"])
            try workspace.raster("in/like.tif")
        })
        cases.append(corpusCase("grid-count-nan-text", nodata, Command.grid(), .success(warning: ["census.geojson"]), outputs: ["out/grid.tif"]) { workspace in
            try workspace.census("in/census.geojson", counts: [#""NaN""#, "70"])
            try workspace.raster("in/like.tif")
        })
        cases.append(corpusCase("grid-counts-overflow", nodata, Command.grid(), .error(mentioning: ["census.geojson"])) { workspace in
            try workspace.census("in/census.geojson", counts: ["1.5e308", "1.5e308"])
            try workspace.raster("in/like.tif")
        })
        cases.append(corpusCase("grid-count-field-missing", nodata, Command.grid(count: "nobody"), .error(mentioning: ["census.geojson", "nobody"]),
                                setup: Setups.census))
        cases.append(corpusCase("grid-mask-all-zero", nodata, Command.grid(extra: ["--mask", "in/mask.tif"]), .success(warning: ["census.geojson"]),
                                outputs: ["out/grid.tif"]) { workspace in
            try Setups.census(workspace)
            try workspace.raster("in/mask.tif", type: .byte, noData: nil) { _, _, _ in 0 }
        })
        return cases
    }

    /// A VRT of one band with a per-dataset mask band read from `mask` (0 = not data).
    static func maskedVRT(values: String, mask: String, type: String) -> String {
        """
        <VRTDataset rasterXSize="10" rasterYSize="10">
          <SRS>EPSG:32618</SRS>
          <GeoTransform>\(Fixture.geoTransform.map { String($0) }.joined(separator: ", "))</GeoTransform>
          <VRTRasterBand dataType="\(type)" band="1">
            <SimpleSource><SourceFilename relativeToVRT="1">\(values)</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
          </VRTRasterBand>
          <MaskBand>
            <VRTRasterBand dataType="Byte">
              <SimpleSource><SourceFilename relativeToVRT="1">\(mask)</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
            </VRTRasterBand>
          </MaskBand>
        </VRTDataset>

        """
    }
}
