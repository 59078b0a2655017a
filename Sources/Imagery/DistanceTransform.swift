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
        var d = [Double](repeating: 0, count: f.count)
        f.withUnsafeBufferPointer { f in d.withUnsafeMutableBufferPointer { lowerEnvelope(f, spacing: spacing, into: $0, nearest: nil) } }
        return d
    }

    /// ``lowerEnvelope(_:spacing:)`` into `d`; with `nearest`, also the position whose parabola gives each
    /// value (-1 where every f is far).
    static func lowerEnvelope(_ f: UnsafeBufferPointer<Double>, spacing: Double, into d: UnsafeMutableBufferPointer<Double>,
                              nearest: UnsafeMutableBufferPointer<Int32>?) {
        let n = f.count
        let far = Double.greatestFiniteMagnitude
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
        guard k >= 0 else {
            for q in 0..<n { d[q] = far }
            if let nearest { for q in 0..<n { nearest[q] = -1 } }
            return
        }
        var j = 0
        for q in 0..<n {
            let x = Double(q) * spacing
            while z[j + 1] < x { j += 1 }
            let p = Double(v[j]) * spacing
            d[q] = (x - p) * (x - p) + f[v[j]]
            nearest?[q] = Int32(v[j])
        }
    }

    // MARK: In strips: the same result with a few hundred columns, then a few hundred rows, at a time.

    /// The column pass for `columns` whole columns of a target mask (row-major, `columns` wide, `height`
    /// high): for each pixel, the row of the target pixel in its column that the exact distance transform
    /// takes (-1 when the column has none). ``rowPass(nearestRows:firstRow:width:cellWidth:cellHeight:into:)``
    /// finishes the transform from these, with the same values as ``distances(target:width:height:cellWidth:cellHeight:)``.
    public static func nearestRows(target: UnsafeBufferPointer<Bool>, columns: Int, height: Int, cellHeight: Double,
                                   into nearest: UnsafeMutableBufferPointer<Int32>) {
        precondition(target.count >= columns * height && nearest.count >= columns * height, "buffers of columns x height pixels")
        let far = Double.greatestFiniteMagnitude
        var column = [Double](repeating: far, count: height)
        var d = [Double](repeating: far, count: height)
        var rows = [Int32](repeating: -1, count: height)
        for c in 0..<columns {
            for r in 0..<height { column[r] = target[r * columns + c] ? 0 : far }
            column.withUnsafeBufferPointer { f in
                d.withUnsafeMutableBufferPointer { d in
                    rows.withUnsafeMutableBufferPointer { lowerEnvelope(f, spacing: cellHeight, into: d, nearest: $0) }
                }
            }
            for r in 0..<height { nearest[r * columns + c] = rows[r] }
        }
    }

    /// The row pass for whole rows `firstRow...` (row-major, `width` wide) from their nearest target rows per
    /// column (``nearestRows(target:columns:height:cellHeight:into:)``): the distances, infinity where there is
    /// no target at all.
    public static func rowPass(nearestRows: UnsafeBufferPointer<Int32>, firstRow: Int, width: Int, cellWidth: Double, cellHeight: Double,
                               into result: UnsafeMutableBufferPointer<Float>) {
        let far = Double.greatestFiniteMagnitude
        let rows = nearestRows.count / max(1, width)
        var row = [Double](repeating: far, count: width)
        var d = [Double](repeating: far, count: width)
        for r in 0..<rows {
            // The column pass's value, as it computes it: the parabola of the nearest target row, at this row.
            let x = Double(firstRow + r) * cellHeight
            for c in 0..<width {
                let nearest = nearestRows[r * width + c]
                if nearest < 0 {
                    row[c] = far
                } else {
                    let p = Double(nearest) * cellHeight
                    row[c] = (x - p) * (x - p) + 0
                }
            }
            row.withUnsafeBufferPointer { f in d.withUnsafeMutableBufferPointer { lowerEnvelope(f, spacing: cellWidth, into: $0, nearest: nil) } }
            for c in 0..<width { result[r * width + c] = d[c] < far ? Float(d[c].squareRoot()) : .infinity }
        }
    }
}
