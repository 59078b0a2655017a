/// Otsu's (1979) threshold: the value splitting a histogram into two classes with the largest
/// between-class variance. The histogram has `bins` equal bins spanning the finite values' range.
///
/// In three steps, so that a scene read window by window gives the same threshold as one held whole:
/// ``Range`` (the finite values' minimum and maximum, over every window), ``Histogram`` (the counts per bin
/// over that range, over every window again) and ``Histogram/threshold()``.
public enum Otsu {
    public static let defaultBins = 256

    /// The finite values' minimum and maximum, accumulated over any number of parts in any order.
    public struct Range: Sendable, Equatable {
        public var low = Float.infinity
        public var high = -Float.infinity

        public init() {}

        public mutating func add(_ values: UnsafeBufferPointer<Float>) {
            var low = self.low, high = self.high
            for v in values where v.isFinite {
                low = min(low, v)
                high = max(high, v)
            }
            self.low = low
            self.high = high
        }

        public mutating func add(_ values: [Float]) { values.withUnsafeBufferPointer { add($0) } }

        public mutating func merge(_ other: Range) {
            low = min(low, other.low)
            high = max(high, other.high)
        }
    }

    /// Counts of the finite values in `bins` equal bins spanning a ``Range``; counts of parts add up exactly.
    public struct Histogram: Sendable, Equatable {
        public let low: Float
        public let high: Float
        public private(set) var counts: [Double]
        private let scale: Double

        /// Nil when the range holds fewer than two distinct values.
        public init?(range: Range, bins: Int = defaultBins) {
            // A span beyond Float's range (-3e38 to 3e38) has no finite bin width: no threshold rather than a trap.
            guard range.low < range.high, (range.high - range.low).isFinite, bins >= 2 else { return nil }
            low = range.low
            high = range.high
            counts = [Double](repeating: 0, count: bins)
            scale = Double(bins) / Double(high - low)
        }

        /// Counts the finite values of `values` (all within the range).
        public mutating func add(_ values: UnsafeBufferPointer<Float>) {
            let low = self.low, scale = self.scale, last = counts.count - 1
            counts.withUnsafeMutableBufferPointer { counts in
                for v in values where v.isFinite {
                    counts[min(last, Int(Double(v - low) * scale))] += 1
                }
            }
        }

        public mutating func add(_ values: [Float]) { values.withUnsafeBufferPointer { add($0) } }

        public mutating func merge(_ other: Histogram) {
            for i in counts.indices { counts[i] += other.counts[i] }
        }

        /// The threshold (the lower edge of the first bin of the upper class), nil when no split separates two
        /// non-empty classes.
        public func threshold() -> Double? {
            let width = Double(high - low) / Double(counts.count)
            guard let split = bestSplit(counts) else { return nil }
            return Double(low) + Double(split) * width
        }
    }

    /// The threshold (the lower edge of the first bin of the upper class), nil when fewer than two distinct
    /// finite values exist.
    public static func threshold(_ values: [Float], bins: Int = defaultBins) -> Double? {
        var range = Range()
        range.add(values)
        guard var histogram = Histogram(range: range, bins: bins) else { return nil }
        histogram.add(values)
        return histogram.threshold()
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
