import ExposureCore
import GDALSwift

/// A raster input checked once on the main thread: its grid, CRS, band and nodata. Workers reopen the file
/// by path (GDAL handles are per thread).
public struct RasterInput: Sendable {
    public let path: String
    public let bandIndex: Int
    public let grid: Grid
    /// The CRS as WKT (a Sendable form; each worker rebuilds its own SpatialReference).
    public let crsWKT: String
    public let crsName: String
    public let epsg: Int?
    public let crsWasAssumed: Bool
    public let noData: Double?
    public let scale: Double
    public let offset: Double
    public let blockSize: (width: Int, height: Int)
    public let dataType: String

    /// Opens and checks a raster; `assumeCRS` is used only when the file has no CRS.
    public init(path: String, band: Int = 1, assumeCRS: String? = nil, role: String) throws {
        let dataset = try Dataset.open(path, kinds: .raster)
        guard dataset.bandCount > 0 else {
            let subdatasets = dataset.subdatasets().map(\.path)
            if !subdatasets.isEmpty {
                throw ExposureError("the \(role) file holds several variables; pick one, e.g. \(subdatasets[0])", path: path)
            }
            throw ExposureError("the \(role) file has no raster bands", path: path)
        }
        guard band >= 1, band <= dataset.bandCount else {
            throw ExposureError("band \(band) does not exist; the \(role) raster has \(dataset.bandCount) band(s)", path: path)
        }
        guard let coefficients = try dataset.geoTransform() else {
            throw ExposureError("the \(role) raster has no georeference (no geotransform)", path: path)
        }
        self.path = path
        self.bandIndex = band
        self.grid = Grid(width: dataset.width, height: dataset.height, transform: try GeoTransform(coefficients: coefficients, path: path))
        var srs = try dataset.spatialReference()
        var assumed = false
        if srs == nil, let assumeCRS {
            srs = try SpatialReference(definition: assumeCRS)
            assumed = true
        }
        guard let srs else {
            throw ExposureError("the \(role) raster has no CRS; give one with --assume-crs (e.g. --assume-crs EPSG:4326)", path: path)
        }
        crsWKT = try srs.wkt()
        crsName = srs.name
        epsg = CRSIdentification.epsg(of: srs, wkt: crsWKT)
        crsWasAssumed = assumed
        let rasterBand = try dataset.band(band)
        noData = try rasterBand.noDataValue
        scale = try rasterBand.scale ?? 1
        offset = try rasterBand.offset ?? 0
        blockSize = rasterBand.blockSize
        dataType = rasterBand.dataType.rawValue
    }

    public func spatialReference() throws -> SpatialReference {
        try SpatialReference(definition: crsWKT)
    }

    /// Opens this raster's band for one worker.
    func openBand() throws -> RasterBand {
        try Dataset.open(path, kinds: .raster).band(bandIndex)
    }

    /// Converts raw values in place: nodata (and NaN) to NaN, then the declared scale and offset.
    @inline(__always)
    func physical(_ values: inout [Double], count: Int) {
        let noData = self.noData
        let scaled = scale != 1 || offset != 0
        for i in 0..<count {
            let v = values[i]
            if let noData, v == noData || (noData.isNaN && v.isNaN) {
                values[i] = .nan
            } else if scaled {
                values[i] = v * scale + offset
            }
        }
    }
}

/// Reads population cells for one worker thread.
final class GDALPopulationReader: PopulationReader {
    let input: RasterInput
    let band: RasterBand

    init(_ input: RasterInput) throws {
        self.input = input
        self.band = try input.openBand()
    }

    func read(_ window: GridWindow, into values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { buffer in
            try band.read(RasterWindow(column: window.column, row: window.row, width: window.width, height: window.height),
                          into: buffer)
        }
        input.physical(&values, count: window.cellCount)
    }
}

/// Reads hazard cells (and transforms population coordinates to the hazard's CRS) for one worker thread.
final class GDALHazardReader: HazardRasterReader {
    let input: RasterInput
    let band: RasterBand
    let transformation: CoordinateTransformation?
    private var values: [Double] = []

    init(_ input: RasterInput, populationCRS: String, sameCRS: Bool) throws {
        self.input = input
        self.band = try input.openBand()
        self.transformation = sameCRS ? nil : try CoordinateTransformation(
            from: SpatialReference(definition: populationCRS), to: input.spatialReference())
    }

    var grid: Grid { input.grid }
    var needsTransform: Bool { transformation != nil }

    func readCodes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws {
        let n = window.cellCount
        if values.count < n { values = [Double](repeating: 0, count: n) }
        try values.withUnsafeMutableBufferPointer { buffer in
            try band.read(RasterWindow(column: window.column, row: window.row, width: window.width, height: window.height),
                          into: buffer)
        }
        input.physical(&values, count: n)
        if codes.count < n { codes = [UInt8](repeating: 0, count: n) }
        for i in 0..<n { codes[i] = classes.code(for: values[i]) }
    }

    func transformToHazardCRS(x: inout [Double], y: inout [Double]) throws {
        guard let transformation else { return }
        let ok: [Bool]
        do {
            ok = try transformation.transform(x: &x, y: &y)
        } catch {
            // No point of this batch lies in the hazard CRS's domain: all unknown.
            ok = [Bool](repeating: false, count: x.count)
        }
        for i in ok.indices where !ok[i] {
            x[i] = .nan
            y[i] = .nan
        }
    }
}
