import CGDAL

/// A GDAL/OGR format driver ("GTiff", "COG", "GPKG", "GeoJSON", "CSV", "MEM", ...).
public struct Driver {
    public let name: String
    let handle: GDALDriverH

    /// The driver with this short name; throws when GDAL was built without it.
    public static func named(_ name: String) throws -> Driver {
        let handle = try GDALCall.handle(nil, "find driver") { GDALGetDriverByName(name) }
        return Driver(name: name, handle: handle)
    }

    /// The vector driver a file name's extension implies, for writing outputs.
    public static func vectorDriver(forPath path: String) throws -> Driver {
        let lower = path.lowercased()
        let table: [(String, String)] = [
            (".geojson", "GeoJSON"), (".json", "GeoJSON"), (".gpkg", "GPKG"), (".csv", "CSV"),
            (".fgb", "FlatGeobuf"),
        ]
        guard let match = table.first(where: { lower.hasSuffix($0.0) }) else {
            throw GDALError(path: path, message: "cannot tell the output format from the extension (use .geojson, .gpkg, .csv or .fgb)")
        }
        return try named(match.1)
    }

    /// Creates a raster; `options` are the driver's creation options (e.g. `TILED=YES`, `COMPRESS=DEFLATE`).
    /// ``RasterDataType/int8`` creates a Byte raster with `PIXELTYPE=SIGNEDBYTE` (GDAL 3.6's signed bytes).
    public func createRaster(
        path: String, width: Int, height: Int, bands: Int, type: RasterDataType, options: [String] = []
    ) throws -> Dataset {
        var options = options
        if type == .int8, !options.contains(where: { $0.uppercased().hasPrefix("PIXELTYPE=") }) {
            options.append("PIXELTYPE=SIGNEDBYTE")
        }
        let dataset = try withCStringList(options) { list in
            try GDALCall.handle(path, "create raster") {
                GDALCreate(handle, path, Int32(width), Int32(height), Int32(bands), type.gdalType, list)
            }
        }
        return Dataset(handle: dataset, path: path)
    }

    /// Creates an empty vector data source.
    public func createVector(path: String, options: [String] = []) throws -> Dataset {
        let dataset = try withCStringList(options) { list in
            try GDALCall.handle(path, "create data source") {
                GDALCreate(handle, path, 0, 0, 0, GDT_Unknown, list)
            }
        }
        return Dataset(handle: dataset, path: path)
    }

    /// Copies `source` into a new file with this driver (the way to write COGs), reporting progress.
    public func createCopy(
        path: String, from source: Dataset, options: [String] = [], progress: ProgressHandler? = nil
    ) throws -> Dataset {
        let sourceHandle = try source.openHandle()
        let dataset = try withCStringList(options) { list in
            try withGDALProgress(progress) { function, argument in
                try GDALCall.handle(path, "create copy") {
                    GDALCreateCopy(handle, path, sourceHandle, 0, list, function, argument)
                }
            }
        }
        return Dataset(handle: dataset, path: path, sources: [source])
    }

    /// Deletes a dataset and its side files (e.g. a shapefile's .dbf and .shx).
    public func delete(path: String) throws {
        try GDALCall.cpl(path, "delete") { GDALDeleteDataset(handle, path) }
    }
}
