/// Normalized-difference indices, `(a - b) / (a + b)`, in [-1, 1].
public enum SpectralIndex: String, Sendable, CaseIterable {
    /// McFeeters (1996): (green - NIR) / (green + NIR); water > 0.
    case ndwi
    /// Xu (2006): (green - SWIR1) / (green + SWIR1); water > 0, better in built-up areas.
    case mndwi
    /// (NIR - red) / (NIR + red); vegetation high, water negative.
    case ndvi

    public var bands: (a: SpectralBand, b: SpectralBand) {
        switch self {
        case .ndwi: (.green, .nir)
        case .mndwi: (.green, .swir1)
        case .ndvi: (.nir, .red)
        }
    }

    public var formula: String {
        let (a, b) = bands
        return "(\(a.rawValue) - \(b.rawValue)) / (\(a.rawValue) + \(b.rawValue))"
    }

    /// The index of every pixel; NaN where either band is NaN (invalid) or both are zero.
    public func compute(_ a: [Float], _ b: [Float]) -> [Float] {
        precondition(a.count == b.count, "bands of different sizes")
        var result = [Float](repeating: .nan, count: a.count)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { compute(a, b, into: $0) }
            }
        }
        return result
    }

    /// The index of the first `result.count` pixels of `a` and `b` into `result` (every element written).
    public func compute(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into result: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count >= result.count && b.count >= result.count, "bands shorter than the result")
        for i in 0..<result.count {
            let x = a[i], y = b[i]
            let sum = x + y
            if x.isNaN || y.isNaN || sum == 0 { result[i] = .nan; continue }
            result[i] = (x - y) / sum
        }
    }
}
