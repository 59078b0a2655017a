/// Douglas-Peucker simplification on the page: a ring keeps only the vertices that stand more than
/// `tolerance` (page points) off the chord of the part around them, so detail finer than the output's
/// resolution is not written (a wiggly border at national scale keeps a handful of vertices a side).
enum Simplification {
    typealias Point = (x: Double, y: Double)

    /// A closed ring (first point not repeated at the end needed) simplified; its first point stays.
    static func ring(_ points: [Point], tolerance: Double) -> [Point] {
        guard points.count > 4 else { return points }
        // Split at the vertex farthest from the first: two open lines whose ends must stay.
        let first = points[0]
        var far = 1, farthest = -1.0
        for i in 1..<points.count {
            let d = (points[i].x - first.x) * (points[i].x - first.x) + (points[i].y - first.y) * (points[i].y - first.y)
            if d > farthest { farthest = d; far = i }
        }
        let a = line(Array(points[0...far]), tolerance: tolerance)
        let b = line(Array(points[far...]) + [first], tolerance: tolerance)
        return a + b.dropFirst().dropLast()
    }

    /// An open line simplified; both ends stay.
    static func line(_ points: [Point], tolerance: Double) -> [Point] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var stack = [(0, points.count - 1)]
        let squared = tolerance * tolerance
        while let (start, end) = stack.popLast() {
            guard end > start + 1 else { continue }
            let a = points[start], b = points[end]
            let dx = b.x - a.x, dy = b.y - a.y, length = dx * dx + dy * dy
            var worst = -1.0, index = start
            for i in (start + 1)..<end {
                let p = points[i]
                // Squared distance from p to the segment a-b.
                var t = length > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length : 0
                t = max(0, min(1, t))
                let ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y
                let d = ex * ex + ey * ey
                if d > worst { worst = d; index = i }
            }
            if worst > squared {
                keep[index] = true
                stack.append((start, index))
                stack.append((index, end))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }
}
