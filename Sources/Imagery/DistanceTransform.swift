/// Exact Euclidean distance from every pixel to the nearest target pixel (Felzenszwalb and Huttenlocher's
/// two-pass lower-envelope algorithm), in map units on a grid of `cellWidth x cellHeight` cells.
public enum DistanceTransform {
    /// - Returns: the distance of each pixel to the nearest pixel where `target` is true (0 on targets);
    ///   infinity everywhere when there is no target.
    public static func distances(target: [Bool], width: Int, height: Int, cellWidth: Double, cellHeight: Double) -> [Float] {
        precondition(target.count == width * height, "target must hold width x height pixels")
        let far = Double.greatestFiniteMagnitude
        // Pass 1: squared distances along each column (in cell heights, scaled to map units squared).
        var squared = [Double](repeating: far, count: target.count)
        var column = [Double](repeating: far, count: height)
        for c in 0..<width {
            for r in 0..<height { column[r] = target[r * width + c] ? 0 : far }
            let d = lowerEnvelope(column, spacing: cellHeight)
            for r in 0..<height { squared[r * width + c] = d[r] }
        }
        // Pass 2: along each row, on top of the column distances.
        var row = [Double](repeating: far, count: width)
        var result = [Float](repeating: .infinity, count: target.count)
        for r in 0..<height {
            for c in 0..<width { row[c] = squared[r * width + c] }
            let d = lowerEnvelope(row, spacing: cellWidth)
            for c in 0..<width where d[c] < far { result[r * width + c] = Float(d[c].squareRoot()) }
        }
        return result
    }

    /// 1-D squared distance transform of sampled function f at positions i x spacing.
    static func lowerEnvelope(_ f: [Double], spacing: Double) -> [Double] {
        let n = f.count
        let far = Double.greatestFiniteMagnitude
        var d = [Double](repeating: far, count: n)
        var v = [Int](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n + 1)
        var k = -1
        for q in 0..<n where f[q] < far {
            let xq = Double(q) * spacing
            if k < 0 {
                k = 0
                v[0] = q
                z[0] = -Double.infinity
                z[1] = Double.infinity
                continue
            }
            var s: Double
            repeat {
                let p = v[k], xp = Double(p) * spacing
                s = ((f[q] + xq * xq) - (f[p] + xp * xp)) / (2 * (xq - xp))
                if s <= z[k] { k -= 1 } else { break }
            } while k >= 0
            k += 1
            v[k] = q
            z[k] = k == 0 ? -Double.infinity : s
            z[k + 1] = Double.infinity
        }
        guard k >= 0 else { return d }
        var j = 0
        for q in 0..<n {
            let x = Double(q) * spacing
            while z[j + 1] < x { j += 1 }
            let p = Double(v[j]) * spacing
            d[q] = (x - p) * (x - p) + f[v[j]]
        }
        return d
    }
}
