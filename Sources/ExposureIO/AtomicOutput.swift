import ExposureCore
import Foundation

/// Writes an output file under a temporary name in the same folder and renames it into place only when
/// writing succeeded, so a failure never leaves a partial file where the user expects a result.
public struct AtomicOutput {
    public let finalPath: String
    public let temporaryPath: String

    public init(path: String) {
        finalPath = path
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        // Keep the extension: GDAL drivers pick their behaviour from it.
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(ProcessInfo.processInfo.processIdentifier)-partial-\(name)").path
    }

    /// Runs `write` with the temporary path, then renames; on failure removes the temporary file.
    public static func write<R>(to path: String, _ write: (String) throws -> R) throws -> R {
        let output = AtomicOutput(path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExposureError("the output folder \(folder) does not exist", path: path)
        }
        try? FileManager.default.removeItem(atPath: output.temporaryPath)
        do {
            let result = try write(output.temporaryPath)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: output.temporaryPath, toPath: path)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: output.temporaryPath)
            throw error
        }
    }
}
