import Foundation
import Testing

/// The malformed-input corpus (issue 8, item 7): every case run as its own process against the built
/// `exposure`, checked against the error policy (see ``CorpusCase``). Set EXPOSURE_CORPUS_REPORT=FILE to
/// collect the failing cases with their exit status and first lines of stderr, EXPOSURE_CORPUS_TIMEOUT to
/// change the 60 s limit per process.
enum Corpus {
    static let all: [CorpusCase] = FileCases.all + RasterCases.crs + RasterCases.nodata + RegionCases.geometry + RegionCases.ids
        + OptionCases.options + OptionCases.outputs + ScenarioCases.all + ImageryCases.all
}

@Suite struct MalformedInputTests {
    @Test func theCorpusIsLargeNamedUniquelyAndCoversEveryCategory() {
        #expect(Corpus.all.count >= 150)
        let names = Corpus.all.map(\.testDescription)
        #expect(Set(names).count == names.count, "duplicate names: \(Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        for category in CorpusCase.Category.allCases {
            #expect(Corpus.all.contains { $0.category == category }, "no case in \(category.rawValue)")
        }
    }

    @Test(arguments: Corpus.all)
    func corpusCase(_ c: CorpusCase) throws {
        let (result, problems) = try CorpusRunner.run(c)
        if !problems.isEmpty { CorpusRunner.report(c, result, problems) }
        for problem in problems {
            Issue.record("\(c.testDescription): \(problem)\n  stderr: \(result.stderr.prefix(600))")
        }
    }
}
