import ExposureCore
import GDALSwift
import SIMDKernels
import Synchronization

/// A raster input checked once on the main thread: its grid, CRS, band, nodata and mask. Workers reopen the
/// file by path (GDAL handles are per thread) and read it through a ``RasterCellReader``.
public struct RasterInput: Sendable {
    public let path: String
    /// "population", "hazard", "DEM", "mask"...: how messages name the raster.
    public let role: String
    public let bandIndex: Int
    public let grid: Grid
    /// The CRS as WKT (a Sendable form; each worker rebuilds its own SpatialReference).
    public let crsWKT: String
    public let crsName: String
    public let epsg: Int?
    public let crsWasAssumed: Bool
    /// The nodata value as a Double (rounded for 64-bit integer bands: see ``exactNoData``).
    public let noData: Double?
    /// The nodata value in the band's own type, the one cells are compared with.
    public let exactNoData: NoDataValue?
    public let scale: Double
    public let offset: Double
    public let blockSize: (width: Int, height: Int)
    public let dataType: String
    /// How cells become values (nodata, mask, scale), shared with the workers.
    public let decoding: CellDecoding
    /// The band's mask flags; the mask is read only when it says more than the nodata value.
    public var maskFlags: MaskFlags { decoding.maskFlags }

    /// What the manifest says about the mask, nil when there is none to read.
    public var maskDescription: String? { decoding.mask?.description }

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
        self.role = role
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
        decoding = try CellDecoding(band: rasterBand, role: role)
        exactNoData = decoding.noData
        noData = exactNoData?.doubleValue
        scale = decoding.scale
        offset = decoding.offset
        blockSize = rasterBand.blockSize
        dataType = rasterBand.dataType.rawValue
    }

    public func spatialReference() throws -> SpatialReference {
        try SpatialReference(definition: crsWKT)
    }

    /// Opens this raster for one worker.
    public func openReader() throws -> RasterCellReader {
        try RasterCellReader(band: Dataset.open(path, kinds: .raster).band(bandIndex), decoding: decoding)
    }

    /// The whole band as physical values (see ``RasterCellReader/read(_:into:)``), for inputs read in memory.
    public func readAll() throws -> (values: [Double], undeclaredNaN: Int) {
        let reader = try openReader()
        var values = [Double](repeating: 0, count: grid.cellCount)
        let window = grid.fullWindow
        try reader.read(window, into: &values)
        return (values, reader.undeclaredNaN)
    }
}

/// Reads windows of one raster band for one worker thread, as physical values: `raw x scale + offset`, NaN
/// where the cell has no value. A cell has no value when
/// * it equals the nodata value, compared in the band's own type: exactly for every integer type (a signed
///   byte band's -1 is -1, not 255; Int64 and UInt64 never pass through a Double), at Float32 precision for a
///   Float32 band (as GDAL's own nodata mask does), or it is NaN when the nodata value is NaN;
/// * its mask (a per-dataset or per-band mask band, an alpha band: see ``RasterBand/validitySource()``) is 0:
///   read alongside the data window, only when the band has such a mask;
/// * it is NaN without NaN being declared nodata: counted in ``undeclaredNaN`` for a warning.
///
/// An infinite value (or one that becomes infinite once scaled) is an error naming the file and the cell, or,
/// for scenes (``Infinities/noData``), no value.
public final class RasterCellReader {
    /// What to do with an infinite value: refuse it (counts, hazard values, elevations), or take it as no
    /// value (satellite scenes, where -inf dB is a pixel with no backscatter).
    public enum Infinities { case reject, noData }

    public let decoding: CellDecoding
    public let band: RasterBand
    public let mask: RasterBand?
    public let infinities: Infinities
    /// Whether the declared scale and offset are applied (a scene applies them after its own raw tests).
    public let applyScale: Bool
    /// NaN cells read so far that NaN was not declared for (nodata is not NaN, and the mask did not hide them).
    public private(set) var undeclaredNaN = 0
    private var maskValues: [UInt8] = []
    private var int64s: [Int64] = []
    private var uint64s: [UInt64] = []
    /// The nodata value to compare Double-read cells with (nil: none, or one no cell of the type can hold).
    private let realNoData: Double?
    private let noDataIsNaN: Bool

    public init(band: RasterBand, decoding: CellDecoding, infinities: Infinities = .reject, applyScale: Bool = true) throws {
        self.decoding = decoding
        self.band = band
        self.infinities = infinities
        self.applyScale = applyScale
        mask = try decoding.mask.map { try band.validityBand($0) }
        switch decoding.noData {
        case .real(let value)? where decoding.dataType == .float32:
            // Float32 cells are compared with the nodata value rounded to Float32; one out of Float32's range
            // matches no cell.
            let single = Float(value)
            noDataIsNaN = value.isNaN
            realNoData = value.isFinite && !single.isFinite ? nil : Double(single)
        case .real(let value)?:
            noDataIsNaN = value.isNaN
            realNoData = value
        default:
            noDataIsNaN = false
            realNoData = nil
        }
    }

    /// Fills `values[0..<window.cellCount]` with the physical values of `window` (row-major).
    public func read(_ window: GridWindow, into values: inout [Double]) throws {
        let n = window.cellCount
        let rasterWindow = window
        if values.count < n { values = [Double](repeating: 0, count: n) }
        switch decoding.noData {
        case .int64?:
            if int64s.count < n { int64s = [Int64](repeating: 0, count: n) }
            try int64s.withUnsafeMutableBufferPointer { try band.read(rasterWindow, into: $0) }
        case .uint64?:
            if uint64s.count < n { uint64s = [UInt64](repeating: 0, count: n) }
            try uint64s.withUnsafeMutableBufferPointer { try band.read(rasterWindow, into: $0) }
        default:
            // Every other type is exact in a Double (signed bytes are read as signed by RasterBand); so are
            // 64-bit integer bands without nodata, up to rounding beyond 2^53 that no comparison depends on.
            try values.withUnsafeMutableBufferPointer { try band.read(rasterWindow, into: $0) }
        }
        let masked = mask != nil
        if let mask {
            if maskValues.count < n { maskValues = [UInt8](repeating: 0, count: n) }
            try maskValues.withUnsafeMutableBufferPointer { try mask.read(rasterWindow, into: $0) }
        }
        let scale = decoding.scale, offset = decoding.offset, scaled = applyScale && (scale != 1 || offset != 0)
        let rejectInfinity = infinities == .reject
        // One pass over the window: nodata and masked cells to NaN, undeclared NaNs counted, the scale applied,
        // infinities refused.
        switch decoding.noData {
        case .int64(let noData)?:
            for i in 0..<n {
                if (masked && maskValues[i] == 0) || int64s[i] == noData { values[i] = .nan; continue }
                let raw = Double(int64s[i])
                values[i] = scaled ? raw * scale + offset : raw
                if !values[i].isFinite { throw infinite(raw, at: i, in: window, scaled: scaled) }
            }
        case .uint64(let noData)?:
            for i in 0..<n {
                if (masked && maskValues[i] == 0) || uint64s[i] == noData { values[i] = .nan; continue }
                let raw = Double(uint64s[i])
                values[i] = scaled ? raw * scale + offset : raw
                if !values[i].isFinite { throw infinite(raw, at: i, in: window, scaled: scaled) }
            }
        default:
            let noData = realNoData ?? .nan, nanIsNoData = noDataIsNaN
            // Tight loops over the window (the common case, no mask, costs two predictable branches a cell):
            // nodata and masked cells to NaN, undeclared NaNs counted, the first infinity noted.
            let (nan, rawInfinity): (Int, Int?) = values.withUnsafeMutableBufferPointer { cells in
                var nan = 0, infinity: Int?
                if masked {
                    maskValues.withUnsafeBufferPointer { maskCells in
                        for i in 0..<n {
                            let raw = cells[i]
                            if maskCells[i] == 0 || raw == noData {
                                cells[i] = .nan
                            } else if !raw.isFinite {
                                if raw.isNaN { if !nanIsNoData { nan += 1 } } else if infinity == nil { infinity = i }
                            }
                        }
                    }
                } else {
                    for i in 0..<n {
                        let raw = cells[i]
                        if raw == noData {
                            cells[i] = .nan
                        } else if !raw.isFinite {
                            if raw.isNaN { if !nanIsNoData { nan += 1 } } else if infinity == nil { infinity = i }
                        }
                    }
                }
                return (nan, infinity)
            }
            undeclaredNaN += nan
            var infinity = rawInfinity
            if scaled {
                let scaledInfinity: Int? = values.withUnsafeMutableBufferPointer { cells in
                    var first: Int?
                    for i in 0..<n where !cells[i].isNaN {
                        cells[i] = cells[i] * scale + offset
                        if !cells[i].isFinite, first == nil { first = i }
                    }
                    return first
                }
                if let scaledInfinity { infinity = min(infinity ?? scaledInfinity, scaledInfinity) }
            }
            if let first = infinity {
                if rejectInfinity {
                    // The raw value, for the message (the scaled one is infinite).
                    let cell = RasterWindow(column: window.column + first % window.width, row: window.row + first / window.width,
                                            width: 1, height: 1)
                    throw infinite(try band.read(cell, as: Double.self)[0], at: first, in: window, scaled: scaled)
                }
                for i in first..<n where values[i].isInfinite { values[i] = .nan }
            }
        }
    }

    private func infinite(_ raw: Double, at index: Int, in window: GridWindow, scaled: Bool) -> ExposureError {
        let column = window.column + index % window.width, row = window.row + index / window.width
        let role = decoding.role
        let what = role == "population" ? "a number of people" : "a \(role) value"
        let value = scaled && raw.isFinite ? "\(raw), infinite once scaled (x \(decoding.scale) + \(decoding.offset))," : "\(raw)"
        return ExposureError("the \(role) raster holds \(value) at column \(column), row \(row) (band \(decoding.bandIndex)): not \(what); declare it nodata or correct the file", path: decoding.path)
    }
}

/// How one band's cells become values, read once from the band on the main thread (Sendable, for workers).
public struct CellDecoding: Sendable {
    public let path: String
    public let role: String
    public let bandIndex: Int
    public let dataType: RasterDataType
    /// In the band's own type.
    public let noData: NoDataValue?
    public let maskFlags: MaskFlags
    /// The mask read with the band, nil when there is none beyond nodata.
    public let mask: MaskSource?
    public let scale: Double
    public let offset: Double

    public init(band: RasterBand, role: String) throws {
        path = band.dataset.path
        self.role = role
        bandIndex = band.index
        guard band.dataType != .complex, band.dataType != .unknown else {
            throw ExposureError("band \(band.index) of the \(role) raster holds \(band.dataType == .complex ? "complex" : "unknown") values; convert it to real numbers first (gdal_translate -ot Float32)", path: path)
        }
        dataType = band.dataType
        noData = try band.noData
        maskFlags = try band.maskFlags
        mask = try band.validitySource()
        scale = try band.scale ?? 1
        offset = try band.offset ?? 0
    }
}

/// NaN cells seen by the workers of one pass, for the warning.
public final class UndeclaredNaNCount: Sendable {
    public init() {}
    private let count = Mutex(0)
    public func add(_ n: Int) { if n > 0 { count.withLock { $0 += n } } }
    public var value: Int { count.withLock { $0 } }
}

/// Reads population cells for one worker thread.
public final class GDALPopulationReader: PopulationReader {
    public let reader: RasterCellReader
    public let nanCount: UndeclaredNaNCount?

    public init(_ input: RasterInput, nanCount: UndeclaredNaNCount? = nil) throws {
        self.reader = try input.openReader()
        self.nanCount = nanCount
    }

    public func read(_ window: GridWindow, into values: inout [Double]) throws {
        let before = reader.undeclaredNaN
        try reader.read(window, into: &values)
        nanCount?.add(reader.undeclaredNaN - before)
    }
}

/// Reads hazard cells (and transforms population coordinates to the hazard's CRS) for one worker thread.
public final class GDALHazardReader: HazardRasterReader {
    public let input: RasterInput
    public let reader: RasterCellReader
    public let transformation: CoordinateTransformation?
    /// The pass's shared codes of this hazard's blocks (same CRS only), or nil to read every window anew.
    public let blocks: HazardCodeBlocks?
    private var values: [Double] = []
    private var floats: [Float] = []

    public init(_ input: RasterInput, populationCRS: String, sameCRS: Bool, blocks: HazardCodeBlocks? = nil) throws {
        self.input = input
        self.blocks = sameCRS ? blocks : nil
        self.reader = try input.openReader()
        self.transformation = sameCRS ? nil : try CoordinateTransformation(
            from: SpatialReference(definition: populationCRS), to: input.spatialReference())
    }

    public var grid: Grid { input.grid }
    public var needsTransform: Bool { transformation != nil }

    public func readCodes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws {
        guard let blocks else { return try decodeCodes(window, classes: classes, into: &codes) }
        try blocks.codes(of: window, into: &codes) { try decodeCodes($0, classes: classes, into: &$1) }
    }

    private func decodeCodes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws {
        let n = window.cellCount
        if codes.count < n { codes = [UInt8](repeating: 0, count: n) }
        if try decodeFloat32Codes(window, classes: classes, into: &codes) { return }
        try reader.read(window, into: &values)
        values.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { codes in
                for i in 0..<n { codes[i] = classes.code(for: values[i]) }
            }
        }
    }

    /// The common case, a Float32 hazard without mask, scale or offset, read as Float32 (no conversion to Double):
    /// nodata compared in Float32 as ``RasterCellReader`` compares it, each value classed against the thresholds
    /// rounded up to Float32 (``float32AtOrAbove(_:)``), which gives the codes of its Double value. False
    /// (nothing decided) for other rasters, and for a window holding an infinity, which the general read
    /// refuses with its message.
    private func decodeFloat32Codes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws -> Bool {
        let decoding = reader.decoding
        guard decoding.dataType == .float32, decoding.mask == nil, decoding.scale == 1, decoding.offset == 0 else { return false }
        let noData: Float
        switch decoding.noData {
        case nil: noData = .nan
        case .real(let value)?:
            // A nodata value beyond Float32's range matches no cell (NaN matches none either).
            noData = value.isFinite && !Float(value).isFinite ? .nan : Float(value)
        default: return false
        }
        let n = window.cellCount
        if floats.count < n { floats = [Float](repeating: 0, count: n) }
        try floats.withUnsafeMutableBufferPointer { try reader.band.read(window, into: $0) }
        let thresholds = classes.thresholds.map(Self.float32AtOrAbove)
        let infinite = floats.withUnsafeBufferPointer { values in
            codes.withUnsafeMutableBufferPointer { codes in
                guard SIMDKernel.avx2 else {
                    return Self.classify(values.baseAddress!, count: n, thresholds: thresholds, noData: noData,
                                         unknown: classes.unknownCode, into: codes.baseAddress!)
                }
                return exposure_classify_avx2(values.baseAddress!, n, thresholds, thresholds.count, noData, classes.unknownCode,
                                              codes.baseAddress!) != 0
            }
        }
        // An infinite value that is not nodata is refused by the general path, with the file named.
        return !infinite
    }

    /// The code of each of `count` values (the number of `thresholds` at or below it, HazardClasses.code(for:)),
    /// the portable version of SIMDKernels' `exposure_classify_avx2` (which runs where the processor has AVX2),
    /// `unknown` for nodata and NaN; returns whether some value that is not nodata is infinite. Sixteen values
    /// at a time without a branch: each threshold's comparison adds its mask (-1 or 0) to 32-bit counts, which
    /// the compiler keeps in four SSE registers and narrows to 16 bytes at the end.
    static func classify(_ values: UnsafePointer<Float>, count n: Int, thresholds: [Float], noData: Float, unknown: UInt8,
                         into codes: UnsafeMutablePointer<UInt8>) -> Bool {
        typealias Floats = SIMD16<Float>
        typealias Counts = SIMD16<Int32>
        let noDataValues = Floats(repeating: noData), unknownCounts = Counts(repeating: Int32(unknown))
        // Vectors, not scalars: comparing a vector with a scalar is a loop over the lanes.
        let signless = SIMD16<UInt32>(repeating: 0x7fff_ffff), infinity = SIMD16<UInt32>(repeating: 0x7f80_0000)
        var infinite = Counts(), infiniteInTail = false
        thresholds.withUnsafeBufferPointer { thresholds in
            var i = 0
            while i &+ 16 <= n {
                let v = UnsafeRawPointer(values + i).loadUnaligned(as: Floats.self)
                var count = Counts()
                for t in thresholds { count &-= unsafeBitCast(v .>= Floats(repeating: t), to: Counts.self) }
                // The mask as bits: `replace(with:where:)` is a loop over the lanes too.
                let isNoData = unsafeBitCast((v .== noDataValues) .| (v .!= v), to: Counts.self)
                count = (count & ~isNoData) | (unknownCounts & isNoData)
                let magnitude = unsafeBitCast(v, to: SIMD16<UInt32>.self) & signless
                infinite |= unsafeBitCast(magnitude .== infinity, to: Counts.self) & ~isNoData
                UnsafeMutableRawPointer(codes + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: count), as: SIMD16<UInt8>.self)
                i &+= 16
            }
            while i < n {
                let v = values[i]
                if v == noData || v.isNaN {
                    codes[i] = unknown
                } else {
                    var code: UInt8 = 0
                    for t in thresholds where v >= t { code &+= 1 }
                    codes[i] = code
                    if v.isInfinite { infiniteInTail = true }
                }
                i &+= 1
            }
        }
        return infiniteInTail || infinite != Counts()
    }

    /// The smallest Float32 at or above `threshold`: for every finite Float32 v, `v >= float32AtOrAbove(t)`
    /// exactly when `Double(v) >= t`, so Float32 cells are classed as their Double values would be.
    static func float32AtOrAbove(_ threshold: Double) -> Float {
        var f = Float(threshold)
        if Double(f) < threshold { f = f.nextUp }
        return f
    }

    public func finished(_ chunk: GridWindow) { blocks?.finished(chunk) }

    public func transformToHazardCRS(x: inout [Double], y: inout [Double]) throws {
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

/// Checks on a zonal pass's sums, made after the pass (nothing more is read): a population raster of values
/// too large to be counts (1e308 per cell) adds up to infinity, which must stop the run with the file named
/// rather than reach the outputs as "inf" (or fail to encode).
public enum PassChecks {
    public static func checkSums(_ result: ZonalResult, regionIDs: [String], populationPath: String) throws {
        func fail(_ what: String) -> ExposureError {
            ExposureError("\(what) adds up to more than the largest number a Double holds (about 1.8e308): the raster's values are too large to be counts of people; correct the file or declare such values nodata", path: populationPath)
        }
        for (index, population) in result.populations.enumerated() where !population.isFinite {
            throw fail("the population of region \(index < regionIDs.count ? regionIDs[index] : String(index))")
        }
        for totals in result.hazardTotals {
            for (index, region) in totals.enumerated() where !(region.exposed.isFinite && region.hazardUnknown.isFinite) {
                throw fail("the population exposed in region \(index < regionIDs.count ? regionIDs[index] : String(index))")
            }
            if !(totals.reduce(0) { $0 + $1.exposed }.isFinite) || !(totals.reduce(0) { $0 + $1.hazardUnknown }.isFinite) {
                throw fail("the population exposed over all regions")
            }
        }
        if !result.populations.reduce(0, +).isFinite { throw fail("the population of all regions together") }
    }

    /// The warning for NaN cells that are not declared nodata.
    public static func nanWarning(_ count: Int, path: String) -> String? {
        count > 0 ? "\(path): \(count) cell(s) hold NaN (in the blocks the regions touch) without NaN being the declared nodata; counted as no data (no people)" : nil
    }
}
