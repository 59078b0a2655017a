import ExposureCore
import Foundation
import GDALSwift

/// Everything needed to trace a result back to its inputs: files with sizes and checksums, CRSs,
/// parameters, versions of the tool, GDAL and PROJ, and what every column means.
struct Manifest: Encodable {
    struct Input: Encodable {
        let role: String
        let path: String
        let bytes: Int?
        let sha256: String?
        let crs: String
        let epsg: Int?
        let details: [String: String]
        /// The dataset's other files (a shapefile's .dbf, .shx, .prj; an .aux.xml) with their SHA-256.
        let sidecarSHA256: [String: String]

        /// Throws when a file of the input cannot be read: a manifest never records a missing checksum.
        init(role: String, path: String, crs: String, epsg: Int?, details: [String: String]) throws {
            self.role = role
            self.path = path
            self.bytes = Manifest.size(path)
            self.sha256 = try Manifest.checksum(path)
            self.crs = crs
            self.epsg = epsg
            self.details = details
            var sidecars: [String: String] = [:]
            for file in Manifest.sidecars(of: path) { sidecars[file] = try Manifest.checksum(file) }
            self.sidecarSHA256 = sidecars
        }
    }

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
        var inputs = [try Manifest.raster(result.population, role: "population")]
        var regionDetails = ["layer": result.regions.layerName, "idField": result.regions.idField ?? "",
                             "nameField": result.regions.nameField ?? "", "features": String(result.regions.count)]
        if let densification = result.regions.densification { regionDetails["densification"] = densification }
        inputs.append(try Input(
            role: "regions", path: result.regions.path, crs: result.regions.spatialReference.name,
            epsg: result.regions.spatialReference.epsgCode, details: regionDetails))
        if let hazard = result.hazard { inputs.append(try Manifest.raster(hazard, role: "hazard")) }
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

    static func raster(_ input: RasterInput, role: String) throws -> Input {
        var details = [
            "band": String(input.bandIndex), "width": String(input.grid.width), "height": String(input.grid.height),
            "geoTransform": input.grid.transform.coefficients.map { String($0) }.joined(separator: ","),
            "dataType": input.dataType, "noData": input.exactNoData?.description ?? "none",
        ]
        if let mask = input.maskDescription { details["mask"] = mask }
        if input.scale != 1 || input.offset != 0 { details["scaleOffset"] = "\(input.scale),\(input.offset)" }
        if input.crsWasAssumed { details["crsAssumed"] = "yes (--assume-crs)" }
        return try Input(role: role, path: input.path, crs: input.crsName, epsg: input.epsg, details: details)
    }

    static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// The files of a dataset other than `path` itself, as GDAL lists them.
    static func sidecars(of path: String) -> [String] {
        guard let dataset = try? Dataset.open(path) else { return [] }
        let main = URL(fileURLWithPath: path).standardizedFileURL.path
        return dataset.fileList().filter { URL(fileURLWithPath: $0).standardizedFileURL.path != main }
    }

    /// SHA-256 of a plain file; nil for GDAL virtual paths (/vsizip/, /vsicurl/, NETCDF:...) and folders
    /// (a dataset made of a folder lists its files). A plain file that cannot be read is an error.
    static func checksum(_ path: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return try sha256(ofFile: path)
    }
}

/// The tool's version, shared by the CLI and the manifest.
public enum ExposureVersionInfo {
    public static let version = "0.1.0"
}

/// The provenance a raster output carries in its own metadata: tool and library versions, the command line,
/// each input with its size and SHA-256, and the command's parameters.
enum Provenance {
    struct Record: Encodable {
        let tool: String
        let createdAt: String
        let commandLine: [String]
        let gdalVersion: String
        let projVersion: String
        let inputs: [Manifest.Input]
        let parameters: [String: String]
    }

    static func json(inputs: [String], parameters: [String: String], outputs: OutputSet) throws -> String {
        let record = Record(
            tool: "exposure \(ExposureVersionInfo.version)", createdAt: ISO8601DateFormatter().string(from: Date()),
            commandLine: ProcessInfo.processInfo.arguments, gdalVersion: GDALEnvironment.gdalVersion, projVersion: GDALEnvironment.projVersion,
            inputs: try inputs.map { try Manifest.Input(role: "input", path: $0, crs: "", epsg: nil, details: [:]) },
            parameters: parameters.filter { $0.key != "EXPOSURE_MANIFEST" })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return outputs.publicText(String(decoding: try encoder.encode(record), as: UTF8.self))
    }
}
