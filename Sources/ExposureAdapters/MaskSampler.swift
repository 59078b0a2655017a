import ExposureCore
import GDALSwift

/// Where a mask raster marks cells (value >= 0.5, e.g. 1) as set, as a share of each cell of a target grid:
/// the mask value at each cell's centre when the mask is as coarse or coarser, the share of set mask cells
/// when it is finer. Nodata counts as not set.
public final class MaskSampler {
    private var sampler: HazardSampler
    private var cells = HazardCells()

    public init(path: String, band: Int, grid: Grid, crs: SpatialReference, crsWKT: String, assumeCRS: String?) throws {
        let input = try RasterInput(path: path, band: band, assumeCRS: assumeCRS, role: "mask")
        // A mask is a hazard of one class (value >= 0.5), brought onto the grid by the same rules.
        sampler = try HazardPlan(hazard: input, classes: try HazardClasses(thresholds: [0.5]), population: grid,
                                 populationCRS: crs, populationWKT: crsWKT).makeSampler()
    }

    /// The set share of every cell of `window`, row-major.
    public func shares(_ window: GridWindow) throws -> [Double] {
        try sampler.sample(window, into: &cells)
        switch cells.layout {
        case .codes:
            return (0..<window.cellCount).map { cells.codes[$0] == 1 ? 1 : 0 }
        case .shares:
            return (0..<window.cellCount).map { Double(cells.shares[$0 * cells.codeCount + 1]) }
        }
    }
}
