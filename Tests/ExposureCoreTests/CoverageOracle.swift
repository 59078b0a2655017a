@testable import ExposureCore

/// An independent exact reference for coverage fractions: clip each ring to each cell with
/// Sutherland-Hodgman and take the shoelace area (holes subtract). Slow, obviously correct.
enum CoverageOracle {
    static func fractions(_ polygons: [PolygonRings], grid: Grid) -> [Double] {
        var result = [Double](repeating: 0, count: grid.cellCount)
        for row in 0..<grid.height {
            for column in 0..<grid.width {
                let (x0, y1) = grid.transform.mapPoint(column: Double(column), row: Double(row))
                let (x1, y0) = grid.transform.mapPoint(column: Double(column + 1), row: Double(row + 1))
                var area = 0.0
                for polygon in polygons {
                    for (index, ring) in polygon.enumerated() {
                        let clipped = clip(ring, x0: x0, x1: x1, y0: y0, y1: y1)
                        let a = abs(shoelace(clipped))
                        area += index == 0 ? a : -a
                    }
                }
                result[row * grid.width + column] = area / grid.transform.cellArea
            }
        }
        return result
    }

    static func shoelace(_ ring: [MapPoint]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        for i in 0..<ring.count {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }

    static func clip(_ ring: [MapPoint], x0: Double, x1: Double, y0: Double, y1: Double) -> [MapPoint] {
        var points = ring
        if points.first == points.last { points.removeLast() }
        points = clipHalfPlane(points, inside: { $0.x >= x0 }, cut: { a, b in cutX(a, b, x0) })
        points = clipHalfPlane(points, inside: { $0.x <= x1 }, cut: { a, b in cutX(a, b, x1) })
        points = clipHalfPlane(points, inside: { $0.y >= y0 }, cut: { a, b in cutY(a, b, y0) })
        points = clipHalfPlane(points, inside: { $0.y <= y1 }, cut: { a, b in cutY(a, b, y1) })
        return points
    }

    private static func cutX(_ a: MapPoint, _ b: MapPoint, _ x: Double) -> MapPoint {
        let t = (x - a.x) / (b.x - a.x)
        return MapPoint(x: x, y: a.y + t * (b.y - a.y))
    }

    private static func cutY(_ a: MapPoint, _ b: MapPoint, _ y: Double) -> MapPoint {
        let t = (y - a.y) / (b.y - a.y)
        return MapPoint(x: a.x + t * (b.x - a.x), y: y)
    }

    private static func clipHalfPlane(
        _ points: [MapPoint], inside: (MapPoint) -> Bool, cut: (MapPoint, MapPoint) -> MapPoint
    ) -> [MapPoint] {
        guard !points.isEmpty else { return [] }
        var output: [MapPoint] = []
        for i in 0..<points.count {
            let current = points[i], previous = points[(i + points.count - 1) % points.count]
            if inside(current) {
                if !inside(previous) { output.append(cut(previous, current)) }
                output.append(current)
            } else if inside(previous) {
                output.append(cut(previous, current))
            }
        }
        return output
    }
}

func coverage(_ polygons: [PolygonRings], grid: Grid, window: GridWindow? = nil) -> [Double] {
    let shape = RegionShape(polygons: polygons, grid: grid)
    let window = window ?? grid.fullWindow
    var fractions = [Double](repeating: 0, count: window.cellCount)
    var scratch = CoverageScratch()
    CoverageFraction.compute(shape, window: window, into: &fractions, scratch: &scratch)
    return Array(fractions.prefix(window.cellCount))
}

func points(_ coordinates: [(Double, Double)]) -> [MapPoint] {
    coordinates.map { MapPoint(x: $0.0, y: $0.1) }
}
