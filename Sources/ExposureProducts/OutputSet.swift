import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift

/// Every output of one command, written all together or not at all.
///
/// The command declares its inputs and outputs before any work starts; the set refuses an output that is
/// one of the inputs (or a file of an input dataset, such as a shapefile's .dbf), the same file as another
/// output, a folder, or a path outside the folder the command was given. Each output is then written under
/// a temporary name in its own folder, and `commit()` renames them all into place once the whole command
/// has succeeded (each `rename` replaces an existing file in one step). Without a commit, the temporary
/// files and any folder the set created are removed, so a failure leaves nothing new behind.
public final class OutputSet {
    private struct Entry {
        let path: String
        let resolved: String
        let temporary: String
        var written = false
        /// A GDAL raster: GDAL may keep part of it (category names, statistics) in `NAME.aux.xml` beside it.
        var isRaster = false
    }

    private var entries: [Entry] = []
    private var inputs: [String: String] = [:]
    private var createdFolders: [String] = []
    private var committed = false
    /// Every output must lie inside this folder (resolved), when set.
    private let root: String?

    /// - Parameters:
    ///   - inputs: every file the command reads (GDAL datasets are expanded to all their files).
    ///   - root: the folder the outputs must stay inside (`run --output-dir`), created if missing.
    public init(inputs: [String], root: String? = nil) throws {
        var known: [String: String] = [:]
        for input in inputs where !input.isEmpty {
            for file in [input] + OutputSet.datasetFiles(input) { known[OutputSet.resolve(file)] = file }
        }
        self.inputs = known
        if let root {
            self.root = OutputSet.resolve(root)
            try createFolder(root)
        } else {
            self.root = nil
        }
    }

    deinit {
        if !committed { discard() }
    }

    /// Declares an output; `role` names it in errors (e.g. "--csv").
    public func add(_ path: String, role: String) throws {
        guard !path.isEmpty else { throw ExposureError("\(role) is an empty path") }
        guard !path.contains("\0") else { throw ExposureError("\(role) contains a NUL character") }
        let resolved = OutputSet.resolve(path)
        if let input = inputs[resolved] {
            let same = input == path ? "" : " (\(input))"
            throw ExposureError("\(role) would overwrite an input of this command\(same); choose another name", path: path)
        }
        if let other = entries.first(where: { $0.resolved == resolved }) {
            let same = other.path == path ? "" : " (as \(other.path))"
            throw ExposureError("\(role) is the same file as another output of this command\(same); give each output its own name", path: path)
        }
        if let root, !(resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")) {
            throw ExposureError("\(role) lies outside the output folder \(root); names derived from labels may not contain '/' or '..'", path: path)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ExposureError("\(role) is a folder, not a file name", path: path)
        }
        let folder = (resolved as NSString).deletingLastPathComponent
        if root == nil || !OutputSet.isInside(folder, root!) {
            // Outside a folder the set creates: the folder must exist and be writable now, not after the work.
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ExposureError("the output folder \((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent) does not exist", path: path)
            }
            guard access(folder, W_OK) == 0 else {
                throw ExposureError("cannot write in the output folder \(folder) (permission denied)", path: path)
            }
        }
        entries.append(Entry(path: path, resolved: resolved, temporary: temporaryName(for: resolved)))
    }

    /// Declares a raster output: its `.aux.xml` (GDAL's side file) moves with it, and a stale one of a
    /// previous file of that name is removed so it cannot describe the new raster.
    public func addGDALRaster(_ path: String, role: String) throws {
        try add(path, role: role)
        try add(path + ".aux.xml", role: "GDAL's side file of \(role)")
        entries[entries.count - 2].isRaster = true
    }

    /// Creates a folder for outputs (and its missing parents) inside the root; removed again on failure.
    public func createFolder(_ path: String) throws {
        let resolved = OutputSet.resolve(path)
        if let root, !OutputSet.isInside(resolved, root) {
            throw ExposureError("the folder lies outside the output folder \(root)", path: path)
        }
        var missing: [String] = []
        var folder = resolved
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            missing.append(folder)
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { break }
            folder = parent
        }
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ExposureError("\(folder) is a file, not a folder", path: path)
        }
        for created in missing.reversed() {
            do {
                try FileManager.default.createDirectory(atPath: created, withIntermediateDirectories: false)
            } catch {
                throw ExposureError("cannot create the folder (\(OutputSet.reason(error)))", path: created)
            }
            createdFolders.append(created)
        }
        if access(resolved, W_OK) != 0 {
            throw ExposureError("cannot write in the folder (permission denied)", path: path)
        }
    }

    /// Where a declared output is written until the commit (later steps of the command may read it there).
    public func temporaryPath(for path: String) throws -> String {
        guard let entry = entries.first(where: { $0.path == path }) ?? entries.first(where: { $0.resolved == OutputSet.resolve(path) }) else {
            throw ExposureError("internal: \(path) was not declared as an output")
        }
        return entry.temporary
    }

    /// `.../NAME` -> `.../.PID-partial-NAME`: in the output's own folder (so the rename cannot cross disks),
    /// hidden, and keeping the extension GDAL drivers go by.
    private func temporaryName(for resolved: String) -> String {
        let name = (resolved as NSString).lastPathComponent
        return ((resolved as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(".\(ProcessInfo.processInfo.processIdentifier)-partial-\(name)")
    }

    /// Writes a declared output through `body(temporaryPath)`; a failure removes what it left.
    @discardableResult
    public func write<R>(_ path: String, _ body: (String) throws -> R) throws -> R {
        let temporary = try temporaryPath(for: path)
        OutputSet.removeTemporary(temporary)
        do {
            let result = try body(temporary)
            guard FileManager.default.fileExists(atPath: temporary) else {
                throw ExposureError("was not written (the writer produced no file)", path: path)
            }
            if let index = entries.firstIndex(where: { $0.temporary == temporary }) { entries[index].written = true }
            return result
        } catch {
            OutputSet.removeTemporary(temporary)
            throw publicError(error, path: path)
        }
    }

    /// Renames every written output into place. Call once, after the whole command has succeeded.
    public func commit() throws {
        for entry in entries where entry.isRaster && entry.written {
            let side = entry.temporary + ".aux.xml"
            if let index = entries.firstIndex(where: { $0.temporary == temporaryName(for: entry.resolved + ".aux.xml") }) {
                if FileManager.default.fileExists(atPath: side) {
                    if rename(side, entries[index].temporary) == 0 { entries[index].written = true }
                } else {
                    try? FileManager.default.removeItem(atPath: entries[index].resolved)
                }
            }
        }
        for entry in entries where entry.written {
            if rename(entry.temporary, entry.resolved) != 0 {
                let reason = String(cString: strerror(errno))
                discard()
                throw ExposureError("cannot be put in place (\(reason))", path: entry.path)
            }
        }
        committed = true
    }

    /// Removes every temporary file and the folders this set created (when empty).
    public func discard() {
        for entry in entries { OutputSet.removeTemporary(entry.temporary) }
        for folder in createdFolders.reversed() {
            if let contents = try? FileManager.default.contentsOfDirectory(atPath: folder), contents.isEmpty {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        createdFolders = []
    }

    /// The outputs as declared.
    public var paths: [String] { entries.map(\.path) }

    /// `text` with every temporary name replaced by its output's name (for messages and manifests).
    public func publicText(_ text: String) -> String {
        var text = text
        for entry in entries where text.contains(entry.temporary) {
            text = text.replacingOccurrences(of: entry.temporary, with: entry.path)
        }
        // GDAL may name the temporary file by its name alone.
        for entry in entries {
            let name = (entry.temporary as NSString).lastPathComponent
            if text.contains(name) { text = text.replacingOccurrences(of: name, with: (entry.path as NSString).lastPathComponent) }
        }
        return text
    }

    /// An error as the user should read it: the output's name instead of a temporary one, Foundation's
    /// errors in plain words.
    public func publicError(_ error: any Error, path: String? = nil) -> any Error {
        switch error {
        case let error as ExposureError:
            return ExposureError(publicText(error.message), path: error.path.map(publicText))
        case let error as GDALError:
            return GDALError(path: error.path.map(publicText), message: publicText(error.message), code: error.code)
        default:
            // Foundation's file errors say why the output could not be written; any other error (an
            // imagery or argument error) already speaks for itself.
            let domain = (error as NSError).domain
            guard domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain else { return error }
            let reason = OutputSet.reason(error)
            return ExposureError("cannot be written (\(publicText(reason)))", path: path)
        }
    }

    /// A Foundation error in plain words, without its domain and code.
    public static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "the disk is full"
            case .fileWriteVolumeReadOnly: return "the disk is read-only"
            case .fileWriteFileExists: return "a file of that name exists"
            case .fileReadCorruptFile: return "the file is corrupt"
            case .fileReadInapplicableStringEncoding: return "the file is not UTF-8 text"
            default: break
            }
        }
        return nsError.localizedDescription
    }

    /// An absolute path with `.`, `..` and symbolic links of the existing part resolved.
    public static func resolve(_ path: String) -> String {
        var absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        absolute = (absolute as NSString).standardizingPath
        var existing = absolute
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing) {
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { break }
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = parent
        }
        var real = existing
        if let resolved = realpath(existing, nil) {
            real = String(cString: resolved)
            free(resolved)
        }
        for component in rest { real = (real as NSString).appendingPathComponent(component) }
        return real
    }

    public static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// The other files of a GDAL dataset (a shapefile's .dbf, .shx, .prj...), when it opens.
    public static func datasetFiles(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return [] }
        guard let dataset = try? Dataset.open(path) else { return [] }
        return dataset.fileList()
    }

    public static func removeTemporary(_ temporary: String) {
        for suffix in ["", "-journal", "-wal", "-shm", ".aux.xml"] {
            try? FileManager.default.removeItem(atPath: temporary + suffix)
        }
    }
}

extension OutputSet {
    /// The shape of every command that writes: declare the outputs against the inputs before any work,
    /// do the work writing through the set, then put every output in place together. On any failure
    /// nothing new is left, and the error names outputs, never temporary files.
    public static func producing<R>(inputs: [String?], root: String? = nil, declare: (OutputSet) throws -> Void,
                                    work: (OutputSet) throws -> R) throws -> R {
        let outputs = try OutputSet(inputs: inputs.compactMap { $0 }, root: root)
        do {
            try declare(outputs)
            let result = try work(outputs)
            try outputs.commit()
            return result
        } catch {
            outputs.discard()
            throw outputs.publicError(error)
        }
    }
}
