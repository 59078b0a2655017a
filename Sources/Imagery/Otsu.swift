/// Otsu's (1979) threshold: the value splitting a histogram into two classes with the largest
/// between-class variance. The histogram has `bins` equal bins spanning the finite values' range.
public enum Otsu {
    public static let defaultBins = 256

    /// The threshold (the lower edge of the first bin of the upper class), nil when fewer than two distinct
    /// finite values exist.
    public static func threshold(_ values: [Float], bins: Int = defaultBins) -> Double? {
        var low = Float.infinity, high = -Float.infinity
        for v in values where v.isFinite {
            low = min(low, v)
            high = max(high, v)
        }
        guard low < high else { return nil }
        var histogram = [Double](repeating: 0, count: bins)
        let scale = Double(bins) / Double(high - low)
        for v in values where v.isFinite {
            histogram[min(bins - 1, Int(Double(v - low) * scale))] += 1
        }
        let width = Double(high - low) / Double(bins)
        guard let split = bestSplit(histogram) else { return nil }
        return Double(low) + Double(split) * width
    }

    /// The first bin of the upper class for a histogram (bins of equal width).
    public static func bestSplit(_ histogram: [Double]) -> Int? {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return nil }
        var sumAll = 0.0
        for (i, count) in histogram.enumerated() { sumAll += Double(i) * count }
        var weightLow = 0.0, sumLow = 0.0
        // Empty bins between two modes give the same variance for every split in the gap: take its middle.
        var best = -1.0, bestFirst: Int?, bestLast: Int?
        for split in 1..<histogram.count {
            weightLow += histogram[split - 1]
            sumLow += Double(split - 1) * histogram[split - 1]
            let weightHigh = total - weightLow
            if weightLow == 0 || weightHigh == 0 { continue }
            let meanLow = sumLow / weightLow, meanHigh = (sumAll - sumLow) / weightHigh
            let between = weightLow * weightHigh * (meanLow - meanHigh) * (meanLow - meanHigh)
            if between > best * (1 + 1e-12) {
                best = between
                bestFirst = split
                bestLast = split
            } else if between >= best * (1 - 1e-12), bestLast == split - 1 {
                bestLast = split
            }
        }
        guard let first = bestFirst, let last = bestLast else { return nil }
        return (first + last) / 2
    }
}
