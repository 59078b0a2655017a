@testable import ExposureCore

/// A population grid held in an array (NaN = nodata).
struct ArrayPopulation: PopulationReader {
    let grid: Grid
    let values: [Double]

    func read(_ window: GridWindow, into buffer: inout [Double]) throws {
        for r in 0..<window.height {
            for c in 0..<window.width {
                buffer[r * window.width + c] = values[(window.row + r) * grid.width + window.column + c]
            }
        }
    }
}

/// A hazard grid held in an array (NaN = nodata), in the population's CRS or, with `transform`, in a CRS
/// that `transform` maps population coordinates to.
struct ArrayHazard: HazardRasterReader {
    let grid: Grid
    let values: [Double]
    var transform: (@Sendable (Double, Double) -> (Double, Double))?
    var needsTransform: Bool { transform != nil }

    init(grid: Grid, values: [Double], transform: (@Sendable (Double, Double) -> (Double, Double))? = nil) {
        self.grid = grid
        self.values = values
        self.transform = transform
    }

    func readCodes(_ window: GridWindow, classes: HazardClasses, into codes: inout [UInt8]) throws {
        if codes.count < window.cellCount { codes = [UInt8](repeating: 0, count: window.cellCount) }
        for r in 0..<window.height {
            for c in 0..<window.width {
                codes[r * window.width + c] = classes.code(for: values[(window.row + r) * grid.width + window.column + c])
            }
        }
    }

    func transformToHazardCRS(x: inout [Double], y: inout [Double]) throws {
        guard let transform else { return }
        for i in x.indices { (x[i], y[i]) = transform(x[i], y[i]) }
    }
}

/// Runs the engine over arrays. The hazard is in the population's CRS unless `transform` is given (then
/// `mode` must be too); `maxHazardCellsPerRead` small makes the engine work in small tiles.
func analyse(
    population: [Double], grid: Grid, regions: [[PolygonRings]], hazard: (Grid, [Double])? = nil,
    classes: HazardClasses? = nil, threads: Int = 1, chunkCells: Int = 1 << 20, blockSize: (Int, Int) = (256, 256),
    mode: HazardSamplingMode? = nil, transform: (@Sendable (Double, Double) -> (Double, Double))? = nil,
    maxHazardCellsPerRead: Int = 8_000_000
) throws -> [RegionTotals] {
    let shapes = regions.map { RegionShape(polygons: $0, grid: grid) }
    let engine = ZonalEngine(grid: grid, regions: shapes, classes: classes, blockSize: blockSize, targetChunkCells: chunkCells)
    let result = try engine.run(threads: threads, makeInputs: {
        var sampler: HazardSampler?
        if let hazard, let classes {
            let ratio = grid.transform.cellArea / hazard.0.transform.cellArea
            sampler = HazardSampler(populationGrid: grid, classes: classes,
                                    mode: mode ?? .choose(hazardCellsPerPopulationCell: ratio, sameCRS: true),
                                    reader: ArrayHazard(grid: hazard.0, values: hazard.1, transform: transform),
                                    hazardCellsPerPopulationCell: ratio, maxHazardCellsPerRead: maxHazardCellsPerRead)
        }
        return WorkerInputs(population: ArrayPopulation(grid: grid, values: population), hazard: sampler)
    })
    return result.totals
}

func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> PolygonRings {
    [points([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]
}
