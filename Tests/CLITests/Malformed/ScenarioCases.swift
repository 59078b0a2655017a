import Foundation

/// Hostile scenario files for `exposure run`: every mistake must stop the run with `FILE:LINE: ...`, before
/// anything is written, and no derived path may leave --output-dir.
enum ScenarioCases {
    static let atLine = "re:scenario\\.yaml:[0-9]+"

    static func replacing(_ old: String, _ new: String) -> @Sendable (String) -> String {
        { text in
            precondition(text.contains(old), "the base scenario has no '\(old)'")
            return text.replacingOccurrences(of: old, with: new)
        }
    }

    static let regionsBlock = "regions:\n  file: regions.geojson\n  id: code\n  name: name\n"
    static let scenariosBlock = "scenarios:\n  baseline:\n    return_periods:\n      10: hazard10.tif\n      100: hazard100.tif\n"

    /// An inundation scenario named `name` (quoted as given) over in/dem.tif.
    static func inundation(name: String, seaLevel: String = "0.5", surge: String = "{10: 1, 100: 2}", edge: String = "east") -> String {
        "scenarios:\n  \(name):\n    inundation:\n      dem: dem.tif\n      sea_edge: \(edge)\n      sea_level: \(seaLevel)\n      surge: \(surge)\n"
    }

    static func withDEM(_ edit: @escaping @Sendable (String) -> String) -> Setup {
        { workspace in
            try workspace.scenarioInputs()
            try workspace.dem("in/dem.tif")
            try workspace.scenario(edit)
        }
    }

    static var all: [CorpusCase] {
        let s = CorpusCase.Category.scenario
        var cases: [CorpusCase] = []
        func scenario(_ name: String, _ edit: @escaping @Sendable (String) -> String, _ expected: CorpusCase.Expected = .error(mentioning: [atLine]),
                      outputs: [String] = [], check: (@Sendable (Workspace) throws -> [String])? = nil, dem: Bool = false,
                      outputDir: String = "out/run") {
            cases.append(corpusCase(name, s, Command.run(outputDir: outputDir), expected, outputs: outputs, check: check,
                                    setup: dem ? withDEM(edit) : Setups.scenarioEdited(edit)))
        }
        let band = { (value: String) in replacing("  preset: flood-depth\n", "  preset: flood-depth\n  band: \(value)\n") }
        scenario("hazard-band-1e20", band("1e20"))
        scenario("hazard-band-fraction", band("1.5"))
        scenario("hazard-band-zero", band("0"))
        scenario("hazard-band-negative", band("-1"))
        scenario("hazard-band-nan", band(".nan"))
        scenario("hazard-band-text", band("first"))
        scenario("hazard-band-missing", band("2"), .error(mentioning: ["re:scenario\\.yaml:[0-9]+|hazard10\\.tif"]))
        scenario("population-band-1e20", replacing("  raster: pop.tif\n", "  raster: pop.tif\n  band: 1e20\n"))
        scenario("population-band-beyond-int32", replacing("  raster: pop.tif\n", "  raster: pop.tif\n  band: 4294967297\n"))
        scenario("regions-empty-list", replacing(regionsBlock, "regions: []\n"))
        scenario("regions-empty-mapping", replacing(regionsBlock, "regions: {}\n"))
        scenario("regions-null", replacing(regionsBlock, "regions:\n"))
        scenario("population-null", replacing("population:\n  raster: pop.tif\n", "population:\n"))
        scenario("population-raster-empty", replacing("  raster: pop.tif\n", "  raster: ''\n"))
        scenario("population-raster-list", replacing("  raster: pop.tif\n", "  raster: [pop.tif, pop.tif]\n"))
        scenario("population-raster-directory", replacing("  raster: pop.tif\n", "  raster: .\n"), .error(mentioning: ["re:scenario\\.yaml:[0-9]+|in/?\\b"]))
        scenario("hazard-raster-directory", replacing("      100: hazard100.tif\n", "      100: ../in\n"),
                 .error(mentioning: ["re:scenario\\.yaml:[0-9]+|\\.\\./in"]))
        scenario("hazard-raster-binary-tag", replacing("      100: hazard100.tif\n", "      100: !!binary aGF6YXJkMTAwLnRpZg==\n"))
        scenario("unknown-key", replacing("hazard:\n", "hazards:\n"))
        scenario("duplicate-key", replacing("hazard:\n", "population:\n  raster: hazard10.tif\nhazard:\n"))
        scenario("duplicate-return-period", replacing("      100: hazard100.tif\n", "      100: hazard100.tif\n      10: hazard100.tif\n"))
        scenario("tab-indentation", replacing("  id: code\n", "\tid: code\n"))
        scenario("scalar-root", { _ in "just a sentence\n" })
        scenario("list-root", { _ in "- population\n- regions\n" })
        scenario("comments-only", { _ in "# nothing here\n# at all\n" }, .error(mentioning: ["scenario.yaml"]))
        cases.append(corpusCase("not-utf8-bytes", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            let text = Workspace.baseScenario.replacingOccurrences(of: "name: corpus scenario\n", with: "")
            try workspace.write("in/scenario.yaml", data: Data("name: caf".utf8) + Data([0xE9, 0x20, 0xFF, 0x0A]) + Data(text.utf8))
        })
        scenario("byte-order-mark", { "\u{FEFF}" + $0 }, .success(warning: []), outputs: Command.runOutputs)
        scenario("crlf-line-endings", { $0.replacingOccurrences(of: "\n", with: "\r\n") }, .success(warning: []), outputs: Command.runOutputs)
        // docs/cli.md: scenario files need no anchors or aliases, and refuse them (no alias bomb can expand).
        scenario("anchors-and-aliases-even-harmless", replacing("      10: hazard10.tif\n      100: hazard100.tif\n",
                                                                "      10: &flood hazard10.tif\n      100: *flood\n"))
        scenario("return-periods-decreasing", replacing("      10: hazard10.tif\n      100: hazard100.tif\n", "      100: hazard100.tif\n      10: hazard10.tif\n"))
        for (label, value) in [("zero", "0"), ("negative", "-10"), ("overflowing", "1e400"), ("infinite", ".inf"), ("nan", ".nan"), ("text", "often"),
                               ("below-one", "0.5"), ("huge", "1e20"), ("huge-negative", "-1e20")] {
            scenario("return-period-\(label)", replacing("      10: hazard10.tif\n", "      \(value): hazard10.tif\n"))
        }
        // Found by the fuzz run: a huge return period after another crashed formatting the error message.
        scenario("return-period-huge-negative-after-another", replacing("      100: hazard100.tif\n", "      -1e20: hazard100.tif\n"))
        scenario("return-periods-empty", replacing("    return_periods:\n      10: hazard10.tif\n      100: hazard100.tif\n", "    return_periods: {}\n"))
        scenario("scenarios-empty", replacing(scenariosBlock, "scenarios: {}\n"))
        scenario("scenarios-list", replacing(scenariosBlock, "scenarios:\n  - hazard10.tif\n  - hazard100.tif\n"))
        scenario("scenario-name-empty", replacing("  baseline:\n", "  '':\n"))
        scenario("name-is-a-mapping", replacing("name: corpus scenario\n", "name: {a: 1}\n"))
        scenario("classes-300", replacing("  preset: flood-depth\n", "  classes: [\((1...300).map { String($0) }.joined(separator: ", "))]\n"))
        scenario("classes-255", replacing("  preset: flood-depth\n", "  classes: [\((1...255).map { String($0) }.joined(separator: ", "))]\n"))
        scenario("classes-nan", replacing("  preset: flood-depth\n", "  classes: [0.5, .nan]\n"))
        scenario("rates-above-one", replacing("  preset: flood-depth\n", "  classes: [0.5]\n  rates: [3]\n"))
        scenario("preset-unknown", replacing("  preset: flood-depth\n", "  preset: meteor\n"))
        scenario("preset-and-classes", replacing("  preset: flood-depth\n", "  preset: flood-depth\n  classes: [1]\n"))
        scenario("dissolve-not-boolean", replacing("  name: name\n", "  name: name\n  dissolve: maybe\n"))
        scenario("region-id-field-missing", replacing("  id: code\n", "  id: nope\n"), .error(mentioning: ["re:scenario\\.yaml:[0-9]+|regions\\.geojson"]))
        scenario("assume-crs-unknown", { $0.replacingOccurrences(of: "name: corpus scenario\n", with: "name: corpus scenario\nassume_crs: EPSG:999999\n") })
        scenario("assume-crs-list", { $0.replacingOccurrences(of: "name: corpus scenario\n", with: "name: corpus scenario\nassume_crs: [EPSG:4326]\n") })

        // Region-set labels name output folders: they must stay inside --output-dir. The output folder is
        // deep inside the case's folder so that today's traversals land where the snapshot sees them.
        let deep = "out/1/2/3/4/5/6/run"
        for (label, value) in [("dot-dot-slash", "../escaped"), ("deep-escape", "../../../../escaped"), ("absolute", "/proc/exposure-corpus-escaped"),
                               ("dot", "."), ("dot-dot", ".."), ("empty", "''"), ("slash-inside", "a/b"), ("nul", "\"a\\0b\"")] {
            scenario("label-\(label)", replacing(regionsBlock, """
                regions:
                  - label: \(value)
                    file: regions.geojson
                    id: code
                  - label: second
                    file: regions.geojson
                    id: code

                """), outputDir: deep)
        }
        scenario("labels-duplicated", replacing(regionsBlock, "regions:\n  - label: same\n    file: regions.geojson\n    id: code\n  - label: same\n    file: regions.geojson\n    id: code\n"))

        // Scenario names name generated hazards (DIR/hazards/<scenario>_rp<T>.tif).
        for (label, value) in [("dot-dot-slash", "'../../../escaped'"), ("slash", "'a/b'"), ("absolute", "'/proc/exposure-corpus-escaped'"),
                               ("dot-dot", "'..'")] {
            scenario("inundation-scenario-name-\(label)", replacing(scenariosBlock, inundation(name: value)), dem: true, outputDir: deep)
        }
        scenario("inundation-valid", replacing(scenariosBlock, inundation(name: "surge")), .success(warning: []),
                 outputs: Command.runOutputs + ["out/run/hazards/surge_rp10.tif", "out/run/hazards/surge_rp100.tif"], dem: true)
        scenario("inundation-sea-level-nan", replacing(scenariosBlock, inundation(name: "surge", seaLevel: ".nan")), dem: true)
        scenario("inundation-sea-level-absurd", replacing(scenariosBlock, inundation(name: "surge", seaLevel: "1e9")),
                 .success(warning: ["re:scenario\\.yaml|dem\\.tif"]), outputs: Command.runOutputs, dem: true)
        scenario("inundation-surge-empty", replacing(scenariosBlock, inundation(name: "surge", surge: "{}")), dem: true)
        scenario("inundation-surge-text", replacing(scenariosBlock, inundation(name: "surge", surge: "{10: high}")), dem: true)
        scenario("inundation-sea-edge-unknown", replacing(scenariosBlock, inundation(name: "surge", edge: "up")), dem: true)
        scenario("inundation-dem-missing", replacing(scenariosBlock, inundation(name: "surge").replacingOccurrences(of: "dem.tif", with: "nodem.tif")), dem: true)
        // Names with commas and quotes are allowed (they must come out as RFC 4180 fields); control characters are not.
        scenario("scenario-name-commas-and-quotes", replacing("  baseline:\n", "  \"a,b \\\"d\\\"\":\n"), .success(warning: []), outputs: Command.runOutputs,
                 check: Checks.csv("out/run/annual.csv", regions: 2))
        scenario("scenario-name-newline", replacing("  baseline:\n", "  \"a\\nb\":\n"))
        scenario("scenario-name-twice", replacing(scenariosBlock, scenariosBlock + scenariosBlock.replacingOccurrences(of: "scenarios:\n", with: "")))

        // Census populations.
        func censusCase(_ name: String, _ lines: String, count: String = "people", _ expected: CorpusCase.Expected = .error(mentioning: [atLine])) {
            let edit = replacing("population:\n  raster: pop.tif\n", "population:\n  census:\n    file: census.geojson\n    count: \(count)\n" + lines)
            cases.append(corpusCase(name, s, Command.run(), expected) { workspace in
                try workspace.scenarioInputs()
                try workspace.census("in/census.geojson", counts: ["30", "70"])
                try workspace.scenario(edit)
            })
        }
        censusCase("census-resolution-zero", "    resolution: 0\n    crs: EPSG:32618\n")
        censusCase("census-resolution-negative", "    resolution: -100\n    crs: EPSG:32618\n")
        censusCase("census-resolution-too-fine", "    resolution: 1e-9\n    crs: EPSG:32618\n")
        censusCase("census-crs-garbage", "    resolution: 100\n    crs: not a crs\n")
        censusCase("census-like-missing", "    like: nothing.tif\n")
        censusCase("census-count-field-missing", "    like: pop.tif\n", count: "nobody",
                   .error(mentioning: ["re:scenario\\.yaml:[0-9]+|census\\.geojson"]))

        // Alias bombs: the parser must neither hang nor expand them.
        cases.append(corpusCase("alias-bomb-as-mapping-key", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try workspace.write("in/scenario.yaml", "? &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n: 0\n"
                + (1...9).map { level in "? &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n: \(level)\n" }.joined()
                + Workspace.baseScenario)
        })
        cases.append(corpusCase("alias-bomb-key-under-scenarios", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            var text = Workspace.baseScenario.replacingOccurrences(of: "name: corpus scenario\n", with: "name: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
            let levels = (1...9).map { level in "  ? &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n  : x\n" }.joined()
            text = text.replacingOccurrences(of: "scenarios:\n", with: "scenarios:\n" + levels)
            try workspace.write("in/scenario.yaml", text)
        })
        cases.append(corpusCase("alias-bomb-as-value", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            let anchors = "x: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                + (1...9).map { level in "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()
            try workspace.write("in/scenario.yaml", anchors + Workspace.baseScenario.replacingOccurrences(of: "name: corpus scenario", with: "name: *a9"))
        })
        cases.append(corpusCase("alias-bomb-merge-key", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            var anchors = "base0: &m0 {a: 1, b: 2}\n"
            for level in 1...20 { anchors += "base\(level): &m\(level) {<<: [*m\(level - 1), *m\(level - 1)], k\(level): \(level)}\n" }
            try workspace.write("in/scenario.yaml", anchors + Workspace.baseScenario.replacingOccurrences(of: "hazard:\n", with: "hazard:\n  <<: *m20\n"))
        })
        cases.append(corpusCase("deep-flow-nesting", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try workspace.write("in/scenario.yaml", "name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
        })
        cases.append(corpusCase("deep-flow-mapping-nesting", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try workspace.write("in/scenario.yaml", "name: " + String(repeating: "{a: ", count: 50_000) + "1" + String(repeating: "}", count: 50_000) + "\n")
        })
        cases.append(corpusCase("huge-single-line", s, Command.run(), .error(mentioning: ["scenario.yaml"])) { workspace in
            try workspace.scenarioInputs()
            try workspace.write("in/scenario.yaml", Workspace.baseScenario + "unknown: " + String(repeating: "z", count: 5_000_000) + "\n")
        })
        return cases
    }
}
