import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import Testing

/// Our per-region sums against exactextract 0.3.0's `sum` on the same files (made once by
/// scripts/make-exactextract-fixture.py and committed): star polygons with holes, multipolygons, regions
/// smaller than a cell and regions reaching outside the raster, on a projected and a geographic grid.
@Suite struct ExactextractComparisonTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/exactextract")

    static func expected() throws -> [String: Double] {
        let text = try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8)
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            result[String(parts[0])] = Double(parts[1])
        }
        return result
    }

    @Test(arguments: ["projected", "geographic"])
    func sumsEqualExactextract(case name: String) throws {
        let expected = try Self.expected()
        var options = AnalysisOptions(
            populationPath: Self.folder.appendingPathComponent("\(name).tif").path,
            regionsPath: Self.folder.appendingPathComponent("\(name).geojson").path, idField: "region", threads: 2)
        options.nameField = nil
        let result = try ExposureAnalysis.run(options)
        #expect(result.regions.count == 36)
        var compared = 0
        for (index, id) in result.regions.ids.enumerated() {
            let ours = result.figures[index].population
            let theirs = try #require(expected[id], "no exactextract sum for \(id)")
            if theirs == 0 {
                #expect(abs(ours) < 1e-9, "\(id): ours \(ours), exactextract 0")
            } else {
                #expect(abs(ours - theirs) / abs(theirs) <= 1e-6, "\(id): ours \(ours), exactextract \(theirs)")
            }
            compared += 1
        }
        #expect(compared == 36)
    }
}
