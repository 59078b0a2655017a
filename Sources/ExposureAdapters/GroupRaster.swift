import ExposureCore
import Foundation
import GDALSwift
import Synchronization

/// A population group's raster (people of one group per cell: women, children under 5, one of WorldPop's
/// age-sex layers), checked on the main thread and put on the population grid (docs/methodology.md,
/// "Population groups from rasters"). On the population's grid it is read as it is; on any other grid or CRS
/// it is read through a warped VRT with GDAL's `sum` resampling, which gives each population cell the
/// area-weighted sum of the group cells it overlaps, so the group's people are kept, not interpolated.
public struct GroupRaster: Sendable {
    public let name: String
    /// The file as given.
    public let input: RasterInput
    /// What workers read: the file itself, or the warped VRT on the population grid.
    public let onGrid: RasterInput
    /// How the raster was brought onto the population grid; nil when it is on it.
    public let alignment: String?
    /// Keeps the warped VRT (a GDAL memory file) while any copy of the plan lives.
    private let memoryFile: MemoryFile?

    /// Group names become column names (`population_<name>`): lowercase letters, digits and underscores.
    public static func checkName(_ name: String, what: String) throws {
        let valid = name.count <= 40 && name.first.map { ("a"..."z").contains($0) } == true
            && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard valid else {
            throw ExposureError("\(what): the group name '\(name)' names columns (population_\(name)...): use lowercase letters, digits and underscores, starting with a letter, at most 40 characters (e.g. female, age_0_4)")
        }
    }

    public init(name: String, path: String, band: Int = 1, assumeCRS: String?, population: RasterInput) throws {
        self.name = name
        let input = try RasterInput(path: path, band: band, assumeCRS: assumeCRS, role: "population group '\(name)'")
        self.input = input
        let populationCRS = try population.spatialReference()
        let sameCRS = try input.spatialReference().isSame(as: populationCRS)
        if sameCRS && GroupRaster.sameGrid(input.grid, population.grid) {
            onGrid = input
            alignment = nil
            memoryFile = nil
            return
        }
        // GDAL 3.6's gdalwarp has no -b: warped VRTs of other bands would need another VRT first.
        guard band == 1 else {
            throw ExposureError("band \(band) of a group raster on another grid than the population's: only band 1 can be brought onto it; extract the band first (gdal_translate -b \(band) in.tif out.tif)", path: path)
        }
        let file = MemoryFile(extension: "vrt")
        let grid = population.grid, bounds = grid.bounds
        // The VRT names its source: a relative file becomes absolute (GDAL connection strings stay as written).
        let absolute = !path.hasPrefix("/") && FileManager.default.fileExists(atPath: path)
            ? FileManager.default.currentDirectoryPath + "/" + path : path
        do {
            let source = try Dataset.open(absolute, kinds: .raster)
            let warped = try Utilities.warp(source, arguments: [
                "-of", "VRT", "-r", "sum", "-ot", "Float64",
                "-t_srs", population.crsWKT,
                "-te", "\(bounds.minX)", "\(bounds.minY)", "\(bounds.maxX)", "\(bounds.maxY)",
                "-ts", String(grid.width), String(grid.height),
            ] + (input.crsWasAssumed ? ["-s_srs", input.crsWKT] : []), destination: file.path)
            try warped.close()
        } catch let error as GDALError {
            throw ExposureError("cannot be brought onto the population grid (gdalwarp -r sum): \(error.message)", path: path)
        }
        memoryFile = file
        onGrid = try RasterInput(path: file.path, role: "population group '\(name)'")
        let how = sameCRS ? "its grid differs from the population grid" : "its CRS (\(input.crsName)) differs from the population's (\(population.crsName))"
        alignment = "\(how): brought onto the population grid with GDAL's sum resampling (each population cell gets the area-weighted sum of the group cells it overlaps; people outside the population grid are left out)"
    }

    /// A reader for one worker thread, with its own GDAL handle.
    public func makeReader(nanCount: UndeclaredNaNCount? = nil) throws -> GDALPopulationReader {
        try GDALPopulationReader(onGrid, nanCount: nanCount)
    }

    /// The same size and a georeference equal to a millionth of a cell.
    static func sameGrid(_ a: Grid, _ b: Grid) -> Bool {
        let ta = a.transform, tb = b.transform
        let tolerance = 1e-6 * min(tb.cellWidth, tb.cellHeight)
        return a.width == b.width && a.height == b.height
            && abs(ta.originX - tb.originX) <= tolerance && abs(ta.originY - tb.originY) <= tolerance
            && abs(ta.cellWidth - tb.cellWidth) * Double(b.width) <= tolerance
            && abs(ta.cellHeight - tb.cellHeight) * Double(b.height) <= tolerance
    }
}

/// A GDAL memory file (`/vsimem/`) removed when the last reference goes.
final class MemoryFile: Sendable {
    let path: String
    private static let counter = Mutex(0)

    init(extension ext: String) {
        let n = MemoryFile.counter.withLock { value -> Int in
            value += 1
            return value
        }
        path = "/vsimem/exposure-\(ProcessInfo.processInfo.processIdentifier)-\(n).\(ext)"
    }

    deinit { MemoryFiles.remove(path) }
}
