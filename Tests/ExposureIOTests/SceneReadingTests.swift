import ExposureCore
@testable import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// Scenes read on their own grid and resampled onto another one (gdalwarp): masks and alpha bands hold
/// both ways.
@Suite struct SceneReadingTests {
    /// 8 x 8 cells of 10 m in UTM 18N, band values 100 + column, with the left half masked.
    func scene(_ dir: TemporaryDirectory, _ name: String, alpha: Bool) throws -> String {
        let path = dir.path(name)
        // Four bands and an alpha: GDAL's own mask sees no alpha there (only in 2-band gray + alpha and 4-band
        // RGBA images); gdalwarp does.
        let bands = alpha ? 5 : 2
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 8, height: 8, bands: bands, type: .uint16)
        try dataset.setGeoTransform([500_000, 10, 0, 100_080, 0, -10])
        try dataset.setSpatialReference(SpatialReference(epsg: 32618))
        let window = RasterWindow(column: 0, row: 0, width: 8, height: 8)
        let values = (0..<64).map { UInt16(100 + $0 % 8) }
        for band in 1...(alpha ? 4 : 2) { try dataset.band(band).write(window, values: values) }
        let valid = (0..<64).map { $0 % 8 < 4 ? UInt8(0) : 255 }
        if alpha {
            try dataset.band(5).setColorInterpretation(.alpha)
            try dataset.band(5).write(window, values: valid.map { $0 == 0 ? UInt16(0) : UInt16.max })
        } else {
            try dataset.createMaskBand()
            try dataset.band(1).maskBand().write(window, values: valid)
        }
        try dataset.close()
        return path
    }

    @Test(arguments: [false, true])
    func maskedPixelsAreInvalidOnTheirGridAndWarped(alpha: Bool) throws {
        let dir = try TemporaryDirectory()
        let path = try scene(dir, "scene.tif", alpha: alpha)
        let own = try SceneReader(path: path, assumeCRS: nil)
        if alpha {
            #expect(try Dataset.open(path).band(2).maskFlags == .allValid)
            #expect(try RasterInput(path: path, band: 2, role: "scene").maskDescription == "alpha band 5 (0 transparent)")
        }
        let band = try own.band(2)
        for (i, value) in band.enumerated() {
            if i % 8 < 4 { #expect(value.isNaN, "pixel \(i)") } else { #expect(value == Float(100 + i % 8)) }
        }
        // Onto a grid shifted by half a cell: target pixels in the masked half are invalid, those in the valid
        // half valid (the last row lies half outside the scene).
        let target = Grid(width: 8, height: 8, transform: GeoTransform(originX: 500_005, originY: 100_075, cellWidth: 10, cellHeight: 10))
        let warped = try SceneReader(path: path, assumeCRS: nil, onto: (target, try SpatialReference(epsg: 32618)))
        let resampled = try warped.band(1)
        for row in 0..<7 {
            #expect(resampled[row * 8 + 1].isNaN, "row \(row)")
            #expect(!resampled[row * 8 + 5].isNaN, "row \(row)")
        }
    }

    @Test func infiniteScenePixelsAreInvalidNotAnError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("db.tif")
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: 4, height: 1, bands: 1, type: .float32)
        try dataset.setGeoTransform([500_000, 10, 0, 100_010, 0, -10])
        try dataset.setSpatialReference(SpatialReference(epsg: 32618))
        // Backscatter in dB: -inf is a pixel with no power at all.
        try dataset.band(1).write(RasterWindow(column: 0, row: 0, width: 4, height: 1), values: [Float(-12), -.infinity, .nan, -20])
        try dataset.close()
        let values = try SceneReader(path: path, assumeCRS: nil).band(1)
        #expect(values[0] == -12 && values[3] == -20)
        #expect(values[1].isNaN && values[2].isNaN)
    }

    /// 37 x 23 cells of 30 m in UTM 18N, four UInt16 bands with zeros, saturated pixels, nodata and a mask.
    func oddScene(_ dir: TemporaryDirectory, _ name: String = "odd.tif", tiled: Bool = true) throws -> String {
        let path = dir.path(name)
        let width = 37, height = 23
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: 4, type: .uint16,
                                                             options: tiled ? ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"] : [])
        try dataset.setGeoTransform([500_000, 30, 0, 100_000, 0, -30])
        try dataset.setSpatialReference(SpatialReference(epsg: 32618))
        let window = RasterWindow(column: 0, row: 0, width: width, height: height)
        for band in 1...4 {
            let values = (0..<(width * height)).map { i -> UInt16 in
                switch (i * 7 + band * 13) % 53 {
                case 0: 0
                case 1: 65535
                case 2: 9
                default: UInt16(100 + (i * 31 + band * 17) % 3000)
                }
            }
            try dataset.band(band).write(window, values: values)
            try dataset.band(band).setNoDataValue(9)
            try dataset.band(band).setScaleAndOffset(scale: 0.0001, offset: -0.01)
        }
        try dataset.createMaskBand()
        try dataset.band(1).maskBand().write(window, values: (0..<(width * height)).map { $0 % 41 == 5 ? UInt8(0) : 255 })
        try dataset.close()
        return path
    }

    /// Windows of any shape, read by a reader per band, give the whole band's values and, added up, its counts.
    @Test(arguments: [false, true])
    func windowReadsEqualTheWholeBand(warped: Bool) throws {
        let dir = try TemporaryDirectory()
        let path = try oddScene(dir)
        let target = Grid(width: 29, height: 31, transform: GeoTransform(originX: 500_013, originY: 99_987, cellWidth: 25, cellHeight: 20))
        let onto = warped ? (target, try SpatialReference(epsg: 32618)) : nil
        let whole = try SceneReader(path: path, assumeCRS: nil, onto: onto)
        let windowed = try SceneReader(path: path, assumeCRS: nil, onto: onto)
        let grid = whole.grid
        for band in 1...4 {
            let expected = try whole.band(band)
            // Strips of 3 rows (not a divisor of the height), then blocks of 5 x 4 read in another order.
            let reader = try windowed.bandReader(band)
            var got = [Float](repeating: -1, count: grid.cellCount)
            var buffer: [Float] = []
            for row in stride(from: 0, to: grid.height, by: 3) {
                let strip = GridWindow(column: 0, row: row, width: grid.width, height: min(3, grid.height - row))
                try reader.read(strip, into: &buffer)
                for i in 0..<strip.cellCount { got[row * grid.width + i] = buffer[i] }
            }
            var counts = reader.counts
            #expect(counts.cells == grid.cellCount)
            for (i, value) in got.enumerated() {
                #expect(value.bitPattern == expected[i].bitPattern || (value.isNaN && expected[i].isNaN), "band \(band), pixel \(i)")
            }
            let other = try windowed.bandSource(band).makeReader()
            for column in stride(from: 0, to: grid.width, by: 5).reversed() {
                for row in stride(from: 0, to: grid.height, by: 4) {
                    let block = GridWindow(column: column, row: row, width: min(5, grid.width - column), height: min(4, grid.height - row))
                    try other.read(block, into: &buffer)
                    for r in 0..<block.height {
                        for c in 0..<block.width {
                            let value = buffer[r * block.width + c], want = expected[(row + r) * grid.width + column + c]
                            #expect(value == want || (value.isNaN && want.isNaN))
                        }
                    }
                }
            }
            #expect(other.counts == counts)
            counts.add(SceneBandCounts())
            windowed.record(counts, band: band)
            if !warped {
                #expect(counts.zeros > 0 && counts.saturated > 0 && counts.valid > 0)
                #expect(counts.valid == expected.filter { !$0.isNaN }.count)
            }
        }
        #expect(windowed.warnings == whole.warnings)
        if !warped { #expect(whole.warnings.contains { $0.contains("saturated") }) }
    }

    /// The warped VRT gives what gdalwarp's in-memory copy with the same options gives, onto another CRS too.
    @Test func warpedVRTEqualsTheInMemoryWarp() throws {
        let dir = try TemporaryDirectory()
        let path = try oddScene(dir, tiled: false)
        let targets: [(Grid, SpatialReference)] = [
            (Grid(width: 29, height: 31, transform: GeoTransform(originX: 500_013, originY: 99_987, cellWidth: 25, cellHeight: 20)),
             try SpatialReference(epsg: 32618)),
            (Grid(width: 40, height: 30, transform: GeoTransform(originX: -75.0, originY: 0.905, cellWidth: 0.00025, cellHeight: 0.0002)),
             try SpatialReference(epsg: 4326)),
        ]
        for (target, crs) in targets {
            let b = target.bounds
            let memory = try Utilities.warp(try Dataset.open(path, kinds: .raster), arguments: [
                "-of", "MEM", "-r", "bilinear", "-ot", "Float32", "-dstnodata", "nan",
                "-te", "\(b.minX)", "\(b.minY)", "\(b.maxX)", "\(b.maxY)",
                "-ts", "\(target.width)", "\(target.height)", "-t_srs", try crs.wkt(),
            ])
            let scene = try SceneReader(path: path, assumeCRS: nil, onto: (target, crs))
            var valid = 0
            for band in 1...4 {
                let expected = try memory.band(band).readAll(as: Float.self)
                let got = try scene.band(band)
                for i in expected.indices {
                    // The in-memory copy's zeros are fill, as the scene reader's are.
                    let want: Float = expected[i] == 0 || expected[i].isNaN ? .nan : expected[i] * 0.0001 - 0.01
                    #expect(got[i] == want || (got[i].isNaN && want.isNaN), "band \(band), pixel \(i)")
                    if !want.isNaN { valid += 1 }
                }
            }
            #expect(valid > 1000)
        }
    }
}
