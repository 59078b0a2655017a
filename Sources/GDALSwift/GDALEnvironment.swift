import CGDAL
import CPROJ
import Logging

/// Process-wide GDAL setup: drivers registered once, and an error handler that keeps GDAL from printing on
/// its own. Errors are read back per thread by ``GDALCall``; warnings go to the `gdal` logger.
public enum GDALEnvironment {
    static let logger = Logger(label: "gdal")

    private static let initialization: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(routeGDALMessage)
        // Coordinate transformations must not silently pick a low-accuracy pipeline when a grid is
        // missing; but neither should they fail on an ordinary laptop without the grids: keep PROJ's default.
    }()

    /// Registers the drivers and the error handler; every wrapper entry point calls this.
    public static func ensureInitialized() {
        _ = initialization
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

    /// Reads a GDAL configuration option.
    public static func configOption(_ key: String) -> String? {
        ensureInitialized()
        return CPLGetConfigOption(key, nil).map { String(cString: $0) }
    }
}

private func routeGDALMessage(_ level: CPLErr, _ number: CPLErrorNum, _ message: UnsafePointer<CChar>?) {
    // Failures are not printed here: the checking helper reads them back as this thread's last error
    // and throws them with the file name attached.
    guard level == CE_Warning, let message else { return }
    GDALEnvironment.logger.warning("GDAL: \(String(cString: message))")
}
