import ArgumentParser
import ExposureWorkflows

/// Who the people are: population groups from rasters or ratios, and the needs of the displaced
/// (`analyze`, `flood-extent`; a scenario file has `population.groups`, `population.ratios` and `needs`).
struct GroupOptions: ParsableArguments {
    @Option(name: .customLong("population-group"),
            help: ArgumentHelp("A group's people per cell, as NAME=RASTER (repeatable), e.g. female=pop_f.tif: adds population_NAME, exposed_NAME, displaced_NAME, summed in the same pass.",
                               valueName: "name=raster"))
    var populationGroups: [String] = []

    @Option(help: ArgumentHelp("Shares of each group per region or nationally (YAML or CSV, see examples/groups/), applied to population, exposed and displaced.",
                               valueName: "file"))
    var groupRatios: String?

    @Option(help: ArgumentHelp("Minimum needs per displaced person (YAML, see examples/needs/): adds needs_ITEM per region. Needs a hazard.",
                               valueName: "profile"))
    var needs: String?

    func validate() throws { _ = try rasters() }

    /// The `--population-group` values as (name, path).
    func rasters() throws -> [GroupRasterOption] {
        try populationGroups.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                throw ValidationError("--population-group takes NAME=RASTER, e.g. female=pop_female.tif (got '\(text)')")
            }
            return GroupRasterOption(name: String(text[..<equals]), path: String(text[text.index(after: equals)...]))
        }
    }

    /// Every file the options read (outputs may not overwrite them).
    var inputs: [String?] {
        let rasters: [String?] = ((try? self.rasters()) ?? []).map(\.path)
        return rasters + [groupRatios, needs]
    }

    func apply(to options: inout AnalysisOptions) throws {
        options.groupRasters = try rasters()
        options.groupRatiosPath = groupRatios
        options.needsPath = needs
    }
}
