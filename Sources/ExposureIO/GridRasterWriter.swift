import ExposureCore
import GDALSwift

/// Creates a tiled, DEFLATE-compressed GeoTIFF on a grid, to be filled window by window (so a large output
/// never has to fit in memory).
public final class GridRasterWriter {
    public let path: String
    let dataset: Dataset
    let band: RasterBand

    public init(path: String, grid: Grid, crs: SpatialReference, type: RasterDataType, noData: Double?,
                description: String, unit: String, metadata: [String: String] = [:]) throws {
        self.path = path
        let predictor = type.isFloatingPoint ? "3" : "2"
        dataset = try Driver.named("GTiff").createRaster(
            path: path, width: grid.width, height: grid.height, bands: 1, type: type,
            options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=\(predictor)", "BIGTIFF=IF_SAFER"])
        try dataset.setGeoTransform(grid.transform.coefficients)
        try dataset.setSpatialReference(crs)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { try dataset.setMetadataItem(key, value) }
        band = try dataset.band(1)
        if let noData { try band.setNoDataValue(noData) }
        band.setDescription(description)
        if !unit.isEmpty { try band.setUnitType(unit) }
    }

    public func write<T: RasterElement>(_ window: GridWindow, values: [T]) throws {
        try band.write(RasterWindow(column: window.column, row: window.row, width: window.width, height: window.height), values: values)
    }

    /// Flushes and closes; throws if GDAL reports a failure while writing.
    public func close() throws {
        try dataset.close()
    }
}

/// Where a mask raster marks cells (value >= 0.5, e.g. 1) as set, as a share of each cell of a target grid:
/// the mask value at each cell's centre when the mask is as coarse or coarser, the share of set mask cells
/// when it is finer. Nodata counts as not set.
final class MaskSampler {
    private var sampler: HazardSampler
    private var cells = HazardCells()

    init(path: String, band: Int, grid: Grid, crs: SpatialReference, crsWKT: String, assumeCRS: String?) throws {
        let input = try RasterInput(path: path, band: band, assumeCRS: assumeCRS, role: "mask")
        let maskCRS = try input.spatialReference()
        let same = maskCRS.isSame(as: crs)
        let ratio = try ExposureAnalysis.cellRatio(populationGrid: grid, hazard: input, sameCRS: same,
                                                   populationCRS: crs, hazardCRS: maskCRS)
        let classes = try HazardClasses(thresholds: [0.5])
        sampler = HazardSampler(populationGrid: grid, classes: classes,
                                mode: .choose(hazardCellsPerPopulationCell: ratio, sameCRS: same),
                                reader: try GDALHazardReader(input, populationCRS: crsWKT, sameCRS: same),
                                hazardCellsPerPopulationCell: ratio)
    }

    /// The set share of every cell of `window`, row-major.
    func shares(_ window: GridWindow) throws -> [Double] {
        try sampler.sample(window, into: &cells)
        switch cells.layout {
        case .codes:
            return (0..<window.cellCount).map { cells.codes[$0] == 1 ? 1 : 0 }
        case .shares:
            return (0..<window.cellCount).map { Double(cells.shares[$0 * cells.codeCount + 1]) }
        }
    }
}
