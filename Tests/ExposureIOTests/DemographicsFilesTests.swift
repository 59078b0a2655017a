import ExposureCore
import ExposureWorkflows
import Foundation
import TestSupport
import Testing

/// The ratio files of population groups and the minimum-needs profiles (docs/methodology.md, "Population
/// groups from ratios" and "Minimum needs"): tiny files written in the test, every refusal naming FILE:LINE,
/// and the shipped examples holding exactly their published numbers.
@Suite struct DemographicsFilesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    func write(_ dir: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let path = dir.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The error `load` throws, or a recorded issue.
    func failure(_ load: () throws -> Void) -> ExposureError? {
        do {
            try load()
            Issue.record("the file should have been refused")
        } catch let error as ExposureError {
            return error
        } catch {
            Issue.record("not an ExposureError: \(error)")
        }
        return nil
    }

    // MARK: Ratios

    @Test func yamlRatiosGiveARegionsOwnRowElseTheNationalShares() throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, "ratios.yaml", """
            name: Test shares
            source: "A census, table 3"
            national:
              female: 0.5
              elderly_65_plus: 0.1
            regions:
              A: {female: 0.6, elderly_65_plus: 0.2}
              "007":
                female: 0.4
                elderly_65_plus: 0
            """)
        let ratios = try GroupRatios.load(path)
        #expect(ratios.path == path)
        #expect(ratios.name == "Test shares")
        #expect(ratios.source == "A census, table 3")
        #expect(!ratios.isGeneric)
        #expect(ratios.groups == ["female", "elderly_65_plus"])
        #expect(ratios.national == ["female": 0.5, "elderly_65_plus": 0.1])
        #expect(ratios.byRegion == ["A": ["female": 0.6, "elderly_65_plus": 0.2], "007": ["female": 0.4, "elderly_65_plus": 0]])
        let ids = ["A", "B", "007", "7"]
        #expect(try ratios.shares(regionIDs: ids) == [[0.6, 0.5, 0.4, 0.5], [0.2, 0.1, 0, 0.1]])
        #expect(ratios.regionsUsingNational(regionIDs: ids) == ["B", "7"])
        #expect(try ratios.shares(regionIDs: []) == [[], []])
    }

    @Test func withoutNationalSharesARegionWithoutARowIsAnErrorNamingFileAndRegions() throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, "ratios.yaml", """
            regions:
              R1: {female: 0.5}
              R2: {female: 0.52}
            """)
        let ratios = try GroupRatios.load(path)
        #expect(ratios.national == nil)
        #expect(ratios.groups == ["female"])
        #expect(try ratios.shares(regionIDs: ["R2", "R1"]) == [[0.52, 0.5]])
        #expect(ratios.regionsUsingNational(regionIDs: ["R1", "X"]) == [])

        let one = failure { _ = try ratios.shares(regionIDs: ["R1", "X9"]) }
        #expect(one?.path == path)
        #expect(one?.message == "no population shares for region X9: the file has no row for it and no national shares, and no ratio is assumed (add their rows, or national shares)")
        let many = failure { _ = try ratios.shares(regionIDs: ["R1"] + (1...8).map { "M\($0)" } + ["M1"]) }
        #expect(many?.message.hasPrefix("no population shares for regions M1, M2, M3, M4, M5 and 3 more (8 in all): ") == true)
        #expect(many?.message.contains("no ratio is assumed") == true)
    }

    @Test func csvRatiosWithANationalStarRowBOMAndCRLF() throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, "ratios.csv", "\u{FEFF}region_id,female,age_0_14\r\nRV01,0.51,0.30\r\n*,0.496,0.266\r\n\r\n\"RV 02\", 0.49 ,\"0.25\"\r\n")
        let ratios = try GroupRatios.load(path)
        #expect(ratios.name == nil && ratios.source == nil && !ratios.isGeneric)
        #expect(ratios.groups == ["female", "age_0_14"])
        #expect(ratios.national == ["female": 0.496, "age_0_14": 0.266])
        #expect(ratios.byRegion == ["RV01": ["female": 0.51, "age_0_14": 0.30], "RV 02": ["female": 0.49, "age_0_14": 0.25]])
        #expect(try ratios.shares(regionIDs: ["RV 02", "RV03", "RV01"]) == [[0.49, 0.496, 0.51], [0.25, 0.266, 0.30]])
        #expect(ratios.regionsUsingNational(regionIDs: ["RV01", "RV03"]) == ["RV03"])

        // Line numbers count every line, blank ones too, with CRLF endings.
        let bad = try write(dir, "bad.csv", "region_id,female\r\nA,0.5\r\n\r\nB,1.5\r\n")
        let error = failure { _ = try GroupRatios.load(bad) }
        #expect(error?.path == "\(bad):4")
    }

    @Test func aLargePerRegionCSVLoads() throws {
        let dir = try TemporaryDirectory()
        var text = "region_id,female,youth_0_14,adult_15_64,elderly_65_plus,disability\n"
        for i in 0..<6_000 { text += "\(10_000 + i),0.5\(i % 10),0.25,0.65,0.10,0.15\n" }
        let path = try write(dir, "municipalities.csv", text)
        let ratios = try GroupRatios.load(path)
        #expect(ratios.byRegion.count == 6_000)
        #expect(ratios.byRegion["15999"]?["female"] == 0.59)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String, text: String, line: Int?, says: String
        var testDescription: String { "\(name): \(says)" }
    }

    static let ratioRefusals: [Refusal] = [
        Refusal(name: "r.yaml", text: "national:\n  female: 1.2\n", line: 2, says: "the share of 'female' in national is 1.2: a share is at most 1"),
        Refusal(name: "r.yaml", text: "national:\n  female: -0.1\n", line: 2, says: "a share cannot be negative"),
        Refusal(name: "r.yaml", text: "national:\n  female: .nan\n", line: 2, says: "not a number"),
        Refusal(name: "r.yaml", text: "national:\n  female: nan\n", line: 2, says: "not a number"),
        Refusal(name: "r.yaml", text: "national:\n  female: .inf\n", line: 2, says: "not a number"),
        Refusal(name: "r.yaml", text: "national:\n  female:\n", line: 2, says: "the share of 'female' in national has no value"),
        Refusal(name: "r.yaml", text: "national:\n  female: 0,496\n", line: 2, says: "write decimals with a point"),
        Refusal(name: "r.yaml", text: "national:\n  female: 49.6%\n", line: 2, says: "write shares as fractions"),
        Refusal(name: "r.yaml", text: "national:\n  female: 0.5\n  female: 0.4\n", line: 3, says: "'female' is given twice"),
        Refusal(name: "r.yaml", text: "national:\n  Female: 0.5\n", line: 2, says: "group name 'Female' in national must start with a lowercase letter"),
        Refusal(name: "r.yaml", text: "national:\n  age-0-14: 0.5\n", line: 2, says: "may hold only lowercase letters, digits and underscores"),
        Refusal(name: "r.yaml", text: "national:\n  total: 1\n", line: 2, says: "group name 'total' in national is reserved"),
        Refusal(name: "r.yaml", text: "national:\n  \(String(repeating: "a", count: 41)): 0.5\n", line: 2, says: "longer than 40 characters"),
        Refusal(name: "r.yaml", text: "name: x\nnationl:\n  female: 0.5\n", line: 2, says: "unknown key 'nationl' in the ratio file (expected: name, source, generic, national, regions)"),
        Refusal(name: "r.yaml", text: "national:\n  female: 0.5\nregions:\n  A: {female: 0.5}\n  A: {female: 0.4}\n", line: 5, says: "'A' is given twice"),
        Refusal(name: "r.yaml", text: "national:\n  female: 0.5\n  disability: 0.15\nregions:\n  A: {female: 0.5}\n", line: 5, says: "region 'A' gives no share for 'disability', which national gives"),
        Refusal(name: "r.yaml", text: "national:\n  female: 0.5\nregions:\n  A: {female: 0.5, male: 0.5}\n", line: 4, says: "region 'A' gives a share for 'male', which national does not"),
        Refusal(name: "r.yaml", text: "regions:\n  A: {female: 0.5}\n  B: {male: 0.5}\n", line: 3, says: "region 'B' gives no share for 'female', which region 'A' gives"),
        Refusal(name: "r.yaml", text: "regions:\n  '*': {female: 0.5}\n", line: 2, says: "in YAML, give national shares under 'national'"),
        Refusal(name: "r.yaml", text: "regions:\n  A: 0.5\n", line: 2, says: "region 'A' must map groups to shares"),
        Refusal(name: "r.yaml", text: "name: only a name\n", line: 1, says: "the ratio file gives no shares"),
        Refusal(name: "r.yaml", text: "national: {}\n", line: 1, says: "national gives no group"),
        Refusal(name: "r.yaml", text: "generic: maybe\nnational:\n  female: 0.5\n", line: 1, says: "generic must be true or false"),
        Refusal(name: "r.yaml", text: "source:\nnational:\n  female: 0.5\n", line: 1, says: "source has no value"),
        Refusal(name: "r.yaml", text: "national: &n\n  female: 0.5\nregions:\n  A: *n\n", line: 1, says: "anchors and aliases (&name, *name) are not allowed in ratio files"),
        // CRLF line endings get the same checks (an anchor after a comment) and line numbers.
        Refusal(name: "r.yaml", text: "name: x # comment\r\nnational: &n\r\n  female: 0.5\r\n", line: 2, says: "not allowed in ratio files"),
        Refusal(name: "r.yaml", text: "national:\r\n  female: 0.5\r\n  female: 0.4\r\n", line: 3, says: "'female' is given twice"),
        Refusal(name: "r.yaml", text: "national:\n  female: [0.5\n", line: 3, says: "not valid YAML"),
        Refusal(name: "r.yaml", text: "", line: nil, says: "the ratio file is empty"),
        Refusal(name: "r.csv", text: "id,female\nA,0.5\n", line: 1, says: "the first column must be 'region_id' (got 'id')"),
        Refusal(name: "r.csv", text: "region_id;female\nA;0,5\n", line: 1, says: "fields must be separated by commas (this file seems to use ';')"),
        Refusal(name: "r.csv", text: "region_id\nA\n", line: 1, says: "the header names no group after region_id"),
        Refusal(name: "r.csv", text: "region_id,female,female\nA,0.5,0.5\n", line: 1, says: "group 'female' is named twice in the header"),
        Refusal(name: "r.csv", text: "region_id,Women\nA,0.5\n", line: 1, says: "group name 'Women' in the header must start with a lowercase letter"),
        Refusal(name: "r.csv", text: "region_id,total\nA,0.5\n", line: 1, says: "is reserved"),
        Refusal(name: "r.csv", text: "region_id,female\nA,0.5\nB,\n", line: 3, says: "the share of 'female' for region 'B' is empty"),
        Refusal(name: "r.csv", text: "region_id,female\nA,0.5\nA,0.4\n", line: 3, says: "region 'A' is given twice (first on line 2)"),
        Refusal(name: "r.csv", text: "region_id,female\n*,0.5\n*,0.4\n", line: 3, says: "the national row '*' is given twice (first on line 2)"),
        Refusal(name: "r.csv", text: "region_id,female\nA,2\n", line: 2, says: "the share of 'female' for region 'A' is 2: a share is at most 1"),
        Refusal(name: "r.csv", text: "region_id,female\n*,-1\n", line: 2, says: "the share of 'female' for the national row '*' is -1: a share cannot be negative"),
        Refusal(name: "r.csv", text: "region_id,female\nA,NaN\n", line: 2, says: "is 'NaN', not a number"),
        Refusal(name: "r.csv", text: "region_id,female\nA,0.5,0.1\n", line: 2, says: "this row has 3 fields, the header 2"),
        Refusal(name: "r.csv", text: "region_id,female\nA\n", line: 2, says: "this row has 1 field, the header 2"),
        Refusal(name: "r.csv", text: "region_id,female\n,0.5\n", line: 2, says: "region_id is empty"),
        Refusal(name: "r.csv", text: "region_id,female\n\"A,0.5\n", line: 2, says: "a quoted field is not closed on this line"),
        Refusal(name: "r.csv", text: "region_id,female\nA\"b,0.5\n", line: 2, says: "a quote in the middle of a field"),
        Refusal(name: "r.csv", text: "region_id,female\n\"A\"b,0.5\n", line: 2, says: "text after a closing quote"),
        Refusal(name: "r.csv", text: "region_id,female\n", line: 1, says: "has a header but no rows"),
        Refusal(name: "r.csv", text: "\n\n", line: nil, says: "the ratio file is empty"),
    ]

    @Test(arguments: ratioRefusals) func aBadRatioFileIsRefusedNamingFileAndLine(_ refusal: Refusal) throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, refusal.name, refusal.text)
        let error = failure { _ = try GroupRatios.load(path) }
        #expect(error?.path == (refusal.line.map { "\(path):\($0)" } ?? path))
        #expect(error?.message.contains(refusal.says) == true, "\(error?.message ?? "")")
    }

    @Test func aMissingFolderOrHugeRatioFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        #expect(failure { _ = try GroupRatios.load(dir.path("none.csv")) } == ExposureError("no such file", path: dir.path("none.csv")))
        #expect(failure { _ = try GroupRatios.load(dir.url.path) }?.message == "is a folder, not a ratio file")
        let big = dir.path("big.csv")
        _ = FileManager.default.createFile(atPath: big, contents: Data(count: (16 << 20) + 1))
        #expect(failure { _ = try GroupRatios.load(big) }?.message.contains("too large for a ratio file") == true)
        let latin1 = dir.path("latin1.csv")
        _ = FileManager.default.createFile(atPath: latin1, contents: Data("region_id,female\nSanta Luc\u{ED}a,0.5\n".data(using: .isoLatin1)!))
        #expect(failure { _ = try GroupRatios.load(latin1) }?.message == "is not UTF-8 text (save the ratio file as UTF-8)")
    }

    /// docs/methodology.md, "Building a ratio file from a national census": counts over the census total,
    /// to three decimals, give the example row.
    @Test func theCensusExampleOfTheMethodologyGivesItsRow() throws {
        let total = 48_210.0
        let counts = ["female": 24_630.0, "youth_0_14": 12_905, "adult_15_64": 31_480, "elderly_65_plus": 3_825, "disability": 6_990]
        #expect(12_905 + 31_480 + 3_825 == total)
        let dir = try TemporaryDirectory()
        let path = try write(dir, "census.csv", "region_id,female,youth_0_14,adult_15_64,elderly_65_plus,disability\nM0001,0.511,0.268,0.653,0.079,0.145\n")
        let row = try #require(try GroupRatios.load(path).byRegion["M0001"])
        for (group, count) in counts {
            #expect(((count / total) * 1000).rounded() / 1000 == row[group], "\(group)")
        }
    }

    // MARK: Needs

    @Test func aNeedsProfileReadsItemsWithDefaultsAndGroups() throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, "needs.yaml", """
            name: Test needs
            source: "A standard, 2018"
            items:
              - id: water
                name: Drinking water
                unit: litres
                amount: 17.5
              - id: kits
                name: Dignity kits
                unit: kits
                amount: 1
                frequency: once
                group: female
              - {id: nothing, name: Nothing yet, unit: kg, amount: 0, frequency: weekly}
            """)
        let needs = try NeedsProfile.load(path)
        #expect(needs.path == path)
        #expect(needs.name == "Test needs")
        #expect(needs.source == "A standard, 2018")
        #expect(needs.items == [
            NeedsProfile.Item(id: "water", name: "Drinking water", unit: "litres", amount: 17.5, frequency: .weekly, group: nil),
            NeedsProfile.Item(id: "kits", name: "Dignity kits", unit: "kits", amount: 1, frequency: .once, group: "female"),
            NeedsProfile.Item(id: "nothing", name: "Nothing yet", unit: "kg", amount: 0, frequency: .weekly, group: nil),
        ])
    }

    static let head = "name: N\nsource: S\nitems:\n"
    static let needsRefusals: [Refusal] = [
        Refusal(name: "n.yaml", text: "source: S\nitems:\n  - {id: a, name: A, unit: kg, amount: 1}\n", line: 1, says: "the needs file needs 'name'"),
        Refusal(name: "n.yaml", text: "name: N\nitems:\n  - {id: a, name: A, unit: kg, amount: 1}\n", line: 1, says: "the needs file needs 'source': the citation"),
        Refusal(name: "n.yaml", text: "name: N\nsource: ''\nitems:\n  - {id: a, name: A, unit: kg, amount: 1}\n", line: 2, says: "source must be a text value"),
        Refusal(name: "n.yaml", text: "name: N\nsource: S\n", line: 1, says: "the needs file needs 'items'"),
        Refusal(name: "n.yaml", text: head + "  []\n", line: 4, says: "items lists no need"),
        Refusal(name: "n.yaml", text: "name: N\nsource: S\nitems: water\n", line: 3, says: "items must be a list of needs"),
        Refusal(name: "n.yaml", text: head + "  - {name: A, unit: kg, amount: 1}\n", line: 4, says: "item 1 needs 'id'"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1}\n  - {id: b, name: B, amount: 1}\n", line: 5, says: "item 'b' needs 'unit'"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg}\n", line: 4, says: "item 'a' needs 'amount'"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, unit: kg, amount: 1}\n", line: 4, says: "item 'a' needs 'name'"),
        Refusal(name: "n.yaml", text: head + "  - id: a\n    name: A\n    unit: kg\n    amount: -2\n", line: 7, says: "the amount of 'a' is -2: it cannot be negative"),
        Refusal(name: "n.yaml", text: head + "  - id: a\n    name: A\n    unit: kg\n    amount: .inf\n", line: 7, says: "the amount of 'a' must be a number per displaced person (got '.inf')"),
        Refusal(name: "n.yaml", text: head + "  - id: a\n    name: A\n    unit: kg\n    amount: nan\n", line: 7, says: "must be a number"),
        Refusal(name: "n.yaml", text: head + "  - id: a\n    name: A\n    unit: kg\n    amount:\n", line: 7, says: "the amount of 'a' has no value"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1}\n  - {id: a, name: B, unit: kg, amount: 2}\n", line: 5, says: "item 'a' is given twice (first on line 4)"),
        Refusal(name: "n.yaml", text: head + "  - {id: Rice, name: A, unit: kg, amount: 1}\n", line: 4, says: "item id 'Rice' must start with a lowercase letter (item ids name the columns needs_<id>)"),
        Refusal(name: "n.yaml", text: head + "  - {id: clean water, name: A, unit: kg, amount: 1}\n", line: 4, says: "may hold only lowercase letters, digits and underscores"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1, frequency: daily}\n", line: 4, says: "the frequency of 'a' must be weekly or once (got 'daily')"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1, group: Women}\n", line: 4, says: "the group of 'a', 'Women', must start with a lowercase letter"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1, per: family}\n", line: 4, says: "unknown key 'per' in item 1 (expected: id, name, unit, amount, frequency, group)"),
        Refusal(name: "n.yaml", text: "name: N\nsource: S\nnotes: x\nitems:\n  - {id: a, name: A, unit: kg, amount: 1}\n", line: 3, says: "unknown key 'notes' in the needs file"),
        Refusal(name: "n.yaml", text: head + "  - {id: a, name: A, unit: kg, amount: 1}\nname: M\n", line: 5, says: "'name' is given twice"),
        Refusal(name: "n.yaml", text: "name: N # comment\r\nsource: S\r\nitems:\r\n  - {id: a, name: A, unit: kg, amount: 1}\r\nname: M\r\n", line: 5, says: "'name' is given twice"),
        Refusal(name: "n.yaml", text: head + "  - &x {id: a, name: A, unit: kg, amount: 1}\n", line: 4, says: "not allowed in needs files"),
    ]

    @Test(arguments: needsRefusals) func aBadNeedsFileIsRefusedNamingFileAndLine(_ refusal: Refusal) throws {
        let dir = try TemporaryDirectory()
        let path = try write(dir, refusal.name, refusal.text)
        let error = failure { _ = try NeedsProfile.load(path) }
        #expect(error?.path == (refusal.line.map { "\(path):\($0)" } ?? path))
        #expect(error?.message.contains(refusal.says) == true, "\(error?.message ?? "")")
    }

    // MARK: The shipped examples

    @Test func theGenericRatiosAreInaSAFEsDefaults() throws {
        let ratios = try GroupRatios.load(Self.examples.appendingPathComponent("groups/generic-ratios.yaml").path)
        #expect(ratios.isGeneric)
        #expect(ratios.name == "Generic shares (InaSAFE defaults)")
        #expect(ratios.source?.contains("InaSAFE") == true)
        #expect(ratios.groups == ["female", "youth_0_14", "adult_15_64", "elderly_65_plus", "disability"])
        #expect(ratios.national == ["female": 0.496, "youth_0_14": 0.266, "adult_15_64": 0.657, "elderly_65_plus": 0.077, "disability": 0.15])
        #expect(ratios.byRegion.isEmpty)
        #expect(ratios.regionsUsingNational(regionIDs: ["RV01", "RV02"]) == ["RV01", "RV02"])
    }

    @Test func theMunicipalRatiosCoverTheSampleBasinAndTheAgeGroupsAddUpToOne() throws {
        let ratios = try GroupRatios.load(Self.examples.appendingPathComponent("groups/ratios-by-municipality.csv").path)
        let ids = (1...12).map { String(format: "RV%02d", $0) }
        #expect(ratios.groups == ["female", "youth_0_14", "adult_15_64", "elderly_65_plus", "disability"])
        #expect(ratios.national == nil)
        #expect(Set(ratios.byRegion.keys) == Set(ids))
        #expect(ratios.regionsUsingNational(regionIDs: ids).isEmpty)
        #expect(ratios.byRegion["RV01"] == ["female": 0.512, "youth_0_14": 0.248, "adult_15_64": 0.668, "elderly_65_plus": 0.084, "disability": 0.128])
        let shares = try ratios.shares(regionIDs: ids)
        for region in ids.indices {
            #expect(abs(shares[1][region] + shares[2][region] + shares[3][region] - 1) < 1e-9, "\(ids[region])")
        }
        // The ids are the sample basin's municipality codes.
        let geojson = try String(contentsOf: Self.examples.deletingLastPathComponent().appendingPathComponent("sample-rasters/municipalities.geojson"), encoding: .utf8)
        for id in ids { #expect(geojson.contains("\"\(id)\"")) }
    }

    @Test func theSphereProfileHoldsTheHandbooksMinimums() throws {
        let needs = try NeedsProfile.load(Self.examples.appendingPathComponent("needs/sphere.yaml").path)
        #expect(needs.name == "Sphere Handbook minimum standards (2018)")
        #expect(needs.source.hasPrefix("Sphere Association. The Sphere Handbook: Humanitarian Charter and Minimum Standards in Humanitarian Response, fourth edition, Geneva, Switzerland, 2018."))
        let items = Dictionary(uniqueKeysWithValues: needs.items.map { ($0.id, $0) })
        #expect(needs.items.map(\.id) == ["water", "food", "toilets", "living_space", "bathing_soap", "dignity_kits"])
        func item(_ id: String) -> String {
            items[id].map { "\($0.amount) \($0.unit) \($0.frequency.rawValue)" } ?? "missing"
        }
        #expect(item("water") == "105.0 litres weekly")  // 15 l a day x 7
        #expect(item("food") == "14700.0 kcal weekly")  // 2,100 kcal a day x 7
        #expect(item("toilets") == "0.05 toilets once")  // 1 per 20 people
        #expect(item("living_space") == "3.5 m² once")
        #expect(item("bathing_soap") == "58.0 g weekly")  // 250 g a month x 12 / 52
        #expect(items["dignity_kits"] == NeedsProfile.Item(id: "dignity_kits", name: "Dignity kits (menstrual hygiene)", unit: "kits",
                                                           amount: 1, frequency: .once, group: "female"))
        #expect(needs.items.filter { $0.group != nil }.map(\.id) == ["dignity_kits"])
    }

    @Test func theInaSAFEProfileHoldsBNPBsMinimums() throws {
        let needs = try NeedsProfile.load(Self.examples.appendingPathComponent("needs/inasafe.yaml").path)
        #expect(needs.source.contains("Perka 7/2008"))
        #expect(needs.items.map { "\($0.id) \($0.amount) \($0.unit) \($0.frequency.rawValue) \($0.group ?? "-")" } == [
            "rice 2.8 kg weekly -",
            "drinking_water 17.5 litres weekly -",
            "clean_water 67.0 litres weekly -",
            "family_kits 0.2 kits once -",
            "toilets 0.05 toilets once -",
        ])
    }
}
