/// Speckle filters for SAR backscatter (linear power), over a square window; NaN pixels are ignored.
public enum SpeckleFilter: Sendable, Equatable {
    case none
    /// The median of the window.
    case median(window: Int)
    /// Lee (1980): the window mean plus a share of the pixel's difference from it that grows with the
    /// window's variance beyond what speckle of `looks` looks explains.
    case lee(window: Int, looks: Double)

    public func apply(_ image: [Float], width: Int, height: Int) -> [Float] {
        switch self {
        case .none: return image
        case .median(let window): return SpeckleFilter.median(image, width: width, height: height, window: window)
        case .lee(let window, let looks): return SpeckleFilter.lee(image, width: width, height: height, window: window, looks: looks)
        }
    }

    static func median(_ image: [Float], width: Int, height: Int, window: Int) -> [Float] {
        let half = window / 2
        var result = [Float](repeating: .nan, count: image.count)
        var buffer: [Float] = []
        buffer.reserveCapacity(window * window)
        for r in 0..<height {
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
                result[r * width + c] = n % 2 == 1 ? buffer[n / 2] : (buffer[n / 2 - 1] + buffer[n / 2]) / 2
            }
        }
        return result
    }

    static func lee(_ image: [Float], width: Int, height: Int, window: Int, looks: Double) -> [Float] {
        let half = window / 2
        let noise = 1 / looks  // squared coefficient of variation of speckle in intensity
        var result = [Float](repeating: .nan, count: image.count)
        for r in 0..<height {
            for c in 0..<width {
                let z = Double(image[r * width + c])
                if z.isNaN { continue }
                var n = 0.0, sum = 0.0, sumSquares = 0.0
                for rr in max(0, r - half)...min(height - 1, r + half) {
                    for cc in max(0, c - half)...min(width - 1, c + half) {
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
                result[r * width + c] = Float(mean + weight * (z - mean))
            }
        }
        return result
    }
}
