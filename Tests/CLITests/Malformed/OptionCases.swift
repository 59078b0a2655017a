import Foundation

/// Option abuse (out-of-range, non-finite and nonsensical values, missing companions) and output paths
/// that collide with inputs, with each other, or cannot be written.
enum OptionCases {
    static var options: [CorpusCase] {
        let o = CorpusCase.Category.options
        var cases: [CorpusCase] = []
        func analyze(_ name: String, _ classes: [String], _ extra: [String] = [], _ expected: CorpusCase.Expected) {
            cases.append(corpusCase(name, o, Command.analyze(classes: classes, extra: extra), expected, setup: Setups.standard))
        }
        let thresholds = { (n: Int) in (1...n).map { String(Double($0) / 100) }.joined(separator: ",") }
        analyze("classes-255-thresholds", ["--classes", thresholds(255)], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-1000-thresholds", ["--classes", thresholds(1000)], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-251-thresholds", ["--classes", thresholds(251)], [], .rejected(mentioning: ["--classes"]))
        cases.append(corpusCase("classes-250-thresholds", o, Command.analyze(classes: ["--classes", thresholds(250)]), .success(warning: []),
                                outputs: ["out/result.csv"], check: Checks.csv("out/result.csv", regions: 2, population: 100), setup: Setups.standard))
        analyze("classes-empty", ["--classes", ""], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-not-numbers", ["--classes", "a,b"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-nan", ["--classes", "nan"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-inf", ["--classes", "0.5,inf"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-equal", ["--classes", "1,1"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-decreasing", ["--classes", "2,1"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-empty-item", ["--classes", "1,,2"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-trailing-comma", ["--classes", "1,2,"], [], .rejected(mentioning: ["--classes"]))
        analyze("classes-hex-and-words", ["--classes", "0x10,1e3,infinity"], [], .rejected(mentioning: ["--classes"]))
        analyze("rates-count-mismatch", ["--classes", "0.5,1", "--rates", "0.1"], [], .rejected(mentioning: ["--rates"]))
        analyze("rates-above-one", ["--classes", "0.5", "--rates", "2"], [], .rejected(mentioning: ["--rates"]))
        analyze("rates-nan", ["--classes", "0.5", "--rates", "nan"], [], .rejected(mentioning: ["--rates"]))
        analyze("rates-negative", ["--classes", "0.5", "--rates=-0.1"], [], .rejected(mentioning: ["--rates"]))
        analyze("rates-with-preset-mismatch", ["--preset", "flood-depth", "--rates", "0.1"], [], .rejected(mentioning: ["--rates"]))
        analyze("preset-unknown", ["--preset", "tsunami-of-doom"], [], .rejected(mentioning: ["--preset"]))
        analyze("preset-and-classes", ["--preset", "flood-depth", "--classes", "1"], [], .rejected(mentioning: ["--preset"]))
        analyze("threads-zero", ["--preset", "flood-depth"], ["--threads", "0"], .rejected(mentioning: ["--threads"]))
        analyze("threads-negative", ["--preset", "flood-depth"], ["--threads", "-3"], .rejected(mentioning: ["--threads"]))
        analyze("threads-too-many", ["--preset", "flood-depth"], ["--threads", "100000"], .rejected(mentioning: ["--threads"]))
        analyze("threads-nan", ["--preset", "flood-depth"], ["--threads", "nan"], .usageError(mentioning: ["--threads"]))
        analyze("hazard-band-zero", ["--preset", "flood-depth"], ["--band", "0"], .rejected(mentioning: ["re:hazard\\.tif|--band"]))
        analyze("hazard-band-missing", ["--preset", "flood-depth"], ["--band", "7"], .rejected(mentioning: ["re:hazard\\.tif|--band"]))
        analyze("hazard-band-huge", ["--preset", "flood-depth"], ["--band", "1e20"], .usageError(mentioning: ["--band"]))
        analyze("hazard-band-beyond-int32", ["--preset", "flood-depth"], ["--band", "4294967297"], .rejected(mentioning: ["re:hazard\\.tif|--band"]))
        analyze("population-band-beyond-int32", ["--preset", "flood-depth"], ["--population-band", "4294967297"], .rejected(mentioning: ["re:pop\\.tif|--population-band"]))
        analyze("unknown-option", ["--preset", "flood-depth"], ["--frobnicate", "1"], .usageError(mentioning: ["--frobnicate"]))
        cases.append(corpusCase("region-id-missing", o, ["analyze", "--population", "in/pop.tif", "--regions", "in/regions.geojson", "--csv", "out/r.csv"],
                                .usageError(mentioning: ["--region-id"]), setup: Setups.standard))
        cases.append(corpusCase("no-output-at-all", o, Command.analyze(csv: nil), .rejected(mentioning: ["--output"]), setup: Setups.standard))
        cases.append(corpusCase("classes-without-hazard", o, Command.analyze(hazard: nil, extra: ["--classes", "1"]), .rejected(mentioning: ["--hazard"]),
                                setup: Setups.standard))
        cases.append(corpusCase("output-empty-path", o, Command.analyze(csv: ""), .rejected(mentioning: ["--csv"]), setup: Setups.standard))
        cases.append(corpusCase("vector-output-empty-path", o, Command.analyze(csv: nil, extra: ["--output", ""]), .rejected(mentioning: ["--output"]),
                                setup: Setups.standard))

        // flood-extent
        func sar(_ name: String, _ extra: [String], _ expected: CorpusCase.Expected, setup: Setup? = nil) {
            cases.append(corpusCase(name, o, Command.sar(extra: extra), expected, setup: setup ?? Setups.sarPair))
        }
        sar("looks-zero", ["--looks", "0"], .rejected(mentioning: ["--looks"]))
        sar("looks-negative", ["--looks=-1"], .rejected(mentioning: ["--looks"]))
        sar("looks-nan", ["--looks", "nan"], .rejected(mentioning: ["--looks"]))
        sar("looks-inf", ["--looks", "inf"], .rejected(mentioning: ["--looks"]))
        sar("max-slope-negative", ["--dem", "in/dem.tif", "--max-slope=-5"], .rejected(mentioning: ["--max-slope"]), setup: { workspace in
            try Setups.sarPair(workspace)
            try workspace.dem("in/dem.tif")
        })
        sar("max-slope-nan", ["--dem", "in/dem.tif", "--max-slope", "nan"], .rejected(mentioning: ["--max-slope"]), setup: { workspace in
            try Setups.sarPair(workspace)
            try workspace.dem("in/dem.tif")
        })
        sar("max-slope-without-dem", ["--max-slope", "10"], .rejected(mentioning: ["--dem"]))
        sar("speckle-window-even", ["--speckle-window", "4"], .rejected(mentioning: ["--speckle-window"]))
        sar("speckle-window-negative", ["--speckle-window=-3"], .rejected(mentioning: ["--speckle-window"]))
        sar("speckle-window-huge", ["--speckle-window", "100001"], .rejected(mentioning: ["--speckle-window"]))
        sar("max-slope-above-ninety", ["--dem", "in/dem.tif", "--max-slope", "95"], .rejected(mentioning: ["--max-slope"]), setup: { workspace in
            try Setups.sarPair(workspace)
            try workspace.dem("in/dem.tif")
        })
        sar("min-pixels-zero", ["--min-pixels", "0"], .rejected(mentioning: ["--min-pixels"]))
        sar("water-db-nan", ["--water-db", "nan"], .rejected(mentioning: ["--water-db"]))
        sar("threshold-nan", ["--threshold", "nan"], .rejected(mentioning: ["--threshold"]))
        sar("threshold-inf", ["--threshold", "inf"], .rejected(mentioning: ["--threshold"]))
        sar("threshold-words", ["--threshold", "high"], .rejected(mentioning: ["--threshold"]))
        sar("units-unknown", ["--units", "furlongs"], .rejected(mentioning: ["--units"]))
        sar("speckle-unknown", ["--speckle", "gaussian"], .rejected(mentioning: ["--speckle"]))
        sar("sar-band-zero", ["--sar-band", "0"], .rejected(mentioning: ["re:after\\.tif|before\\.tif|--sar-band"]))
        sar("csv-without-population", ["--csv", "out/people.csv"], .rejected(mentioning: ["--population"]))
        sar("exposure-output-without-population", ["--exposure-output", "out/people.geojson"], .rejected(mentioning: ["--population"]))
        sar("region-name-without-population", ["--region-name", "name"], .rejected(mentioning: ["--population"]))
        sar("population-without-exposure-outputs", ["--population", "in/pop.tif", "--regions", "in/regions.geojson", "--region-id", "code"],
            .rejected(mentioning: ["--csv"]), setup: { workspace in
                try Setups.sarPair(workspace)
                try workspace.standardInputs(hazard: false)
            })
        cases.append(corpusCase("kind-unknown", o, ["flood-extent", "--kind", "lidar", "--before", "in/before.tif", "--after", "in/after.tif",
                                                    "--output", "out/flood.tif"], .usageError(mentioning: ["--kind"]), setup: Setups.sarPair))
        cases.append(corpusCase("optical-without-sensor", o, ["flood-extent", "--kind", "optical", "--before", "in/before.tif", "--after", "in/after.tif",
                                                              "--output", "out/flood.tif"], .rejected(mentioning: ["--sensor"]), setup: Setups.opticalPair))
        cases.append(corpusCase("optical-bands-beyond-scene", o, Command.optical(extra: ["--bands", "green=2,nir=99"]),
                                .rejected(mentioning: ["re:after\\.tif|before\\.tif|--bands"]), setup: Setups.opticalPair))

        // water and index
        func water(_ name: String, _ extra: [String], _ expected: CorpusCase.Expected) {
            cases.append(corpusCase(name, o, Command.water(extra: extra), expected, setup: Setups.scene))
        }
        water("water-sensor-unknown", ["--sensor", "hubble"], .rejected(mentioning: ["--sensor"]))
        water("water-bands-garbage", ["--bands", "green:2;nir:4"], .rejected(mentioning: ["--bands"]))
        water("water-bands-zero", ["--bands", "green=0,nir=4"], .rejected(mentioning: ["--bands"]))
        water("water-bands-missing-nir", ["--bands", "green=2"], .rejected(mentioning: ["--bands"]))
        water("water-bands-negative-huge", ["--bands", "green=-1,nir=99999999999999999999"], .rejected(mentioning: ["--bands"]))
        water("water-no-sensor", [], .rejected(mentioning: ["--sensor"]))
        water("water-index-ndvi", ["--sensor", "landsat7", "--index", "ndvi"], .rejected(mentioning: ["--index"]))
        water("water-threshold-words", ["--sensor", "landsat7", "--threshold", "otsu2"], .rejected(mentioning: ["--threshold"]))
        water("water-threshold-nan", ["--sensor", "landsat7", "--threshold", "nan"], .rejected(mentioning: ["--threshold"]))
        cases.append(corpusCase("index-unknown", o, ["index", "--image", "in/scene.tif", "--sensor", "landsat7", "--index", "evi", "--output", "out/evi.tif"],
                                .rejected(mentioning: ["--index"]), setup: Setups.scene))

        // inundate
        func inundate(_ name: String, level: String = "2", sea: [String] = ["--sea-edge", "east"], _ expected: CorpusCase.Expected) {
            cases.append(corpusCase(name, o, Command.inundate(level: level, sea: sea), expected,
                                    outputs: expectedSuccess(expected) ? ["out/depth.tif"] : [], setup: Setups.demOnly))
        }
        inundate("sea-level-nan", level: "nan", .rejected(mentioning: ["--sea-level"]))
        inundate("sea-level-inf", level: "inf", .rejected(mentioning: ["--sea-level"]))
        inundate("sea-level-absurd-high", level: "1e9", .success(warning: ["re:dem\\.tif|--sea-level"]))
        inundate("sea-level-absurd-low", level: "-1e9", .success(warning: ["re:dem\\.tif|--sea-level"]))
        inundate("sea-edge-unknown", sea: ["--sea-edge", "up"], .rejected(mentioning: ["--sea-edge"]))
        inundate("sea-not-given", sea: [], .rejected(mentioning: ["--sea"]))

        // grid
        func grid(_ name: String, _ extra: [String], _ expected: CorpusCase.Expected) {
            cases.append(corpusCase(name, o, Command.grid(like: nil, extra: extra), expected, setup: Setups.census))
        }
        grid("resolution-zero", ["--resolution", "0", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("resolution-negative", ["--resolution=-100", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("resolution-nan", ["--resolution", "nan", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("resolution-inf", ["--resolution", "inf", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("resolution-too-fine", ["--resolution", "1e-6", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("resolution-subnormal", ["--resolution", "5e-324", "--crs", "EPSG:32618"], .rejected(mentioning: ["--resolution"]))
        grid("like-and-resolution", ["--like", "in/like.tif", "--resolution", "100", "--crs", "EPSG:32618"], .rejected(mentioning: ["--like"]))

        // run
        for (label, threads) in [("zero", "0"), ("negative", "-1")] {
            cases.append(corpusCase("run-threads-\(label)", o, Command.run(extra: ["--threads", threads]), .rejected(mentioning: ["--threads"]),
                                    setup: Setups.scenario))
        }
        cases.append(corpusCase("run-output-dir-empty", o, Command.run(outputDir: ""), .rejected(mentioning: ["--output-dir"]), setup: Setups.scenario))
        return cases
    }

    static func expectedSuccess(_ expected: CorpusCase.Expected) -> Bool {
        if case .success = expected { return true }
        return false
    }

    static var outputs: [CorpusCase] {
        let o = CorpusCase.Category.outputs
        var cases: [CorpusCase] = []
        func analyze(_ name: String, csv: String? = "out/result.csv", _ extra: [String], _ mention: [String], setup: Setup? = nil) {
            cases.append(corpusCase(name, o, Command.analyze(csv: csv, extra: extra), .error(mentioning: mention), setup: setup ?? Setups.standard))
        }
        analyze("csv-is-population", csv: "in/pop.tif", [], ["pop.tif"])
        analyze("csv-is-regions", csv: "in/regions.geojson", [], ["regions.geojson"])
        analyze("csv-is-hazard", csv: "in/hazard.tif", [], ["hazard.tif"])
        analyze("output-is-regions", csv: nil, ["--output", "in/regions.geojson"], ["regions.geojson"])
        cases.append(corpusCase("output-is-regions-gpkg", o, Command.analyze(regions: "in/regions.gpkg", csv: nil, extra: ["--output", "in/regions.gpkg"]),
                                .error(mentioning: ["regions.gpkg"])) { workspace in
            try workspace.standardInputs()
            try workspace.vector("in/regions.gpkg", driver: "GPKG", epsg: 32618, features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
        })
        cases.append(corpusCase("regions-gpkg-output-elsewhere", o, Command.analyze(regions: "in/regions.gpkg", csv: nil, extra: ["--output", "out/result.gpkg"]),
                                .success(warning: []), outputs: ["out/result.gpkg", "out/result.gpkg.manifest.json"]) { workspace in
            try workspace.standardInputs()
            try workspace.vector("in/regions.gpkg", driver: "GPKG", epsg: 32618, features: [("A", Fixture.squareWKT(columns: 0...5, rows: 0...10))])
        })
        analyze("csv-is-population-other-spelling", csv: "in/../in/./pop.tif", [], ["pop.tif"])
        analyze("csv-equals-output", csv: "out/result.geojson", ["--output", "out/result.geojson"], ["result.geojson"])
        // Every output has its manifest beside it, OUTPUT.manifest.json (docs/cli.md): no other output may take that name.
        analyze("csv-is-manifest-of-output", csv: "out/result.geojson.manifest.json", ["--output", "out/result.geojson"], ["result.geojson.manifest.json"])
        analyze("output-is-manifest-of-csv", csv: "out/result.csv", ["--output", "out/result.csv.manifest.json"], ["result.csv.manifest.json"])
        analyze("csv-symlink-to-population", csv: "out/link.csv", [], ["re:link\\.csv|pop\\.tif"], setup: { workspace in
            try workspace.standardInputs()
            try FileManager.default.createSymbolicLink(atPath: workspace.path("out/link.csv"), withDestinationPath: workspace.path("in/pop.tif"))
        })
        // A hard link to an input may be replaced (renamed over), but the input behind it must not change.
        cases.append(corpusCase("csv-hard-link-to-regions", o, Command.analyze(csv: "out/link.csv"), .success(warning: []), outputs: ["out/link.csv"],
                                check: Checks.csv("out/link.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try FileManager.default.linkItem(atPath: workspace.path("in/regions.geojson"), toPath: workspace.path("out/link.csv"))
        })
        analyze("csv-is-a-directory", csv: "out/folder", [], ["folder"], setup: { workspace in
            try workspace.standardInputs()
            try workspace.mkdir("out/folder")
        })
        analyze("csv-trailing-slash", csv: "out/", [], ["out"])
        analyze("csv-folder-missing", csv: "out/missing/deeper/result.csv", [], ["missing"])
        analyze("csv-under-a-regular-file", csv: "in/pop.tif/result.csv", [], ["result.csv"])
        analyze("csv-unwritable-location", csv: "/proc/exposure-corpus-result.csv", [], ["exposure-corpus-result.csv"])
        analyze("output-unwritable-location", csv: nil, ["--output", "/proc/exposure-corpus-result.geojson"], ["exposure-corpus-result.geojson"])
        analyze("output-extension-unknown", csv: nil, ["--output", "out/result.txt"], ["result.txt"])
        analyze("output-no-extension", csv: nil, ["--output", "out/result"], ["result"])
        analyze("csv-name-too-long", csv: "out/" + String(repeating: "r", count: 300) + ".csv", [], ["rrrrrrrrrr"])
        analyze("second-output-fails", csv: "out/result.csv", ["--output", "out/missing/result.geojson"], ["result.geojson"])
        cases.append(corpusCase("csv-odd-but-valid-name", o, Command.analyze(csv: "out/ a\nb ,\"c\".csv"), .success(warning: []),
                                outputs: ["out/ a\nb ,\"c\".csv"], setup: Setups.standard))
        cases.append(corpusCase("csv-name-starting-with-dash", o, Command.analyze(csv: nil, extra: ["--csv=-result.csv"]), .success(warning: []),
                                outputs: ["-result.csv"], setup: Setups.standard))
        cases.append(corpusCase("outputs-replace-old-ones", o, Command.analyze(extra: ["--output", "out/result.geojson"]), .success(warning: []),
                                outputs: ["out/result.csv", "out/result.geojson", "out/result.csv.manifest.json", "out/result.geojson.manifest.json"],
                                check: Checks.csv("out/result.csv", regions: 2, population: 100)) { workspace in
            try workspace.standardInputs()
            try workspace.write("out/result.csv", "stale\n")
            try workspace.write("out/result.geojson", "stale\n")
            try workspace.write("out/result.csv.manifest.json", "stale\n")
            try workspace.write("out/result.geojson.manifest.json", "stale\n")
        })

        // flood-extent: outputs over inputs, and failures after the mask was written.
        func sar(_ name: String, output: String = "out/flood.tif", _ extra: [String], _ mention: [String]) {
            cases.append(corpusCase(name, o, Command.sar(output: output, extra: extra), .error(mentioning: mention)) { workspace in
                try Setups.sarPair(workspace)
                try workspace.standardInputs(hazard: false)
                try workspace.dem("in/dem.tif")
            })
        }
        let people = ["--population", "in/pop.tif", "--regions", "in/regions.geojson", "--region-id", "code"]
        sar("flood-output-is-before", output: "in/before.tif", [], ["before.tif"])
        sar("flood-output-is-after", output: "in/after.tif", [], ["after.tif"])
        sar("flood-output-is-dem", output: "in/dem.tif", ["--dem", "in/dem.tif"], ["dem.tif"])
        sar("flood-output-is-population", output: "in/pop.tif", people + ["--csv", "out/people.csv"], ["pop.tif"])
        sar("flood-csv-is-output", people + ["--csv", "out/flood.tif"], ["flood.tif"])
        sar("flood-csv-is-regions", people + ["--csv", "in/regions.geojson"], ["regions.geojson"])
        sar("flood-exposure-output-is-output", people + ["--exposure-output", "out/flood.tif"], ["flood.tif"])
        sar("flood-exposure-output-extension-unknown", people + ["--exposure-output", "out/people.txt"], ["people.txt"])
        sar("flood-population-missing", ["--population", "in/nobody.tif", "--regions", "in/regions.geojson", "--region-id", "code",
                                         "--csv", "out/people.csv"], ["nobody.tif"])
        sar("flood-regions-missing", ["--population", "in/pop.tif", "--regions", "in/nowhere.geojson", "--region-id", "code",
                                      "--csv", "out/people.csv"], ["nowhere.geojson"])
        sar("flood-region-id-missing-field", ["--population", "in/pop.tif", "--regions", "in/regions.geojson", "--region-id", "nope",
                                              "--csv", "out/people.csv"], ["nope"])
        sar("flood-csv-folder-missing", people + ["--csv", "out/missing/people.csv"], ["people.csv"])

        // water, index, inundate, grid: an output over an input, or two outputs on one path.
        cases.append(corpusCase("water-output-is-image", o, Command.water(output: "in/scene.tif"), .error(mentioning: ["scene.tif"]), setup: Setups.scene))
        cases.append(corpusCase("water-index-output-is-output", o, Command.water(extra: ["--sensor", "landsat7", "--index-output", "out/water.tif"]),
                                .error(mentioning: ["water.tif"]), setup: Setups.scene))
        cases.append(corpusCase("water-distance-output-is-image", o, Command.water(extra: ["--sensor", "landsat7", "--distance-output", "in/scene.tif"]),
                                .error(mentioning: ["scene.tif"]), setup: Setups.scene))
        cases.append(corpusCase("water-distance-output-folder-missing", o,
                                Command.water(extra: ["--sensor", "landsat7", "--distance-output", "out/missing/distance.tif"]),
                                .error(mentioning: ["distance.tif"]), setup: Setups.scene))
        cases.append(corpusCase("index-output-is-image", o, Command.index(output: "in/scene.tif"), .error(mentioning: ["scene.tif"]), setup: Setups.scene))
        cases.append(corpusCase("inundate-output-is-dem", o, Command.inundate(output: "in/dem.tif"), .error(mentioning: ["dem.tif"]), setup: Setups.demOnly))
        cases.append(corpusCase("inundate-output-is-sea", o, Command.inundate(output: "in/sea.tif", sea: ["--sea", "in/sea.tif"]),
                                .error(mentioning: ["sea.tif"])) { workspace in
            try workspace.dem("in/dem.tif")
            try workspace.raster("in/sea.tif", width: 20, height: 20, type: .byte, noData: nil) { _, column, _ in column > 17 ? 1 : 0 }
        })
        cases.append(corpusCase("grid-output-is-like", o, Command.grid(output: "in/like.tif"), .error(mentioning: ["like.tif"]), setup: Setups.census))
        cases.append(corpusCase("grid-output-is-mask", o, Command.grid(output: "in/mask.tif", extra: ["--mask", "in/mask.tif"]),
                                .error(mentioning: ["mask.tif"])) { workspace in
            try Setups.census(workspace)
            try workspace.raster("in/mask.tif", type: .byte, noData: nil) { _, _, _ in 1 }
        })
        cases.append(corpusCase("grid-output-is-census", o, Command.grid(output: "in/census.geojson"), .error(mentioning: ["census.geojson"]),
                                setup: Setups.census))

        // run: the output folder.
        cases.append(corpusCase("run-output-dir-is-a-file", o, Command.run(outputDir: "out/file"), .error(mentioning: ["file"])) { workspace in
            try Setups.scenario(workspace)
            try workspace.write("out/file", "not a folder\n")
        })
        cases.append(corpusCase("run-output-dir-holds-the-inputs", o, Command.run(outputDir: "in"), .error(mentioning: ["regions.geojson"]),
                                setup: Setups.scenario))
        cases.append(corpusCase("run-output-dir-under-a-file", o, Command.run(outputDir: "in/pop.tif/run"), .error(mentioning: ["run"]),
                                setup: Setups.scenario))
        cases.append(corpusCase("run-output-dir-unwritable", o, Command.run(outputDir: "/proc/exposure-corpus-run"), .error(mentioning: ["exposure-corpus-run"]),
                                setup: Setups.scenario))
        cases.append(corpusCase("run-fails-late-leaves-no-folder", o, Command.run(outputDir: "out/new/run"), .error(mentioning: ["hazard100.tif"])) { workspace in
            // Every file exists (the parser is happy) but the second hazard cannot be read.
            try Setups.scenario(workspace)
            try Broken.text.make(workspace, "in/hazard100.tif")
        })
        return cases
    }
}
