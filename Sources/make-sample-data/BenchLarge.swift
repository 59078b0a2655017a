import Dispatch
import ExposureCore
import Foundation
import GDALSwift
import Synchronization

/// The rest of `make bench`'s cases, each written block by block (one strip of 256 rows at a time) in bounded
/// memory, and the read floor the bench compares against:
///
/// - `bench-hazards FOLDER`: 16 flood depth rasters (4 scenarios x 4 return periods) on exactly the grid,
///   tiling and compression of FOLDER/flood.tif (150 m, offset from the population), in FOLDER/hazards/.
/// - `bench-scene FOLDER [SIZE]`: a Sentinel-2-like four-band scene (UInt16 reflectance x 10000: blue, green,
///   red, NIR) before and after a river flood, and a Sentinel-1-like VV backscatter pair (Float32 linear
///   power with 4-look speckle), SIZE x SIZE pixels of 10 m (default 10980, a full Sentinel-2 tile).
/// - `read-floor FILE... [--threads N] [--decoder gdal|exposure]`: GDAL reading every block of every band of
///   the files once, as the native type, with N threads (each its own datasets; blocks handed out in order
///   from a shared counter). With `--decoder exposure`, the blocks exposure decodes itself (Float32 DEFLATE
///   with PREDICTOR=3, DeflateFloat32Blocks) are decoded as exposure decodes them.
extension BenchCase {
    static let stripRows = 256
    static let tiledOptions = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]
    /// The scenarios and return periods of the 16 hazards, in the order of the scenario file.
    static let hazardScenarios = ["s1", "s2", "s3", "s4"]
    static let hazardReturnPeriods = [10, 50, 100, 500]

    // MARK: Read floor

    static func readFloor(files: [String], threads: Int) throws {
        GDALEnvironment.ensureInitialized()
        // Every block is read once: a cache as small as exposure's (64 MB) keeps the floor from paying for
        // pages that nothing reads again (GDAL's default is 5 % of the RAM). GDAL_CACHEMAX overrides it.
        if GDALEnvironment.configOption("GDAL_CACHEMAX") == nil { GDALEnvironment.setCacheSize(bytes: 64 << 20) }
        // A work item is one block of a file, all its bands read in turn by the same thread: a pixel-interleaved
        // file stores the bands of a block together, so they are decompressed once (GDAL caches the others).
        struct Block { let file: Int, bands: Int, window: RasterWindow }
        var blocks: [Block] = [], cells = 0
        for (f, path) in files.enumerated() {
            let dataset = try Dataset.open(path, kinds: .raster)
            let band = try dataset.band(1)
            let (bw, bh) = band.blockSize
            for row in stride(from: 0, to: band.height, by: bh) {
                for column in stride(from: 0, to: band.width, by: bw) {
                    blocks.append(Block(file: f, bands: dataset.bandCount, window: RasterWindow(
                        column: column, row: row, width: min(bw, band.width - column), height: min(bh, band.height - row))))
                }
            }
            cells += band.width * band.height * dataset.bandCount
            try dataset.close()
        }
        let start = Date()
        let next = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let all = blocks
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            do {
                var open: [Int: Dataset] = [:]
                var buffer = [UInt8](repeating: 0, count: 0)
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < all.count else { break }
                    let block = all[i]
                    let dataset = try open[block.file] ?? Dataset.open(files[block.file], kinds: .raster)
                    open[block.file] = dataset
                    for b in 1...block.bands { try readNative(try dataset.band(b), block.window, &buffer) }
                }
                for dataset in open.values { try dataset.close() }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw ExposureError(failure) }
        print(String(format: "read %d blocks (%d cells, all bands) of %d file(s) with %d thread(s) in %.2f s",
                     all.count, cells, files.count, threads, Date().timeIntervalSince(start)))
    }

    /// Reads one block window as the band's own type (GDAL converts nothing).
    private static func readNative(_ band: RasterBand, _ window: RasterWindow, _ buffer: inout [UInt8]) throws {
        func read<T: RasterElement>(_: T.Type) throws {
            let bytes = window.cellCount * MemoryLayout<T>.stride
            if buffer.count < bytes { buffer = [UInt8](repeating: 0, count: bytes) }
            try buffer.withUnsafeMutableBytes { raw in
                try band.read(window, into: raw.bindMemory(to: T.self))
            }
        }
        switch band.dataType {
        case .byte: try read(UInt8.self)
        case .int8: try read(Int8.self)
        case .uint16: try read(UInt16.self)
        case .int16: try read(Int16.self)
        case .uint32: try read(UInt32.self)
        case .int32: try read(Int32.self)
        case .float32: try read(Float.self)
        default: try read(Double.self)
        }
    }

    // MARK: Sixteen hazards

    /// Flood depth for scenario `s` (0-3) and return period index `k` (0-3): the rivers of flood.tif, deeper
    /// and wider with the return period and the scenario (so depths grow along both).
    static func writeHazards(folder: String, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let start = Date()
        try FileManager.default.createDirectory(atPath: "\(folder)/hazards", withIntermediateDirectories: true)
        GDALEnvironment.setCacheSize(bytes: 64 << 20)
        var jobs: [(s: Int, k: Int)] = []
        for s in 0..<4 { for k in 0..<4 { jobs.append((s, k)) } }
        let all = jobs
        let failures = Mutex<[String]>([])
        let workers = max(1, min(workers, all.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                for j in stride(from: worker, to: all.count, by: workers) {
                    try writeHazard(folder: folder, scenario: all[j].s, period: all[j].k)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw ExposureError(failure) }
        for name in hazardNames {
            let path = "\(folder)/hazards/\(name).tif"
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        }
        print(String(format: "wrote %@/hazards/flood_s{1,2,3,4}_rp{10,50,100,500}.tif (16 rasters) in %.1f s",
                     folder, Date().timeIntervalSince(start)))
    }

    static var hazardNames: [String] {
        hazardScenarios.flatMap { s in hazardReturnPeriods.map { "flood_\(s)_rp\($0)" } }
    }

    private static func writeHazard(folder: String, scenario s: Int, period k: Int) throws {
        let source = try Dataset.open("\(folder)/flood.tif", kinds: .raster)
        guard let transform = try source.geoTransform(), let crs = try source.spatialReference() else {
            throw ExposureError("\(folder)/flood.tif: no geotransform or CRS")
        }
        let width = source.width, height = source.height, cell = transform[1]
        try source.close()
        let name = "flood_\(hazardScenarios[s])_rp\(hazardReturnPeriods[k])"
        let dataset = try Driver.named("GTiff").createRaster(path: "\(folder)/hazards/\(name).tif.partial", width: width, height: height,
                                                             bands: 1, type: .float32, options: tiledOptions + ["PREDICTOR=3"])
        try dataset.setGeoTransform(transform)
        try dataset.setSpatialReference(crs)
        try dataset.setMetadataItem("SCENARIO", hazardScenarios[s])
        try dataset.setMetadataItem("RETURN_PERIOD_YEARS", String(hazardReturnPeriods[k]))
        let band = try dataset.band(1)
        try band.setNoDataValue(-9999)
        try band.setDescription("flood depth")
        try band.setUnitType("m")
        let peak = 1.5 + 0.6 * Double(k) + 0.4 * Double(s), reach = 2000 + 300 * Double(k) + 200 * Double(s)
        var values = [Float](repeating: 0, count: width * stripRows)
        for row in stride(from: 0, to: height, by: stripRows) {
            let rows = min(stripRows, height - row)
            for r in 0..<rows {
                let y = (Double(row + r) + 0.5) * cell
                for c in 0..<width {
                    let x = (Double(c) + 0.5) * cell
                    // The rivers of flood.tif: every 60 km, meandering.
                    let channel = 60_000 * ((y + 8000 * sin(x / 9000)) / 60_000).rounded()
                    let distance = abs(y + 8000 * sin(x / 9000) - channel)
                    values[r * width + c] = distance < reach ? Float(((peak * (1 - distance / reach)) * 100).rounded() / 100) : 0
                }
            }
            try band.write(RasterWindow(column: 0, row: row, width: width, height: rows),
                           values: rows == stripRows ? values : Array(values[0..<(width * rows)]))
        }
        try dataset.close()
    }

    // MARK: Scenes

    /// Land cover of the scenes: a river meandering west to east through the middle with a floodplain that
    /// floods in the "after" scenes, lakes scattered every 13 km, towns, vegetation elsewhere; a no-data
    /// triangle in the north-west corner (the edge of an orbit's swath).
    enum SceneCover: Int { case noData, water, vegetation, urban }

    struct SceneLandscape {
        let size: Int, cell = 10.0
        let riverCentre: [Double], riverHalfWidth: [Double], floodReach: [Double], lakeX: [Double], townX: [Double]

        init(size: Int) {
            self.size = size
            let middle = Double(size) * cell / 2
            let xs = (0..<size).map { (Double($0) + 0.5) * 10.0 }
            riverCentre = xs.map { middle + 3000 * sin($0 / 8000) + 800 * sin($0 / 1900 + 1) }
            riverHalfWidth = xs.map { 45 + 25 * sin($0 / 5000) }
            floodReach = xs.map { 300 + 2200 * pow(0.5 + 0.5 * sin($0 / 9000 + 0.5), 2) }
            lakeX = xs.map { sin($0 / 2100) }
            townX = xs.map { sin($0 / 4000 + 0.7) }
        }

        /// The cover of row `row` into `out` (width `size`).
        func row(_ row: Int, flooded: Bool, into out: UnsafeMutableBufferPointer<UInt8>) {
            let y = (Double(row) + 0.5) * cell
            let lakeY = sin(y / 1700 + 0.3), townY = sin(y / 5000)
            let edge = size / 8 - row
            for c in 0..<size {
                if c < edge { out[c] = UInt8(SceneCover.noData.rawValue); continue }
                let d = abs(y - riverCentre[c])
                let cover: SceneCover
                if d < riverHalfWidth[c] || lakeX[c] * lakeY > 0.97 || (flooded && d < floodReach[c]) {
                    cover = .water
                } else {
                    let t = townX[c] * townY
                    cover = t > 0.8 ? .urban : .vegetation
                }
                out[c] = UInt8(cover.rawValue)
            }
        }
    }

    static func writeScene(folder: String, size: Int) throws {
        let start = Date()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        GDALEnvironment.setCacheSize(bytes: 128 << 20)
        let crs = try SpatialReference(epsg: 32618)
        let transform = [300_000.0, 10, 0, 1_100_000, 0, -10]
        let landscape = SceneLandscape(size: size)
        // Reflectance x 10000 of blue, green, red, NIR (Sentinel-2 B2, B3, B4, B8), by SceneCover raw value.
        let reflectance: [[Double]] = [[0, 0, 0, 0], [700, 600, 400, 200], [400, 800, 500, 3200], [1000, 1200, 1300, 2000]]
        let backscatterDB = [-21.0, -9, -4]  // water, vegetation, urban
        for (label, flooded) in [("before", false), ("after", true)] {
            let path = "\(folder)/optical_\(label).tif"
            let dataset = try Driver.named("GTiff").createRaster(path: path + ".partial", width: size, height: size, bands: 4, type: .uint16,
                                                                 options: tiledOptions + ["PREDICTOR=2", "NUM_THREADS=ALL_CPUS"])
            try dataset.setGeoTransform(transform)
            try dataset.setSpatialReference(crs)
            try dataset.setMetadataItem("SENSOR", "Sentinel-2 MSI L2A (simulated): B2, B3, B4, B8")
            try dataset.setMetadataItem("ACQUISITION", flooded ? "2026-05-21" : "2026-03-02")
            var bands: [RasterBand] = []
            for (b, name) in ["blue", "green", "red", "nir"].enumerated() {
                let band = try dataset.band(b + 1)
                try band.setNoDataValue(0)
                try band.setDescription(name)
                try band.setScaleAndOffset(scale: 0.0001, offset: 0)
                bands.append(band)
            }
            var random = SeededGenerator(seed: flooded ? 10_980_002 : 10_980_001)
            var cover = [UInt8](repeating: 0, count: size)
            var values = [UInt16](repeating: 0, count: 4 * size * stripRows)
            for row in stride(from: 0, to: size, by: stripRows) {
                let rows = min(stripRows, size - row), plane = size * rows
                values.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        cover.withUnsafeMutableBufferPointer { landscape.row(row + r, flooded: flooded, into: $0) }
                        for c in 0..<size {
                            let i = r * size + c, kind = Int(cover[c])
                            guard kind != 0 else {
                                for b in 0..<4 { out[b * plane + i] = 0 }
                                continue
                            }
                            // Per band: x (0.9 ... 1.1) and + (-40 ... 40), from 16 bits each of two draws.
                            let u = random.next(), v = random.next()
                            for b in 0..<4 {
                                let m = Double((u >> (16 * UInt64(b))) & 0xFFFF) / 65536, a = Double((v >> (16 * UInt64(b))) & 0xFFFF) / 65536
                                out[b * plane + i] = UInt16(max(1, min(10000, (reflectance[kind][b] * (0.9 + 0.2 * m) + (a - 0.5) * 80).rounded())))
                            }
                        }
                    }
                }
                for b in 0..<4 {
                    try bands[b].write(RasterWindow(column: 0, row: row, width: size, height: rows), values: Array(values[(b * plane)..<((b + 1) * plane)]))
                }
            }
            try dataset.close()
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
            print(String(format: "wrote %@ (%d x %d, 4 bands UInt16) at %.1f s", path, size, size, Date().timeIntervalSince(start)))

            let sarPath = "\(folder)/sar_\(label).tif"
            let sar = try Driver.named("GTiff").createRaster(path: sarPath + ".partial", width: size, height: size, bands: 1, type: .float32,
                                                             options: tiledOptions + ["PREDICTOR=3", "NUM_THREADS=ALL_CPUS"])
            try sar.setGeoTransform(transform)
            try sar.setSpatialReference(crs)
            try sar.setMetadataItem("SENSOR", "Sentinel-1 IW GRD (simulated)")
            try sar.setMetadataItem("POLARISATION", "VV")
            try sar.setMetadataItem("ACQUISITION", flooded ? "2026-05-21" : "2026-03-04")
            let sarBand = try sar.band(1)
            try sarBand.setNoDataValue(0)
            try sarBand.setDescription("VV backscatter")
            try sarBand.setUnitType("linear power")
            let linear: [Float] = [0] + backscatterDB.map { Float(pow(10, $0 / 10)) }
            var backscatter = [Float](repeating: 0, count: size * stripRows)
            for row in stride(from: 0, to: size, by: stripRows) {
                let rows = min(stripRows, size - row)
                backscatter.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rows {
                        cover.withUnsafeMutableBufferPointer { landscape.row(row + r, flooded: flooded, into: $0) }
                        for c in 0..<size {
                            let kind = Int(cover[c])
                            if kind == 0 { out[r * size + c] = 0; continue }
                            // Speckle: the mean of 4 exponential looks, -log(u1 u2 u3 u4) / 4, from 16 bits each of one draw.
                            let u = random.next()
                            var product = 1.0
                            for k in 0..<4 { product *= (Double((u >> (16 * UInt64(k))) & 0xFFFF) + 0.5) / 65536 }
                            out[r * size + c] = linear[kind] * Float(-log(product) / 4)
                        }
                    }
                }
                try sarBand.write(RasterWindow(column: 0, row: row, width: size, height: rows),
                                  values: rows == stripRows ? backscatter : Array(backscatter[0..<(size * rows)]))
            }
            try sar.close()
            try? FileManager.default.removeItem(atPath: sarPath)
            try FileManager.default.moveItem(atPath: sarPath + ".partial", toPath: sarPath)
            print(String(format: "wrote %@ (%d x %d, VV Float32 linear) at %.1f s", sarPath, size, size, Date().timeIntervalSince(start)))
        }
    }
}
