import ExposureCore
import Foundation

/// Polygons that tile a rectangle exactly: a grid of jittered nodes joined by wiggly edges, each edge made
/// once and shared (reversed) by its two neighbours. Outer edges stay straight.
struct WigglyMesh {
    let columns: Int, rows: Int
    let pointsPerEdge: Int
    let amplitude: ClosedRange<Double>
    private(set) var nodes: [[MapPoint]] = []
    private var edges: [String: [MapPoint]] = [:]

    init(columns: Int, rows: Int, west: Double, east: Double, south: Double, north: Double,
         jitter: (Double, Double), pointsPerEdge: Int, amplitude: ClosedRange<Double>, random: inout SeededGenerator) {
        self.columns = columns
        self.rows = rows
        self.pointsPerEdge = pointsPerEdge
        self.amplitude = amplitude
        for j in 0...rows {
            var line: [MapPoint] = []
            for i in 0...columns {
                var x = west + Double(i) / Double(columns) * (east - west)
                var y = north - Double(j) / Double(rows) * (north - south)
                if i > 0 && i < columns { x += Double.random(in: -jitter.0...jitter.0, using: &random) }
                if j > 0 && j < rows { y += Double.random(in: -jitter.1...jitter.1, using: &random) }
                line.append(MapPoint(x: x, y: y))
            }
            nodes.append(line)
        }
    }

    /// The closed, counter-clockwise ring of mesh cell (column, row); row 0 is the northernmost.
    mutating func ring(column i: Int, row j: Int, random: inout SeededGenerator) -> [MapPoint] {
        var ring = edge((i, j + 1), (i + 1, j + 1), &random)
        ring += edge((i + 1, j + 1), (i + 1, j), &random).dropFirst()
        ring += edge((i + 1, j), (i, j), &random).dropFirst()
        ring += edge((i, j), (i, j + 1), &random).dropFirst()
        return ring
    }

    private mutating func edge(_ a: (Int, Int), _ b: (Int, Int), _ random: inout SeededGenerator) -> [MapPoint] {
        let forward = a < b
        let (lo, hi) = forward ? (a, b) : (b, a)
        let key = "\(lo.0),\(lo.1)-\(hi.0),\(hi.1)"
        if let cached = edges[key] { return forward ? cached : cached.reversed() }
        let p = nodes[lo.1][lo.0], q = nodes[hi.1][hi.0]
        let outer = (lo.0 == hi.0 && (lo.0 == 0 || lo.0 == columns)) || (lo.1 == hi.1 && (lo.1 == 0 || lo.1 == rows))
        var line = [p]
        let steps = outer ? 1 : pointsPerEdge
        let size = Double.random(in: amplitude, using: &random), waves = Double.random(in: 2...4, using: &random)
        let length = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
        for s in 1..<max(steps, 1) {
            let t = Double(s) / Double(steps)
            let x = p.x + (q.x - p.x) * t, y = p.y + (q.y - p.y) * t
            let nx = -(q.y - p.y) / length, ny = (q.x - p.x) / length
            let offset = size * sin(t * waves * 2 * .pi) * sin(t * .pi)
            line.append(MapPoint(x: x + nx * offset, y: y + ny * offset))
        }
        line.append(q)
        edges[key] = line
        return forward ? line : line.reversed()
    }
}
