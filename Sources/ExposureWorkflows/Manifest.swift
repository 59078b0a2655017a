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
        self.inputs = inputs
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

    static func classEntries(_ c: HazardClasses) -> [ClassEntry] {
        (1...c.count).map { i in
            ClassEntry(class: i, range: c.label(ofClass: i), from: c.thresholds[i - 1],
                       to: i < c.count ? c.thresholds[i] : nil, displacementRate: c.rates[i - 1])
        }
    }
}
