import Foundation
import GDALSwift
import TestSupport
import Testing

@Suite struct RasterRoundTripTests {
    @Test func writesAndReadsWindowsThroughAGeoTIFF() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("grid.tif")
        let driver = try Driver.named("GTiff")
        let created = try driver.createRaster(
            path: path, width: 5, height: 4, bands: 1, type: .float32,
            options: ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
        try created.setGeoTransform([100, 10, 0, 500, 0, -10])
        try created.setSpatialReference(SpatialReference(epsg: 32618))
        let band = try created.band(1)
        try band.setNoDataValue(-9999)
        try band.write(RasterWindow(column: 0, row: 0, width: 5, height: 4), values: (0..<20).map { Float($0) })
        try created.close()

        let dataset = try Dataset.open(path, kinds: .raster)
        #expect(dataset.width == 5)
        #expect(dataset.height == 4)
        #expect(dataset.bandCount == 1)
        #expect(dataset.driverName == "GTiff")
        #expect(try dataset.geoTransform() == [100, 10, 0, 500, 0, -10])
        #expect(try dataset.spatialReference()?.epsgCode == 32618)
        let read = try dataset.band(1)
        #expect(read.dataType == .float32)
        #expect(try read.noDataValue == -9999)
        #expect(read.blockSize.width == 16)
        // A 2x2 window at column 1, row 2 holds 11, 12 / 16, 17; read as Double, GDAL converts.
        let window = try read.read(RasterWindow(column: 1, row: 2, width: 2, height: 2), as: Double.self)
        #expect(window == [11, 12, 16, 17])
        let bytes = try read.read(RasterWindow(column: 3, row: 0, width: 2, height: 1), as: UInt8.self)
        #expect(bytes == [3, 4])
    }

    @Test func worksInVirtualMemory() throws {
        let path = "/vsimem/roundtrip-\(UUID().uuidString).tif"
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 3, height: 3, bands: 2, type: .int16)
        try dataset.band(2).write(RasterWindow(column: 0, row: 0, width: 3, height: 3), values: [Int16](repeating: -7, count: 9))
        try dataset.close()
        let reopened = try Dataset.open(path)
        #expect(reopened.bandCount == 2)
        #expect(try reopened.band(2).readAll(as: Int32.self) == [Int32](repeating: -7, count: 9))
        try Driver.named("GTiff").delete(path: path)
    }

    @Test func writesACloudOptimizedGeoTIFFWithProgress() throws {
        let dir = try TemporaryDirectory()
        let source = try Driver.named("MEM").createRaster(path: "", width: 600, height: 600, bands: 1, type: .byte)
        try source.setGeoTransform([0, 1, 0, 600, 0, -1])
        try source.setSpatialReference(SpatialReference(epsg: 3857))
        try source.band(1).write(RasterWindow(column: 0, row: 0, width: 600, height: 600),
                                 values: (0..<360_000).map { UInt8($0 % 251) })
        final class Fractions { var values: [Double] = [] }
        let seen = Fractions()
        let cog = try Driver.named("COG").createCopy(
            path: dir.path("cog.tif"), from: source, options: ["COMPRESS=DEFLATE", "BLOCKSIZE=256"],
            progress: { seen.values.append($0); return true })
        try cog.close()
        #expect(seen.values.last == 1)
        let reopened = try Dataset.open(dir.path("cog.tif"))
        #expect(try reopened.band(1).blockSize.width == 256)
        #expect(try reopened.band(1).read(RasterWindow(column: 599, row: 599, width: 1, height: 1), as: UInt8.self) == [UInt8(359_999 % 251)])
    }

    @Test func rejectsWindowsOutsideTheBandAndMissingBands() throws {
        let dataset = try Driver.named("MEM").createRaster(path: "", width: 4, height: 4, bands: 1, type: .byte)
        let band = try dataset.band(1)
        #expect(throws: GDALError.self) { try band.read(RasterWindow(column: 2, row: 2, width: 3, height: 1), as: UInt8.self) }
        #expect(throws: GDALError.self) { try dataset.band(2) }
    }

    @Test func aMissingFileIsAnErrorNamingIt() throws {
        do {
            _ = try Dataset.open("/nonexistent/folder/pop.tif")
            Issue.record("opening a missing file must fail")
        } catch let error as GDALError {
            #expect(error.path == "/nonexistent/folder/pop.tif")
            #expect(error.description.contains("/nonexistent/folder/pop.tif"))
            #expect(error.description.contains("No such file"))
        }
    }

    @Test func aTruncatedFileFailsOnReadWithTheFileName() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("full.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 200, height: 200, bands: 1, type: .float64)
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 200, height: 200), values: (0..<40_000).map(Double.init))
        try dataset.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = dir.path("truncated.tif")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: GDALError.self) {
            let broken = try Dataset.open(truncated)
            _ = try broken.band(1).readAll(as: Double.self)
        }
    }

    @Test func errorsOnWorkerThreadsAreCaughtToo() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try Dataset.open("/nonexistent/\(index).tif")
                        return false
                    } catch let error as GDALError {
                        return error.path == "/nonexistent/\(index).tif" && error.message.contains("No such file")
                    }
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
