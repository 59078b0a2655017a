import CGDAL

/// A failure reported by GDAL, OGR, OSR or PROJ, with the library's own message and the file it concerns.
public struct GDALError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or data source the failing call worked on, when there is one.
    public let path: String?
    /// What the library said (or, when it said nothing, what we were doing).
    public let message: String
    /// GDAL's `CPLErrorNum`, or the OGR error code; 0 when unknown.
    public let code: Int

    public init(path: String?, message: String, code: Int = 0) {
        self.path = path
        self.message = message
        self.code = code
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}

/// The one way this module calls into GDAL: reset the thread's error state, make the call, then turn the
/// thread's last error (or a failure signalled by the return value) into a thrown ``GDALError``.
///
/// GDAL keeps the last error per thread, so this is correct on worker threads too.
enum GDALCall {
    /// Calls `body` and throws if GDAL recorded an error (CE_Failure or CE_Fatal) during it.
    /// Its warnings are recorded in ``GDALDiagnostics`` (unless `quiet`: the caller reports them itself), through
    /// a handler pushed for the duration of the call only.
    @discardableResult
    static func run<T>(_ path: String?, _ action: @autoclosure () -> String, quiet: Bool = false, _ body: () throws -> T) throws -> T {
        GDALEnvironment.ensureInitialized()
        let context = Unmanaged.passRetained(CallContext(path: path, quiet: quiet))
        CPLPushErrorHandlerEx(recordGDALMessage, context.toOpaque())
        defer {
            CPLPopErrorHandler()
            context.release()
        }
        CPLErrorReset()
        let result = try body()
        if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue {
            throw lastError(path, action())
        }
        return result
    }

    /// Calls `body`; a nil result or a recorded error is thrown.
    static func handle<T>(_ path: String?, _ action: @autoclosure () -> String, _ body: () throws -> T?) throws -> T {
        let value = try run(path, action(), body)
        guard let value else { throw lastError(path, action()) }
        return value
    }

    /// Calls a function returning `CPLErr`; anything but CE_None/CE_Debug/CE_Warning is thrown.
    static func cpl(_ path: String?, _ action: @autoclosure () -> String, _ body: () throws -> CPLErr) throws {
        let status = try run(path, action(), body)
        if status.rawValue >= CE_Failure.rawValue { throw lastError(path, action()) }
    }

    /// Calls a function returning `OGRErr`; anything but OGRERR_NONE is thrown.
    static func ogr(_ path: String?, _ action: @autoclosure () -> String, _ body: () throws -> OGRErr) throws {
        let status = try run(path, action(), body)
        if status != OGRERR_NONE {
            let error = lastError(path, action())
            throw GDALError(path: path, message: error.message, code: Int(status))
        }
    }

    /// Calls a function returning a C boolean (non-zero is success).
    static func bool(_ path: String?, _ action: @autoclosure () -> String, _ body: () throws -> Int32) throws {
        let status = try run(path, action(), body)
        if status == 0 { throw lastError(path, action()) }
    }

    static func lastError(_ path: String?, _ action: String) -> GDALError {
        let number = Int(CPLGetLastErrorNo())
        var message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        if message.isEmpty { message = "\(action) failed" }
        // GDAL often starts its message with the file name; the error adds it already.
        if let path {
            for prefix in [path + ": ", path + ", ", "`" + path + "' "] where message.hasPrefix(prefix) {
                message = String(message.dropFirst(prefix.count))
            }
        }
        return GDALError(path: path, message: message, code: number)
    }
}
