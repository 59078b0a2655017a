import ExposureCore
import Foundation
import GDALSwift

/// The large synthetic case `make bench` runs: a national-size population grid (size x size cells of 100 m
/// in UTM 18N, tiled and compressed like a WorldPop download), 800 detailed regions tiling it, and a flood
/// depth raster on a coarser (150 m), offset grid.
enum BenchCase {
    static func write(folder: String, size: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var random = SeededGenerator(seed: 36_000_000)
        let crs = try SpatialReference(epsg: 32618)
        let cell = 100.0, x0 = 200_000.0, y0 = 1_200_000.0
        let grid = Grid(width: size, height: size, transform: GeoTransform(originX: x0, originY: y0, cellWidth: cell, cellHeight: cell))
        let options = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"]

        let population = try Driver.named("GTiff").createRaster(path: "\(folder)/population.tif", width: size, height: size,
                                                                bands: 1, type: .float32, options: options)
        try population.setGeoTransform(grid.transform.coefficients)
        try population.setSpatialReference(crs)
        let band = try population.band(1)
        try band.setNoDataValue(-99999)
        let strip = 256
        for row in stride(from: 0, to: size, by: strip) {
            let height = min(strip, size - row)
            var values = [Float](repeating: 0, count: size * height)
            for r in 0..<height {
                let y = Double(row + r) / Double(size)
                for c in 0..<size {
                    let x = Double(c) / Double(size)
                    let towns = 40 * pow(max(0, sin(x * 37) * sin(y * 29)), 8) + 3 * (1 + sin(x * 7 + y * 5))
                    values[r * size + c] = Float(towns * Double.random(in: 0.5...1.5, using: &random))
                }
            }
            try band.write(RasterWindow(column: 0, row: row, width: size, height: height), values: values)
        }
        try population.close()
        print("wrote \(folder)/population.tif (\(size) x \(size))")

        let extent = Double(size) * cell
        let hazardCell = 150.0, hazardSize = Int((extent / hazardCell).rounded(.up)) + 2
        let hazard = try Driver.named("GTiff").createRaster(path: "\(folder)/flood.tif", width: hazardSize, height: hazardSize,
                                                            bands: 1, type: .float32, options: options)
        let hx0 = x0 - 110, hy0 = y0 + 65
        try hazard.setGeoTransform([hx0, hazardCell, 0, hy0, 0, -hazardCell])
        try hazard.setSpatialReference(crs)
        let hazardBand = try hazard.band(1)
        try hazardBand.setNoDataValue(-9999)
        for row in stride(from: 0, to: hazardSize, by: strip) {
            let height = min(strip, hazardSize - row)
            var values = [Float](repeating: 0, count: hazardSize * height)
            for r in 0..<height {
                let y = (Double(row + r) + 0.5) * hazardCell
                for c in 0..<hazardSize {
                    let x = (Double(c) + 0.5) * hazardCell
                    // Rivers every 60 km, meandering; depth falls off over 3 km from the channel.
                    let channel = 60_000 * ((y + 8000 * sin(x / 9000)) / 60_000).rounded()
                    let distance = abs(y + 8000 * sin(x / 9000) - channel)
                    values[r * hazardSize + c] = distance < 3000 ? Float(3.5 * (1 - distance / 3000)) : 0
                }
            }
            try hazardBand.write(RasterWindow(column: 0, row: row, width: hazardSize, height: height), values: values)
        }
        try hazard.close()
        print("wrote \(folder)/flood.tif (\(hazardSize) x \(hazardSize), 150 m, offset)")

        var mesh = WigglyMesh(columns: 40, rows: 20, west: x0, east: x0 + extent, south: y0 - extent, north: y0,
                              jitter: (extent / 40 * 0.25, extent / 20 * 0.25), pointsPerEdge: 60,
                              amplitude: (extent / 1200)...(extent / 500), random: &random)
        let path = "\(folder)/regions.gpkg"
        try? FileManager.default.removeItem(atPath: path)
        let vector = try Driver.named("GPKG").createVector(path: path)
        let layer = try vector.createLayer(name: "regions", spatialReference: crs, geometryType: .polygon)
        try layer.createField(FieldDefinition(name: "code", type: .string))
        vector.beginTransaction()
        for j in 0..<20 {
            for i in 0..<40 {
                let ring = mesh.ring(column: i, row: j, random: &random)
                try layer.addFeature(values: [.string(String(format: "R%03d", j * 40 + i + 1))],
                                     geometry: Geometry(.polygon([ring.map { Coordinate(x: $0.x, y: $0.y) }])))
            }
        }
        try vector.commitTransaction()
        try vector.close()
        print("wrote \(path) (800 regions)")
    }

    /// The map benchmark: 5,000 wiggly regions of about 200 vertices each (a million vertices) in a
    /// GeoPackage in UTM 18N, with the columns of an analysis: values with zeros, and some regions whose
    /// hazard data is incomplete.
    static func writeMapCase(path: String) throws {
        var random = SeededGenerator(seed: 5_000)
        let crs = try SpatialReference(epsg: 32618)
        let columns = 100, rows = 50, x0 = 200_000.0, y0 = 1_200_000.0, width = 600_000.0, height = 300_000.0
        var mesh = WigglyMesh(columns: columns, rows: rows, west: x0, east: x0 + width, south: y0 - height, north: y0,
                              jitter: (width / Double(columns) * 0.25, height / Double(rows) * 0.25), pointsPerEdge: 51,
                              amplitude: (width / 20_000)...(width / 8_000), random: &random)
        try? FileManager.default.removeItem(atPath: path)
        let vector = try Driver.named("GPKG").createVector(path: path)
        let layer = try vector.createLayer(name: "regions", spatialReference: crs, geometryType: .polygon)
        for field in [FieldDefinition(name: "region_id", type: .string), FieldDefinition(name: "region_name", type: .string),
                      FieldDefinition(name: "population", type: .real), FieldDefinition(name: "displaced_per_100k", type: .real),
                      FieldDefinition(name: "hazard_unknown_share", type: .real)] {
            try layer.createField(field)
        }
        vector.beginTransaction()
        var vertices = 0
        for j in 0..<rows {
            for i in 0..<columns {
                let ring = mesh.ring(column: i, row: j, random: &random)
                vertices += ring.count
                let rate = Double.random(in: 0...1, using: &random) < 0.1 ? 0 : Double.random(in: 0...900, using: &random)
                let unknown = Double.random(in: 0...1, using: &random) < 0.05 ? Double.random(in: 0.05...0.5, using: &random) : 0
                try layer.addFeature(values: [.string(String(format: "M%04d", j * columns + i + 1)), .string("Municipio \(j * columns + i + 1)"),
                                              .real(Double.random(in: 1000...90_000, using: &random)), .real(rate), .real(unknown)],
                                     geometry: Geometry(.polygon([ring.map { Coordinate(x: $0.x, y: $0.y) }])))
            }
        }
        try vector.commitTransaction()
        try vector.close()
        print("wrote \(path) (\(rows * columns) regions, \(vertices) vertices)")
    }
}
