import ExposureCore
import Foundation
import GDALSwift

/// A large synthetic coastal DEM for `exposure inundate` (scripts/bench, tests): land rising west of a sea on
/// the east edge, hills whose hollows fall below coastal levels inland (cut off from the sea), winding
/// channels that carry the sea far inland, noise, and holes of nodata. Float32, tiled 256 x 256, DEFLATE,
/// written 256 rows at a time (never in memory whole). Deterministic.
enum BenchDEM {
    static func write(path: String, width: Int, height: Int) throws {
        let cell = 100.0
        let grid = Grid(width: width, height: height, transform: GeoTransform(originX: 200_000, originY: 9_500_000, cellWidth: cell, cellHeight: cell))
        let dataset = try Driver.named("GTiff").createRaster(
            path: path, width: width, height: height, bands: 1, type: .float32,
            options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=YES"])
        try dataset.setGeoTransform(grid.transform.coefficients)
        try dataset.setSpatialReference(SpatialReference(epsg: 31985))
        let band = try dataset.band(1)
        try band.setNoDataValue(-9999)
        let strip = 256
        for row in stride(from: 0, to: height, by: strip) {
            let rows = min(strip, height - row)
            var values = [Float](repeating: 0, count: width * rows)
            for r in 0..<rows {
                let y = Double(row + r) / Double(height)
                for c in 0..<width {
                    let x = Double(c) / Double(width)
                    values[r * width + c] = elevation(x: x, y: y, cell: (row + r) * width + c)
                }
            }
            try band.write(RasterWindow(column: 0, row: row, width: width, height: rows), values: values)
        }
        try dataset.close()
    }

    /// Metres; -9999 in the holes.
    static func elevation(x: Double, y: Double, cell: Int) -> Float {
        // Holes of nodata (voids of a radar DEM).
        let hx = (x * 13).truncatingRemainder(dividingBy: 1), hy = (y * 11).truncatingRemainder(dividingBy: 1)
        if hx > 0.47 && hx < 0.5 && hy > 0.2 && hy < 0.24 { return -9999 }
        var z = 14 * (1 - x) - 1.5
        z += 2.5 * sin(x * 53) * sin(y * 41)
        // Channels winding inland from the coast.
        let channel = abs(sin(y * 23 + 2 * sin(x * 11)))
        if channel < 0.03 { z -= 6 * (1 - channel / 0.03) }
        var h = UInt64(truncatingIfNeeded: cell) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        z += Double(h >> 40) / Double(1 << 24) - 0.5
        return Float(z)
    }
}
