import ExposureAdapters
import ExposureCore
import Foundation
import Synchronization
import GDALSwift

/// An input as a manifest records it: role, path, size, SHA-256 of every file of the dataset, CRS, and
/// details, so that every number traces back to exactly these bytes.
public struct InputFingerprint: Encodable, Sendable {
    public let role: String
    public let path: String
    public let bytes: Int?
    public let sha256: String?
    public let crs: String
    public let epsg: Int?
    public let details: [String: String]
    /// The dataset's other files (a shapefile's .dbf, .shx, .prj; an .aux.xml) with their SHA-256.
    public let sidecarSHA256: [String: String]

    /// Throws when a file of the input cannot be read: a manifest never records a missing checksum.
    public init(role: String, path: String, crs: String, epsg: Int?, details: [String: String]) throws {
        self.role = role
        self.path = path
        self.bytes = InputFingerprint.size(path)
        self.sha256 = try InputFingerprint.checksum(path)
        self.crs = crs
        self.epsg = epsg
        self.details = details
        var sidecars: [String: String] = [:]
        for file in InputFingerprint.sidecars(of: path) { sidecars[file] = try InputFingerprint.checksum(file) }
        self.sidecarSHA256 = sidecars
    }

    public static func raster(_ input: RasterInput, role: String) throws -> InputFingerprint {
        var details = [
            "band": String(input.bandIndex), "width": String(input.grid.width), "height": String(input.grid.height),
            "geoTransform": input.grid.transform.coefficients.map { String($0) }.joined(separator: ","),
            "dataType": input.dataType, "noData": input.exactNoData?.description ?? "none",
        ]
        if let mask = input.maskDescription { details["mask"] = mask }
        if input.scale != 1 || input.offset != 0 { details["scaleOffset"] = "\(input.scale),\(input.offset)" }
        if input.crsWasAssumed { details["crsAssumed"] = "yes (--assume-crs)" }
        return try InputFingerprint(role: role, path: input.path, crs: input.crsName, epsg: input.epsg, details: details)
    }

    /// Fingerprints of many rasters (dozens of group rasters), checksummed on all cores: hashing gigabytes
    /// one file after another would take longer than the pass that read them.
    public static func rasters(_ inputs: [(input: RasterInput, role: String)]) throws -> [InputFingerprint] {
        let results = Mutex([Result<InputFingerprint, any Error>?](repeating: nil, count: inputs.count))
        let next = Mutex(0)
        let workers = max(1, min(inputs.count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < inputs.count else { return }
                let result = Result { try InputFingerprint.raster(inputs[index].input, role: inputs[index].role) }
                results.withLock { $0[index] = result }
            }
        }
        return try results.withLock { $0 }.map { try $0!.get() }
    }

    public static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// The files of a dataset other than `path` itself, as GDAL lists them.
    public static func sidecars(of path: String) -> [String] {
        guard let dataset = try? Dataset.open(path) else { return [] }
        let main = URL(fileURLWithPath: path).standardizedFileURL.path
        return dataset.fileList().filter { URL(fileURLWithPath: $0).standardizedFileURL.path != main }
    }

    /// SHA-256 of a plain file; nil for GDAL virtual paths (/vsizip/, /vsicurl/, NETCDF:...) and folders
    /// (a dataset made of a folder lists its files). A plain file that cannot be read is an error.
    public static func checksum(_ path: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return try ChecksumPrefetch.shared.checksum(path)
    }
}

/// The tool's version, shared by the CLI and the manifest.
public enum ExposureVersionInfo {
    public static let version = "0.1.0"
}

/// The provenance a raster output carries in its own metadata: tool and library versions, the command line,
/// each input with its size and SHA-256, and the command's parameters.
public enum Provenance {
    public struct Record: Encodable {
        let tool: String
        let createdAt: String
        let commandLine: [String]
        let gdalVersion: String
        let projVersion: String
        let inputs: [InputFingerprint]
        let parameters: [String: String]
    }

    public static func json(inputs: [String], parameters: [String: String], outputs: OutputSet) throws -> String {
        let record = Record(
            tool: "exposure \(ExposureVersionInfo.version)", createdAt: ISO8601DateFormatter().string(from: Date()),
            commandLine: ProcessInfo.processInfo.arguments, gdalVersion: GDALEnvironment.gdalVersion, projVersion: GDALEnvironment.projVersion,
            inputs: try inputs.map { try InputFingerprint(role: "input", path: $0, crs: "", epsg: nil, details: [:]) },
            parameters: parameters.filter { $0.key != "EXPOSURE_MANIFEST" })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return outputs.publicText(String(decoding: try encoder.encode(record), as: UTF8.self))
    }
}
