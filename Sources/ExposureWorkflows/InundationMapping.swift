import ExposureAdapters
import ExposureProducts
import ExposureCore
import Foundation
import GDALSwift

/// `exposure inundate`: coastal flood depth from a DEM and a water level (see ``CoastalInundation``).
public struct InundationOptions: Sendable {
    public var demPath: String
    public var band = 1
    public var seaLevel: Double
    /// A raster marking the sea (value >= 0.5), sampled at the DEM's cell centres.
    public var seaMaskPath: String?
    /// Or edges of the DEM that touch the sea.
    public var seaEdges: Set<CoastalInundation.Edge> = []
    public var assumeCRS: String?
    public var outputPath: String

    public init(demPath: String, seaLevel: Double, outputPath: String) {
        self.demPath = demPath
        self.seaLevel = seaLevel
        self.outputPath = outputPath
    }
}

public struct InundationReport: Sendable {
    public let floodedCells: Int
    public let maxDepth: Double
    public let grid: Grid
    /// What looks wrong (an empty sea, a DEM without data or with NaN cells, an absurd level), each naming the file.
    public let warnings: [String]
}

public enum InundationMapping {
    /// DEMs are flood-filled in memory (9 bytes a cell): a 100-million-cell DEM needs about 1 GB.
    public static let maxCells = 400_000_000

    public static func run(_ options: InundationOptions, outputs: OutputSet) throws -> InundationReport {
        try run(options, levels: [(options.seaLevel, options.outputPath)], outputs: outputs)[0]
    }

    /// Several water levels over one DEM (read once): one depth raster per level.
    public static func run(_ options: InundationOptions, levels: [(level: Double, output: String)],
                           outputs: OutputSet) throws -> [InundationReport] {
        guard levels.allSatisfy({ $0.level.isFinite }) else { throw ExposureError("water levels must be numbers") }
        let dem = try RasterInput(path: options.demPath, band: options.band, assumeCRS: options.assumeCRS, role: "DEM")
        let grid = dem.grid
        guard grid.cellCount <= maxCells else {
            throw ExposureError("the DEM has \(grid.cellCount) cells; exposure inundate handles up to \(maxCells): clip it to the coast first (gdal_translate -projwin)", path: options.demPath)
        }
        let crs = try dem.spatialReference()
        let (elevation, undeclaredNaN) = try dem.readAll()
        var warnings: [String] = []
        if !elevation.contains(where: { !$0.isNaN }) {
            warnings.append("\(options.demPath): the DEM has no elevation at all (every cell is nodata, masked or NaN): nothing can flood")
        } else if undeclaredNaN > 0 {
            warnings.append("\(options.demPath): \(undeclaredNaN) DEM cell(s) hold NaN (not declared nodata); treated as no data, never flooded")
        }
        let seeds: CoastalInundation.Seeds
        if let maskPath = options.seaMaskPath {
            let mask = try MaskSampler(path: maskPath, band: 1, grid: grid, crs: crs, crsWKT: dem.crsWKT, assumeCRS: options.assumeCRS)
            let sea = try mask.shares(grid.fullWindow).map { $0 >= 0.5 }
            if !sea.contains(true) {
                warnings.append("\(maskPath): the sea mask marks no cell of the DEM as sea (value >= 0.5): nothing can be flooded")
            }
            seeds = .mask(sea)
        } else if !options.seaEdges.isEmpty {
            seeds = .edges(options.seaEdges)
        } else {
            throw ExposureError("say where the sea is: --sea MASK or --sea-edge north|south|east|west")
        }
        let noData = -9999.0
        for (level, _) in levels where abs(level) > 100 {
            warnings.append("\(options.demPath): a water level of \(level) m is far outside coastal flooding; check the level (metres in the DEM's datum)")
            break
        }
        return try levels.map { level, output in
            let (depths, flooded) = CoastalInundation.depths(elevation: elevation, width: grid.width, height: grid.height,
                                                             level: level, seeds: seeds)
            let deepest = depths.filter { !$0.isNaN }.max() ?? 0
            try outputs.writeRaster(output, grid: grid, crs: crs, type: .float32, noData: noData,
                                    description: "coastal inundation depth (water level \(level) m, connected to the sea)", unit: "m",
                                    metadata: ["WATER_LEVEL": String(level), "DEM": (options.demPath as NSString).lastPathComponent],
                                    style: .depth(maximum: deepest), inputs: [options.demPath] + [options.seaMaskPath].compactMap { $0 },
                                    values: depths.map { Float($0.isNaN ? noData : $0) })
            return InundationReport(floodedCells: flooded, maxDepth: deepest, grid: grid, warnings: warnings)
        }
    }
}
