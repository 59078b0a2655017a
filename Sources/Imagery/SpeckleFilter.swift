/// Speckle filters for SAR backscatter (linear power), over a square window; NaN pixels are ignored.
///
/// A filter is a neighbourhood operation: the value of a pixel depends on the pixels within ``halo`` rows
/// and columns of it (windows are cut at the image's edges). A block of rows filtered with ``apply(_:width:height:rows:)``
/// with `halo` more rows above and below (where the image has them) gives exactly the whole image's values
/// on its rows: the same pixels in the same order enter every window.
public enum SpeckleFilter: Sendable, Equatable {
    case none
    /// The median of the window.
    case median(window: Int)
    /// Lee (1980): the window mean plus a share of the pixel's difference from it that grows with the
    /// window's variance beyond what speckle of `looks` looks explains.
    case lee(window: Int, looks: Double)

    /// Rows (and columns) on each side of a pixel that its filtered value depends on.
    public var halo: Int {
        switch self {
        case .none: 0
        case .median(let window), .lee(let window, _): window / 2
        }
    }

    public func apply(_ image: [Float], width: Int, height: Int) -> [Float] {
        apply(image, width: width, height: height, rows: 0..<height)
    }

    /// The filtered values of `rows` of a block of `height` rows (row-major, `width` columns): windows are cut
    /// at the block's edges, so the block holds the image's rows within ``halo`` of `rows` (fewer at the
    /// image's top and bottom) for the image's values.
    public func apply(_ block: [Float], width: Int, height: Int, rows: Range<Int>) -> [Float] {
        precondition(block.count >= width * height && rows.lowerBound >= 0 && rows.upperBound <= height, "rows outside the block")
        switch self {
        case .none: return Array(block[(rows.lowerBound * width)..<(rows.upperBound * width)])
        case .median(let window): return SpeckleFilter.median(block, width: width, height: height, window: window, rows: rows)
        case .lee(let window, let looks): return SpeckleFilter.lee(block, width: width, height: height, window: window, looks: looks, rows: rows)
        }
    }

    static func median(_ image: [Float], width: Int, height: Int, window: Int, rows: Range<Int>) -> [Float] {
        let half = window / 2
        var result = [Float](repeating: .nan, count: rows.count * width)
        var buffer: [Float] = []
        buffer.reserveCapacity(window * window)
        for r in rows {
            let base = (r - rows.lowerBound) * width
            for c in 0..<width where !image[r * width + c].isNaN {
                buffer.removeAll(keepingCapacity: true)
                for rr in max(0, r - half)...min(height - 1, r + half) {
                    for cc in max(0, c - half)...min(width - 1, c + half) {
                        let v = image[rr * width + cc]
                        if !v.isNaN { buffer.append(v) }
                    }
                }
                buffer.sort()
                let n = buffer.count
                result[base + c] = n % 2 == 1 ? buffer[n / 2] : (buffer[n / 2 - 1] + buffer[n / 2]) / 2
            }
        }
        return result
    }

    static func lee(_ image: [Float], width: Int, height: Int, window: Int, looks: Double, rows: Range<Int>) -> [Float] {
        let half = window / 2
        let noise = 1 / looks  // squared coefficient of variation of speckle in intensity
        var result = [Float](repeating: .nan, count: rows.count * width)
        image.withUnsafeBufferPointer { image in
            for r in rows {
                let base = (r - rows.lowerBound) * width
                let top = max(0, r - half), bottom = min(height - 1, r + half)
                for c in 0..<width {
                    let z = Double(image[r * width + c])
                    if z.isNaN { continue }
                    let left = max(0, c - half), right = min(width - 1, c + half)
                    var n = 0.0, sum = 0.0, sumSquares = 0.0
                    for rr in top...bottom {
                        for cc in left...right {
                            let v = Double(image[rr * width + cc])
                            if v.isNaN { continue }
                            n += 1
                            sum += v
                            sumSquares += v * v
                        }
                    }
                    let mean = sum / n
                    let variance = max(0, sumSquares / n - mean * mean)
                    // Variance of the underlying signal (Lee): (var - mean^2 Cu^2) / (1 + Cu^2).
                    let signal = max(0, (variance - mean * mean * noise) / (1 + noise))
                    let weight = variance > 0 ? signal / variance : 0
                    result[base + c] = Float(mean + weight * (z - mean))
                }
            }
        }
        return result
    }
}
