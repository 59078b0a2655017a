import Dispatch
import ExposureCore
import Foundation
import GDALSwift
import Synchronization

/// The population groups of the bench case: 36 age-sex rasters in WorldPop's layout (`g_f_0`, `g_f_1` (ages
/// 1-4), `g_f_5`, ..., `g_f_80` (80 and over), the same for `m`), written to FOLDER/groups/ on exactly the
/// grid, tiling and compression of FOLDER/population.tif, which they partition: the 36 values of a cell add up
/// to its population (the last group, `g_m_80`, is the population minus the 35 others as written, so the
/// partition holds to Float rounding of one small value).
///
/// A cell's age-sex shares mix three pyramids (young, middle-aged, ageing) with weights that vary smoothly
/// across the grid. Streamed one row of blocks at a time by as many workers as cores, each owning its own
/// handles and a share of the rasters: memory stays a few strips per worker plus GDAL's block cache.
extension BenchCase {
    static let groupSexes = ["f", "m"]
    static let groupAges = [0, 1] + Array(stride(from: 5, through: 80, by: 5))
    /// `f_0`, `f_1`, `f_5`, ..., `m_80`: the 36 group names, in the order of `groupShares`.
    static var groupNames: [String] { groupSexes.flatMap { sex in groupAges.map { "\(sex)_\($0)" } } }

    /// The share of each of the 36 groups in a population pyramid of growth rate `growth` (per year of age):
    /// people per band fall with age as exp(-growth x age) and with survival, women outnumber men above 50.
    static func pyramid(growth: Double) -> [Double] {
        var shares: [Double] = []
        for sex in groupSexes {
            for (k, age) in groupAges.enumerated() {
                let width = k + 1 < groupAges.count ? Double(groupAges[k + 1] - age) : 12
                let middle = Double(age) + width / 2
                let people = width * exp(-growth * middle) * exp(-pow(middle / 80, 6))
                let femaleShare = 0.488 + 0.11 * pow(middle / 90, 3)
                shares.append(people * (sex == "f" ? femaleShare : 1 - femaleShare))
            }
        }
        let total = shares.reduce(0, +)
        return shares.map { $0 / total }
    }

    static func writeGroups(folder: String, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let start = Date()
        let groups = "\(folder)/groups"
        try FileManager.default.createDirectory(atPath: groups, withIntermediateDirectories: true)
        let names = groupNames
        let profiles = [pyramid(growth: 0.035), pyramid(growth: 0.018), pyramid(growth: 0.004)]
        // Dirty blocks are compressed and written as the cache fills: keep it small.
        GDALEnvironment.setCacheSize(bytes: 128 << 20)
        let workers = max(1, min(workers, names.count))
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                try writeGroupShare(folder: folder, names: names, profiles: profiles,
                                    mine: Array(stride(from: worker, to: names.count, by: workers)))
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw ExposureError(failure) }
        for name in names {
            let path = "\(groups)/g_\(name).tif"
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        }
        print(String(format: "wrote %@/g_{f,m}_{0,1,5,...,80}.tif (36 rasters) in %.1f s", groups, Date().timeIntervalSince(start)))
    }

    /// One worker: the rasters `mine` (indices into `names`), strip by strip, with handles of its own.
    private static func writeGroupShare(folder: String, names: [String], profiles: [[Double]], mine: [Int]) throws {
        let source = try Dataset.open("\(folder)/population.tif", kinds: .raster)
        let populationBand = try source.band(1)
        let width = populationBand.width, height = populationBand.height
        guard let noData = try populationBand.noDataValue, let transform = try source.geoTransform(),
              let crs = try source.spatialReference() else {
            throw ExposureError("\(folder)/population.tif: no nodata value, geotransform or CRS")
        }
        let options = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"]
        var outputs: [(index: Int, dataset: Dataset, band: RasterBand)] = []
        for index in mine {
            let dataset = try Driver.named("GTiff").createRaster(path: "\(folder)/groups/g_\(names[index]).tif.partial",
                                                                 width: width, height: height, bands: 1, type: .float32, options: options)
            try dataset.setGeoTransform(transform)
            try dataset.setSpatialReference(crs)
            let band = try dataset.band(1)
            try band.setNoDataValue(noData)
            try band.setDescription("people per cell: \(names[index])")
            outputs.append((index, dataset, band))
        }
        // The mix of the three pyramids at a cell: t in [0, 1] (0 young, 1 ageing), smooth across the grid;
        // weights (1-t)^2, 2t(1-t), t^2. Its terms are products of a column's and a row's sines.
        let xs = (0..<width).map { Double($0) / Double(width) }
        let columnTerms = xs.map { (sin($0 * 4.1 + 0.3), sin($0 * 9), cos($0 * 9)) }
        let last = names.count - 1
        let strip = populationBand.blockSize.height
        var mix = [Double](repeating: 0, count: width * strip)
        var values = [Float](repeating: 0, count: width * strip)
        for row in stride(from: 0, to: height, by: strip) {
            let rows = min(strip, height - row)
            let population = try populationBand.read(RasterWindow(column: 0, row: row, width: width, height: rows), as: Float.self)
            for r in 0..<rows {
                let y = Double(row + r) / Double(height)
                let a = cos(y * 3.3 - 0.7), s9 = sin(y * 9), c9 = cos(y * 9)
                for c in 0..<width {
                    let (s41, sx9, cx9) = columnTerms[c]
                    mix[r * width + c] = 0.5 + 0.35 * s41 * a + 0.15 * (sx9 * c9 + cx9 * s9)
                }
            }
            for output in outputs {
                let k = output.index
                for i in 0..<(width * rows) {
                    let p = population[i]
                    if Double(p) == noData { values[i] = Float(noData); continue }
                    let t = mix[i], u = 1 - t
                    let weights = (u * u, 2 * t * u, t * t)
                    func share(_ j: Int) -> Double { weights.0 * profiles[0][j] + weights.1 * profiles[1][j] + weights.2 * profiles[2][j] }
                    if k == last {
                        var others = 0.0
                        for j in 0..<last { others += Double(Float(Double(p) * share(j))) }
                        values[i] = Float(max(0, Double(p) - others))
                    } else {
                        values[i] = Float(Double(p) * share(k))
                    }
                }
                try output.band.write(RasterWindow(column: 0, row: row, width: width, height: rows),
                                      values: rows == strip ? values : Array(values[0..<(width * rows)]))
            }
        }
        for output in outputs { try output.dataset.close() }
        try source.close()
    }
}
