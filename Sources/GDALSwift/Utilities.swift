import CGDAL

/// GDAL's command-line utilities as functions (gdalwarp, gdaldem), taking the same arguments.
public enum Utilities {
    /// `gdalwarp ARGUMENTS source destination`; with `-of MEM` and an empty destination the result stays
    /// in memory.
    public static func warp(_ source: Dataset, arguments: [String], destination: String = "") throws -> Dataset {
        let sourceHandle = try source.openHandle()
        let options = try withCStringList(arguments) { list in
            try GDALCall.handle(source.path, "gdalwarp options \(arguments.joined(separator: " "))") { GDALWarpAppOptionsNew(list, nil) }
        }
        defer { GDALWarpAppOptionsFree(options) }
        var sources: [GDALDatasetH?] = [sourceHandle]
        var usageError: Int32 = 0
        let result = try sources.withUnsafeMutableBufferPointer { buffer in
            try GDALCall.handle(source.path, "warp") { GDALWarp(destination, nil, 1, buffer.baseAddress, options, &usageError) }
        }
        return Dataset(handle: result, path: destination.isEmpty ? "\(source.path) (warped)" : destination, sources: [source])
    }

    /// `gdaldem PROCESSING source destination ARGUMENTS` (e.g. "slope" with `-compute_edges`).
    public static func demProcessing(_ source: Dataset, processing: String, arguments: [String], destination: String = "") throws -> Dataset {
        let sourceHandle = try source.openHandle()
        let options = try withCStringList(arguments) { list in
            try GDALCall.handle(source.path, "gdaldem options \(arguments.joined(separator: " "))") { GDALDEMProcessingOptionsNew(list, nil) }
        }
        defer { GDALDEMProcessingOptionsFree(options) }
        var usageError: Int32 = 0
        let result = try GDALCall.handle(source.path, "gdaldem \(processing)") {
            GDALDEMProcessing(destination, sourceHandle, processing, nil, options, &usageError)
        }
        return Dataset(handle: result, path: destination.isEmpty ? "\(source.path) (\(processing))" : destination, sources: [source])
    }
}

/// Files in GDAL's memory file system (`/vsimem/...`): visible to every GDAL handle of the process, gone
/// once removed.
public enum MemoryFiles {
    /// Removes a `/vsimem/` file; a missing one is not an error, and other paths are left alone.
    public static func remove(_ path: String) {
        guard path.hasPrefix("/vsimem/") else { return }
        _ = VSIUnlink(path)
    }
}
