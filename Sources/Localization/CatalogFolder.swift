import Foundation

/// No catalog folder was found: the paths tried, in order.
public struct CatalogNotFoundError: Error, CustomStringConvertible, Sendable {
    public let tried: [String]

    public var description: String {
        "the message catalogs (\(CatalogFolder.relativePath)) were not found; tried:\n"
            + tried.map { "  \($0)\n" }.joined()
            + "The \(CatalogFolder.bundleName) folder must stay beside the exposure binary"
            + " (or set \(CatalogFolder.environmentVariable) to the directory that holds it)."
    }
}

/// Where the `.po` files are at run time, found without SwiftPM's `Bundle.module` (which traps when the
/// bundle is missing).
enum CatalogFolder {
    /// SwiftPM's resource bundle of this target beside the built products (`<package>_<target>.resources` on Linux).
    static let bundleName = "exposure_Localization.resources"
    static let relativePath = bundleName + "/Catalog"
    /// A directory holding `exposure_Localization.resources`, searched first.
    static let environmentVariable = "EXPOSURE_RESOURCES"

    /// The directories that may hold the bundle, in search order: `$EXPOSURE_RESOURCES`, then beside the
    /// running executable (`Bundle.main`, then `/proc/self/exe` resolved, which sees through symbolic links).
    static func candidateDirectories() -> [URL] {
        var directories: [URL] = []
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            directories.append(URL(fileURLWithPath: value, isDirectory: true))
        }
        directories.append(Bundle.main.bundleURL)
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return directories
    }

    /// The first `<directory>/exposure_Localization.resources/Catalog` that is a directory.
    static func locate(in directories: [URL] = candidateDirectories()) throws(CatalogNotFoundError) -> URL {
        var tried: [String] = []
        for directory in directories {
            let folder = directory.appendingPathComponent(relativePath, isDirectory: true).standardizedFileURL
            guard !tried.contains(folder.path) else { continue }
            tried.append(folder.path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return folder
            }
        }
        throw CatalogNotFoundError(tried: tried)
    }
}

/// A folder of another target's resources (a report's templates), found the same way as the catalogs.
public enum ResourceFolder {
    /// `<directory>/<bundle>/<subfolder>` in the first candidate directory of the catalogs' search that has it.
    public static func locate(bundle: String, subfolder: String) throws -> URL {
        var tried: [String] = []
        for directory in CatalogFolder.candidateDirectories() {
            let folder = directory.appendingPathComponent(bundle, isDirectory: true)
                .appendingPathComponent(subfolder, isDirectory: true).standardizedFileURL
            guard !tried.contains(folder.path) else { continue }
            tried.append(folder.path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue { return folder }
        }
        throw ResourceNotFoundError(what: "\(bundle)/\(subfolder)", bundle: bundle, tried: tried)
    }
}

/// No resource folder was found: the paths tried, in order.
public struct ResourceNotFoundError: Error, CustomStringConvertible, Sendable {
    public let what: String, bundle: String
    public let tried: [String]

    public var description: String {
        "the resources \(what) were not found; tried:\n" + tried.map { "  \($0)\n" }.joined()
            + "The \(bundle) folder must stay beside the exposure binary (or set \(CatalogFolder.environmentVariable) to the directory that holds it)."
    }
}
