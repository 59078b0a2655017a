import CGDAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open GDAL dataset: a raster, a vector source, or both.
///
/// Not thread-safe (GDAL handles must be used by one thread at a time): open one per worker thread.
/// The handle is closed by ``close()`` or, failing that, when the last reference (including bands and
/// layers, which keep their dataset alive) goes away.
public final class Dataset {
    public let path: String
    private var handle: GDALDatasetH?
    /// Datasets this one may read from for as long as it is open (a VRT made by CreateCopy points at its
    /// source's bands), released only after this one is closed.
    private var sources: [Dataset] = []
    /// Opened read-only by ``open(_:kinds:update:)``: nothing in this process writes its pixels through it,
    /// so its bands may read their blocks straight from the file (``RasterBand/decodesBlocksItself``).
    let isReadOnly: Bool
    /// Each band's own block decoder (``DeflateFloat32Blocks``), made at the band's first read through any of
    /// its ``RasterBand`` objects; nil for a band left to GDAL.
    private var blockDecoders: [Int: DeflateFloat32Blocks?] = [:]

    /// What kind of data `open` should accept.
    public struct Kinds: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let raster = Kinds(rawValue: UInt32(GDAL_OF_RASTER))
        public static let vector = Kinds(rawValue: UInt32(GDAL_OF_VECTOR))
        public static let any: Kinds = [.raster, .vector]
    }

    init(handle: GDALDatasetH, path: String, sources: [Dataset] = [], readOnly: Bool = false) {
        self.handle = handle
        self.path = path
        self.sources = sources
        isReadOnly = readOnly
    }

    /// Opens `path` (any GDAL path: a file, `/vsizip/...`, `/vsicurl/...`, `NETCDF:"f.nc":var`, ...).
    public static func open(_ path: String, kinds: Kinds = .any, update: Bool = false) throws -> Dataset {
        guard !path.isEmpty else { throw GDALError(path: nil, message: "the file name is empty") }
        var flags = kinds.rawValue | UInt32(GDAL_OF_VERBOSE_ERROR)
        if update { flags |= UInt32(GDAL_OF_UPDATE) }
        let handle = try GDALCall.handle(path, "open") {
            GDALOpenEx(path, flags, nil, nil, nil)
        }
        return Dataset(handle: handle, path: path, readOnly: !update)
    }

    deinit {
        if let handle { GDALClose(handle) }
    }

    /// Closes the dataset now, flushing what was written; throws if GDAL reports a failure while doing so.
    public func close() throws {
        guard let handle else { return }
        self.handle = nil
        blockDecoders = [:]
        defer { sources = [] }
        try GDALCall.run(path, "close") { GDALClose(handle) }
    }

    /// Band `index`'s block decoder, made by `make` the first time it is asked for.
    func blockDecoder(band index: Int, _ make: () -> DeflateFloat32Blocks?) -> DeflateFloat32Blocks? {
        if let known = blockDecoders[index] { return known }
        let decoder = make()
        blockDecoders[index] = .some(decoder)
        return decoder
    }

    public var isOpen: Bool { handle != nil }

    func openHandle() throws -> GDALDatasetH {
        guard let handle else { throw GDALError(path: path, message: "dataset is already closed") }
        return handle
    }

    /// Flushes cached writes to disk.
    public func flush() throws {
        let h = try openHandle()
        try GDALCall.run(path, "flush") { GDALFlushCache(h) }
    }

    // MARK: Description

    public var driverName: String {
        guard let handle, let driver = GDALGetDatasetDriver(handle) else { return "unknown" }
        return String(cString: GDALGetDriverShortName(driver))
    }

    public var width: Int { handle.map { Int(GDALGetRasterXSize($0)) } ?? 0 }
    public var height: Int { handle.map { Int(GDALGetRasterYSize($0)) } ?? 0 }
    public var bandCount: Int { handle.map { Int(GDALGetRasterCount($0)) } ?? 0 }
    public var layerCount: Int { handle.map { Int(GDALDatasetGetLayerCount($0)) } ?? 0 }

    /// The six affine coefficients (origin x, cell width, row rotation, origin y, column rotation, cell
    /// height), or nil when the dataset has none.
    public func geoTransform() throws -> [Double]? {
        let h = try openHandle()
        var coefficients = [Double](repeating: 0, count: 6)
        let status = GDALGetGeoTransform(h, &coefficients)
        CPLErrorReset()  // "no geotransform" is reported as an error but is an ordinary answer here
        return status == CE_None ? coefficients : nil
    }

    public func setGeoTransform(_ coefficients: [Double]) throws {
        precondition(coefficients.count == 6, "a geotransform has six coefficients")
        let h = try openHandle()
        var copy = coefficients
        try GDALCall.cpl(path, "set geotransform") { GDALSetGeoTransform(h, &copy) }
    }

    /// The raster's coordinate reference system, or nil when it has none.
    public func spatialReference() throws -> SpatialReference? {
        let h = try openHandle()
        let ref = try GDALCall.run(path, "read CRS") { GDALGetSpatialRef(h) }
        guard let ref else { return nil }
        return try SpatialReference(cloning: ref, path: path)
    }

    public func setSpatialReference(_ srs: SpatialReference) throws {
        let h = try openHandle()
        try GDALCall.cpl(path, "set CRS") { GDALSetSpatialRef(h, srs.handle) }
    }

    /// The files that make up the dataset (e.g. a shapefile's .shp, .shx, .dbf and .prj), main file first.
    public func fileList() -> [String] {
        guard let handle, let list = GDALGetFileList(handle) else { return [] }
        defer { CSLDestroy(list) }
        var files: [String] = []
        var index = 0
        while let item = list[index] {
            files.append(String(cString: item))
            index += 1
        }
        return files
    }

    /// Metadata items of a domain (nil for the default domain) as key/value pairs.
    public func metadata(domain: String? = nil) -> [String: String] {
        guard let handle else { return [:] }
        return parseStringList(GDALGetMetadata(handle, domain))
    }

    public func setMetadataItem(_ key: String, _ value: String, domain: String? = nil) throws {
        let h = try openHandle()
        try GDALCall.cpl(path, "set metadata") { GDALSetMetadataItem(h, key, value, domain) }
    }

    /// Subdatasets (netCDF variables, HDF groups...): the path to open each, and GDAL's description.
    public func subdatasets() -> [(path: String, description: String)] {
        let items = metadata(domain: "SUBDATASETS")
        var result: [(String, String)] = []
        var index = 1
        while let name = items["SUBDATASET_\(index)_NAME"] {
            result.append((name, items["SUBDATASET_\(index)_DESC"] ?? name))
            index += 1
        }
        return result
    }

    // MARK: Raster

    /// Band `index`, counted from 1 as GDAL does.
    public func band(_ index: Int) throws -> RasterBand {
        let h = try openHandle()
        guard index >= 1, index <= bandCount else {
            throw GDALError(path: path, message: "band \(index) does not exist (the raster has \(bandCount) band(s))")
        }
        let band = try GDALCall.handle(path, "open band \(index)") { GDALGetRasterBand(h, Int32(index)) }
        return RasterBand(dataset: self, handle: band, index: index)
    }

    /// Creates one mask band shared by every band (GDALCreateDatasetMaskBand; in a GeoTIFF an internal mask
    /// or a `.msk` file); fill it through any band's ``RasterBand/maskBand()``.
    public func createMaskBand() throws {
        let h = try openHandle()
        try GDALCall.cpl(path, "create a mask") { GDALCreateDatasetMaskBand(h, GMF_PER_DATASET) }
    }

    // MARK: Vector

    public func layer(at index: Int) throws -> VectorLayer {
        let h = try openHandle()
        guard index >= 0, index < layerCount else {
            throw GDALError(path: path, message: "layer \(index) does not exist (the source has \(layerCount) layer(s))")
        }
        let layer = try GDALCall.handle(path, "open layer \(index)") { GDALDatasetGetLayer(h, Int32(index)) }
        return VectorLayer(dataset: self, handle: layer)
    }

    public func layer(named name: String) throws -> VectorLayer {
        let h = try openHandle()
        guard let layer = GDALDatasetGetLayerByName(h, name) else {
            CPLErrorReset()
            let names = (0..<layerCount).compactMap { try? self.layer(at: $0).name }
            throw GDALError(path: path, message: "no layer named '\(name)' (layers: \(names.joined(separator: ", ")))")
        }
        return VectorLayer(dataset: self, handle: layer)
    }

    /// Creates a layer in a dataset opened for writing.
    public func createLayer(
        name: String, spatialReference: SpatialReference?, geometryType: GeometryType,
        options: [String] = []
    ) throws -> VectorLayer {
        let h = try openHandle()
        let layer = try withCStringList(options) { list in
            try GDALCall.handle(path, "create layer '\(name)'") {
                GDALDatasetCreateLayer(h, name, spatialReference?.handle, geometryType.ogrType, list)
            }
        }
        return VectorLayer(dataset: self, handle: layer)
    }

    /// Starts a transaction where the driver supports one (GeoPackage); returns whether one was started.
    @discardableResult
    public func beginTransaction() -> Bool {
        guard let handle else { return false }
        let ok = GDALDatasetStartTransaction(handle, 0) == OGRERR_NONE
        CPLErrorReset()
        return ok
    }

    /// Runs an SQL statement that returns no rows (CREATE, INSERT...) in the dataset's own dialect (SQLite for
    /// a GeoPackage); a statement that returns rows has them discarded.
    public func executeSQL(_ statement: String) throws {
        let h = try openHandle()
        let result = try GDALCall.run(path, "run SQL") { GDALDatasetExecuteSQL(h, statement, nil, nil) }
        if let result { GDALDatasetReleaseResultSet(h, result) }
    }

    public func commitTransaction() throws {
        let h = try openHandle()
        try GDALCall.ogr(path, "commit") { GDALDatasetCommitTransaction(h) }
    }
}

/// Turns a NULL-terminated `KEY=VALUE` string list into a dictionary.
func parseStringList(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String: String] {
    guard let list else { return [:] }
    var result: [String: String] = [:]
    var index = 0
    while let item = list[index] {
        let text = String(cString: item)
        if let eq = text.firstIndex(of: "=") {
            result[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
        index += 1
    }
    return result
}

/// Passes `strings` to `body` as a NULL-terminated C string list (GDAL's `char **` options).
func withCStringList<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
    if strings.isEmpty { return try body(nil) }
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return try pointers.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
}

/// The same list for functions taking `const char * const *`.
func withConstCStringList<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
    try withCStringList(strings) { list in
        try body(list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) })
    }
}
