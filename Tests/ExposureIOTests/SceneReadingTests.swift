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
}
