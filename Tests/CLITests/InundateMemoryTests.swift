import Foundation
import GDALSwift
import TestSupport
import Testing

/// `exposure inundate` streams the DEM: a DEM that the in-memory flood fill needed about 21 bytes a cell
/// for (here 1.3 GB) runs in a small, size-independent peak memory.
@Suite struct InundateMemoryTests {
    /// Runs `exposure` under /usr/bin/time: the result and the peak resident memory in KB.
    func runMeasured(_ arguments: [String], in dir: TemporaryDirectory, timeout: TimeInterval) throws -> (CLI.Result, Int?) {
        let report = dir.path("time.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", report, CLI.executable.path] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            exited.wait()
        }
        let peak = (try? String(contentsOfFile: report, encoding: .utf8))?
            .split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return (CLI.Result(status: process.terminationStatus, stdout: "", stderr: String(decoding: errData, as: UTF8.self),
                           timedOut: timedOut), peak)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
    func aLargeDEMRunsInBoundedMemory() throws {
        let dir = try TemporaryDirectory()
        let width = 6144, height = 6144, tile = 256
        // Land rising west of a sea on the east edge, hollows inland below the level (cut off), written one
        // 256 x 256 block at a time from one precomputed pattern (a block's height is the pattern plus the
        // slope at its column): 38 M cells, never in memory whole.
        let dataset = try Driver.named("GTiff").createRaster(
            path: dir.path("dem.tif"), width: width, height: height, bands: 1, type: .float32,
            options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "BIGTIFF=YES"])
        try dataset.setGeoTransform([290_000, 30, 0, 9_120_000, 0, -30])
        try dataset.setSpatialReference(SpatialReference(epsg: 31985))
        let band = try dataset.band(1)
        var pattern = [Float](repeating: 0, count: tile * tile)
        for r in 0..<tile {
            for c in 0..<tile { pattern[r * tile + c] = Float(2.5 * sin(Double(c) / 9) * sin(Double(r) / 7)) }
        }
        var block = pattern
        for bx in 0..<width / tile {
            let slope = Float(12 * (1 - Double(bx) / Double(width / tile)) - 1.5)
            for i in block.indices { block[i] = pattern[i] + slope }
            for by in 0..<height / tile {
                try band.write(RasterWindow(column: bx * tile, row: by * tile, width: tile, height: tile), values: block)
            }
        }
        try dataset.close()

        let (result, peak) = try runMeasured(["inundate", "--dem", dir.path("dem.tif"), "--sea-level", "2.5", "--sea-edge", "east",
                                              "--output", dir.path("depth.tif")], in: dir, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.timedOut)
        // Something floods (the coast), not everything (the hollows inland stay dry).
        let counts = result.stderr.split(separator: " ")
        let flooded = Int(counts.first ?? "") ?? 0
        #expect(flooded > width * height / 20 && flooded < width * height / 2, "\(result.stderr)")
        let peakKB = try #require(peak)
        // The in-memory fill took about 21 bytes a cell: 800 MB here.
        #expect(peakKB < 300_000, "peak resident memory \(peakKB) KB")
        print("inundate on \(width) x \(height): peak \(peakKB) KB")
        let output = try Dataset.open(dir.path("depth.tif"))
        #expect(output.width == width && output.height == height)
        // One row through the coast: dry inland (0), wet near the sea (level - elevation), the same as the slope says.
        let row = try output.band(1).read(RasterWindow(column: 0, row: 3000, width: width, height: 1), as: Float.self)
        #expect(row[0] == 0)
        #expect(row[width - 1] > 0)
    }
}
