import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// Everything needed to trace a result back to its inputs: files with sizes and checksums, CRSs,
/// parameters, versions of the tool, GDAL and PROJ, and what every column means.
struct Manifest: Encodable {
    typealias Input = InputFingerprint

    struct ClassEntry: Encodable {
        let `class`: Int
        let range: String
        let from: Double
        let to: Double?
        let displacementRate: Double
    }

    struct Totals: Encodable {
        let population: Double
        let exposed: Double?
        let displaced: Double?
        let hazardUnknown: Double?
    }

    let tool: String
    let createdAt: String
    let commandLine: [String]
    let gdalVersion: String
    let projVersion: String
    let inputs: [Input]
    let outputs: [String]
    let preset: String?
    let hazardUnit: String?
    let classes: [ClassEntry]
    let hazardSampling: String?
    let threads: Int
    let regionCount: Int
    let totals: Totals
    let columns: [String: String]
    let warnings: [String]
    let seconds: Double

    /// The default style's choices: what is drawn, its classes, and the regions hatched as incomplete.
    struct Style: Encodable {
        let headlineColumn: String
        let classes: [String]
        let colours: [String]
        let unknownThreshold: Double
        let incompleteRegions: [String]
    }

    let style: Style?

    /// Population groups: where each group's people come from, and its totals.
    let populationGroups: [GroupEntry]?
    let groupRatios: RatiosEntry?
    let needs: NeedsEntry?
    /// The parts the figures were added up from, when `exposure merge` wrote them.
    let mergedFrom: MergedParts?

    init(_ result: AnalysisResult, outputs: [String], commandLine: [String], style: LayerStyle? = nil) throws {
        self.style = style.map { s in
            Style(headlineColumn: s.headline.name, classes: s.classLabels, colours: s.colours, unknownThreshold: s.unknownThreshold,
                  incompleteRegions: result.incompleteRegions.map { result.regions.ids[$0] })
        }
        tool = "exposure \(ExposureVersionInfo.version)"
        createdAt = ISO8601DateFormatter().string(from: Date())
        self.commandLine = commandLine
        gdalVersion = GDALEnvironment.gdalVersion
        projVersion = GDALEnvironment.projVersion
        var inputs = [try InputFingerprint.raster(result.population, role: "population")]
        var regionDetails = ["layer": result.regions.layerName, "idField": result.regions.idField ?? "",
                             "nameField": result.regions.nameField ?? "", "features": String(result.regions.count)]
        if let densification = result.regions.densification { regionDetails["densification"] = densification }
        inputs.append(try Input(
            role: "regions", path: result.regions.path, crs: result.regions.spatialReference.name,
            epsg: result.regions.spatialReference.epsgCode, details: regionDetails))
        if let hazard = result.hazard { inputs.append(try InputFingerprint.raster(hazard, role: "hazard")) }
        inputs += try InputFingerprint.rasters(result.groups.groups.compactMap { group in
            guard case .raster(let raster) = group.source else { return nil }
            return (raster.input, "population group '\(group.name)'")
        })
        if let ratios = result.groups.ratios { inputs.append(try Input(role: "group ratios", path: ratios.path, crs: "", epsg: nil, details: [:])) }
        if let needs = result.needs { inputs.append(try Input(role: "needs profile", path: needs.path, crs: "", epsg: nil, details: [:])) }
        self.inputs = inputs
        mergedFrom = result.mergedFrom
        populationGroups = result.groups.isEmpty ? nil : result.groups.groups.map { GroupEntry($0, hazard: result.hazard != nil) }
        groupRatios = result.groups.ratios.map { RatiosEntry($0, regionIDs: result.regions.ids) }
        self.needs = result.needs.map { needs in
            NeedsEntry(needs, totals: NeedsAmounts.amounts(needs, displaced: result.figures.map(\.displaced), groups: result.groups)
                .map { $0.reduce(0, +) })
        }
        self.outputs = outputs
        let classes = result.hazard == nil ? nil : result.classes
        preset = classes?.preset
        hazardUnit = classes?.unit
        self.classes = classes.map(Manifest.classEntries) ?? []
        hazardSampling = result.samplingMode?.description
        threads = result.options.threads
        regionCount = result.regions.count
        let figures = result.figures
        let hasHazard = result.hazard != nil
        totals = Totals(
            population: figures.reduce(0) { $0 + $1.population },
            exposed: hasHazard ? figures.reduce(0) { $0 + $1.exposed } : nil,
            displaced: hasHazard ? figures.reduce(0) { $0 + $1.displaced } : nil,
            hazardUnknown: hasHazard ? figures.reduce(0) { $0 + $1.hazardUnknown } : nil)
        self.columns = Dictionary(uniqueKeysWithValues: ResultTable.columns(of: result).map { ($0.name, $0.meaning) })
        warnings = result.warnings
        seconds = (result.seconds * 1000).rounded() / 1000
    }

    struct GroupEntry: Encodable {
        let name: String
        /// "raster" (summed in the pass) or "ratio" (a share of each region's figures).
        let source: String
        let path: String
        /// How a raster on another grid was brought onto the population grid.
        let alignment: String?
        let population: Double
        let exposed: Double?
        let displaced: Double?

        init(_ group: GroupFigures, hazard: Bool) {
            name = group.name
            switch group.source {
            case .raster(let raster):
                source = "raster"
                path = raster.input.path
                alignment = raster.alignment
            case .ratio(let ratios, _):
                source = "ratio"
                path = ratios.path
                alignment = nil
            }
            population = group.figures.reduce(0) { $0 + $1.population }
            exposed = hazard ? group.figures.reduce(0) { $0 + $1.exposed } : nil
            displaced = hazard ? group.figures.reduce(0) { $0 + $1.displaced } : nil
        }
    }

    /// The ratios used, every one of them: no share is ever assumed.
    struct RatiosEntry: Encodable {
        let path: String
        let name: String?
        let source: String?
        let generic: Bool
        let groups: [String]
        let national: [String: Double]?
        /// The regions that had no row of their own and took the national shares.
        let regionsUsingNational: [String]
        let byRegion: [String: [String: Double]]

        init(_ ratios: GroupRatios, regionIDs: [String]) {
            path = ratios.path
            name = ratios.name
            source = ratios.source
            generic = ratios.isGeneric
            groups = ratios.groups
            national = ratios.national
            regionsUsingNational = ratios.regionsUsingNational(regionIDs: regionIDs)
            let ids = Set(regionIDs)
            byRegion = ratios.byRegion.filter { ids.contains($0.key) }
        }
    }

    struct NeedsEntry: Encodable {
        struct Item: Encodable {
            let id: String
            let name: String
            let unit: String
            let amountPerDisplacedPerson: Double
            let frequency: String
            let group: String?
            let total: Double
        }

        let path: String
        let name: String
        let source: String
        let items: [Item]

        init(_ needs: NeedsProfile, totals: [Double]) {
            path = needs.path
            name = needs.name
            source = needs.source
            items = zip(needs.items, totals).map {
                Item(id: $0.id, name: $0.name, unit: $0.unit, amountPerDisplacedPerson: $0.amount, frequency: $0.frequency.rawValue,
                     group: $0.group, total: $1)
            }
        }
    }

    static func classEntries(_ c: HazardClasses) -> [ClassEntry] {
        (1...c.count).map { i in
            ClassEntry(class: i, range: c.label(ofClass: i), from: c.thresholds[i - 1],
                       to: i < c.count ? c.thresholds[i] : nil, displacementRate: c.rates[i - 1])
        }
    }
}
