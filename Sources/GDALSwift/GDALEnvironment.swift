import CGDAL
import CPROJ
import Foundation
import Synchronization

/// GDAL setup: drivers registered once. The wrapper installs no process-wide error handler: each checked
/// call pushes its own for its duration (``GDALCall``), which keeps the host's handler in place.
public enum GDALEnvironment {
    private static let initialization: Void = {
        GDALAllRegister()
        // Coordinate transformations must not silently pick a low-accuracy pipeline when a grid is
        // missing; but neither should they fail on an ordinary laptop without the grids: keep PROJ's default.
    }()

    /// Registers the drivers; every wrapper entry point calls this.
    public static func ensureInitialized() {
        _ = initialization
    }

    /// For a host that reports ``GDALDiagnostics`` itself (a command-line program): GDAL's messages outside
    /// the wrapper's checked calls are not printed by GDAL's default handler either. A process-wide choice,
    /// so the host makes it, not the wrapper.
    public static func silenceUncheckedMessages() {
        ensureInitialized()
        CPLSetErrorHandler(CPLQuietErrorHandler)
    }

    /// GDAL's release name, e.g. "3.6.2".
    public static var gdalVersion: String {
        ensureInitialized()
        return String(cString: GDALVersionInfo("RELEASE_NAME"))
    }

    /// PROJ's version, e.g. "9.1.1".
    public static var projVersion: String {
        let info = proj_info()
        return info.version.map { String(cString: $0) } ?? "unknown"
    }

    /// Sets a GDAL configuration option (e.g. `GDAL_CACHEMAX`) for the whole process.
    public static func setConfigOption(_ key: String, _ value: String?) {
        ensureInitialized()
        CPLSetConfigOption(key, value)
    }

    /// Sets the size of GDAL's block cache (shared by all threads).
    public static func setCacheSize(bytes: Int) {
        ensureInitialized()
        GDALSetCacheMax64(GIntBig(bytes))
    }

    /// The size of GDAL's block cache, in bytes.
    public static var cacheSize: Int {
        ensureInitialized()
        return Int(GDALGetCacheMax64())
    }

    /// Runs `body` with the block cache set to `bytes` (unless the user set `GDAL_CACHEMAX`), then puts the
    /// previous size back: no process-wide side effect outlives the call.
    public static func withCacheSize<R>(bytes: Int, _ body: () throws -> R) rethrows -> R {
        guard configOption("GDAL_CACHEMAX") == nil else { return try body() }
        let previous = cacheSize
        setCacheSize(bytes: bytes)
        defer { setCacheSize(bytes: previous) }
        return try body()
    }

    /// Runs `body` with a configuration option set for the calling thread only (CPLSetThreadLocalConfigOption),
    /// then puts the thread's previous value back: other threads never see it.
    public static func withThreadConfigOption<R>(_ key: String, _ value: String?, _ body: () throws -> R) rethrows -> R {
        ensureInitialized()
        let previous = CPLGetThreadLocalConfigOption(key, nil).map { String(cString: $0) }
        CPLSetThreadLocalConfigOption(key, value)
        defer { CPLSetThreadLocalConfigOption(key, previous) }
        return try body()
    }

    /// Reads a GDAL configuration option.
    public static func configOption(_ key: String) -> String? {
        ensureInitialized()
        return CPLGetConfigOption(key, nil).map { String(cString: $0) }
    }
}

/// Warnings GDAL, OGR and PROJ raised during the wrapper's checked calls, each naming the file the call
/// worked on, kept (once each) until the host takes them. Failures are not kept here: they are thrown.
public enum GDALDiagnostics {
    private static let store = Mutex<(seen: Set<String>, warnings: [String])>(([], []))

    /// The warnings recorded since the last call, oldest first, each once.
    public static func drain() -> [String] {
        store.withLock { state in
            defer { state.warnings = [] }
            return state.warnings
        }
    }

    static func record(_ message: String, path: String?) {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if let path, !path.isEmpty {
            for prefix in [path + ": ", path + ", ", path + " "] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
            text = "\(path): \(text)"
        }
        store.withLock { state in
            if state.seen.insert(text).inserted { state.warnings.append(text) }
        }
    }
}

/// What a checked call is about, for the error handler it pushes.
final class CallContext: Sendable {
    let path: String?
    /// Warnings of this call are expected and reported by the caller in its own words.
    let quiet: Bool

    init(path: String?, quiet: Bool) {
        self.path = path
        self.quiet = quiet
    }
}

/// The handler a checked call pushes: warnings are recorded for the host, failures are left to be read back
/// as the thread's last error (GDAL stores it whatever the handler does).
func recordGDALMessage(_ level: CPLErr, _ number: CPLErrorNum, _ message: UnsafePointer<CChar>?) {
    guard level == CE_Warning, let message, let data = CPLGetErrorHandlerUserData() else { return }
    let context = Unmanaged<CallContext>.fromOpaque(data).takeUnretainedValue()
    guard !context.quiet else { return }
    GDALDiagnostics.record(String(cString: message), path: context.path)
}
