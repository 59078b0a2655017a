import Foundation

/// How class breaks of a choropleth are chosen.
public enum ClassificationMethod: String, CaseIterable, Sendable {
    /// Each class holds about as many regions (the default: the usual skewed counts stay readable).
    case quantile
    /// Fisher-Jenks natural breaks: the least squared deviation from the class means.
    case jenks
    /// Classes of equal width between the smallest and largest non-zero value.
    case equal
    /// Equal steps of a round size (1, 2 or 5 times a power of ten), as R's `pretty`.
    case pretty
}

/// The classes of a map or a layer style: zero as its own class (when the values are counts or rates that
/// can be zero), then classes over the non-zero values, `(lower, upper]`, with breaks rounded to readable
/// numbers. The last class reaches the largest value, so every value has a class.
public struct Classification: Sendable, Equatable {
    public struct Class: Sendable, Equatable {
        /// Exclusive, except for the first class without a zero class (inclusive).
        public let lower: Double
        /// Inclusive.
        public let upper: Double
        /// The class of exactly zero.
        public let isZero: Bool

        public init(lower: Double, upper: Double, isZero: Bool) {
            self.lower = lower
            self.upper = upper
            self.isZero = isZero
        }
    }

    public let classes: [Class]
    public let method: String

    public init(classes: [Class], method: String) {
        self.classes = classes
        self.method = method
    }

    /// The class of `value`; nil for NaN (no data).
    public func classIndex(of value: Double) -> Int? {
        guard !value.isNaN else { return nil }
        for (i, c) in classes.enumerated() {
            if c.isZero { if value == 0 { return i } else { continue } }
            if value <= c.upper { return i }
        }
        return classes.isEmpty ? nil : classes.count - 1
    }

    /// Classes for `values` (NaN ignored) by `method`, with `count` classes on the non-zero values.
    public static func make(_ values: [Double], method: ClassificationMethod, count: Int) -> Classification {
        let finite = values.filter(\.isFinite).sorted()
        let hasZero = finite.contains(0)
        let nonNegative = finite.first.map { $0 >= 0 } ?? true
        // Zero is its own class for counts and rates; a variable that goes negative (a change) has none.
        let zeroClass = hasZero && nonNegative
        let rest = zeroClass ? finite.filter { $0 != 0 } : finite
        var classes: [Class] = zeroClass ? [Class(lower: 0, upper: 0, isZero: true)] : []
        guard let low = rest.first, let high = rest.last else {
            return Classification(classes: classes, method: method.rawValue)
        }
        let k = max(1, count)
        var inner: [Double]
        switch method {
        case .quantile:
            inner = (1..<k).map { quantile(rest, Double($0) / Double(k)) }
        case .equal:
            inner = (1..<k).map { low + (high - low) * Double($0) / Double(k) }
        case .jenks:
            inner = jenks(rest, classes: k)
        case .pretty:
            inner = prettySteps(from: zeroClass ? 0 : low, to: high, count: k)
        }
        if method != .pretty { inner = inner.map { readable($0, within: rest) } }
        let start = zeroClass ? 0 : low
        var bounds: [Double] = []
        for b in inner.sorted() where b > start && b < high && (bounds.last.map { b > $0 } ?? true) { bounds.append(b) }
        var lower = start
        for b in bounds + [high] {
            // A class no value falls in is left out (its upper bound joins the next class).
            let holds = rest.contains { $0 > lower && $0 <= b } || (!zeroClass && lower == low && b >= low && classes.isEmpty)
            if holds || b == high {
                classes.append(Class(lower: lower, upper: b, isZero: false))
                lower = b
            }
        }
        return Classification(classes: classes, method: method.rawValue)
    }

    /// Classes with the user's breaks `B1 < B2 < ...`: `(0, B1], (B1, B2], ..., (Bm, largest]` (zero its own class).
    public static func fixed(_ breaks: [Double], values: [Double]) -> Classification {
        let finite = values.filter(\.isFinite)
        let high = max(finite.max() ?? breaks.last ?? 0, breaks.last ?? 0)
        let zeroClass = finite.contains(0) && (finite.min() ?? 0) >= 0
        var classes: [Class] = zeroClass ? [Class(lower: 0, upper: 0, isZero: true)] : []
        var lower = zeroClass ? 0 : min(finite.min() ?? 0, breaks.first ?? 0)
        for b in breaks where b > lower {
            classes.append(Class(lower: lower, upper: b, isZero: false))
            lower = b
        }
        if high > lower { classes.append(Class(lower: lower, upper: high, isZero: false)) }
        return Classification(classes: classes, method: "fixed")
    }

    /// A break `b` (the top value of a class) rounded as readably as the data allow: to two significant
    /// digits, or more when that would move a value across it, so a region never changes class by the
    /// rounding. The result r keeps every value <= b below or at it and every value > b above it.
    public static func readable(_ b: Double, within sorted: [Double]) -> Double {
        guard b.isFinite, b != 0 else { return b }
        let below = sorted.last { $0 <= b } ?? b
        guard let above = sorted.first(where: { $0 > b }) else { return readable(b) }
        for digits in 2...15 {
            let exponent = Int(floor(log10(abs(b)))) - (digits - 1)
            // Scaled by an exact power of ten, so 41.4 is 414 / 10, not 414 x 0.1 (41.400000000000006).
            let power = pow(10, Double(abs(exponent)))
            let scaled = exponent < 0 ? b * power : b / power
            for rule in [FloatingPointRoundingRule.toNearestOrAwayFromZero, .up, .down] {
                let r = exponent < 0 ? scaled.rounded(rule) / power : scaled.rounded(rule) * power
                if r >= below && r < above { return r }
            }
        }
        return below
    }

    /// A number rounded to two significant digits (0.0456 -> 0.046, 1234 -> 1200, 47.3 -> 47).
    public static func readable(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let magnitude = pow(10, floor(log10(abs(x))) - 1)
        return (x / magnitude).rounded() * magnitude
    }

    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let i = Int(position.rounded(.down)), f = position - Double(i)
        return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
    }

    /// Round steps (1, 2, 2.5 or 5 x 10^n) from `low` to `high` in about `count` classes.
    static func prettySteps(from low: Double, to high: Double, count: Int) -> [Double] {
        guard high > low else { return [] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var breaks: [Double] = []
        var b = (low / step).rounded(.down) * step + step
        while b < high - step * 1e-9 {
            breaks.append((b / step).rounded() * step)
            b += step
        }
        return breaks
    }

    /// Fisher-Jenks natural breaks on sorted values: the inner breaks (upper bounds of all but the last class).
    static func jenks(_ sorted: [Double], classes k: Int) -> [Double] {
        // Regions are at most a few thousand; beyond that, a regular sample keeps the O(k n^2) search quick.
        let values = sorted.count <= 3000 ? sorted : (0..<3000).map { sorted[$0 * (sorted.count - 1) / 2999] }
        let n = values.count
        guard k > 1, n > k else { return Array(values.dropLast().suffix(max(0, min(k - 1, n - 1)))) }
        var prefix = [0.0], prefixSquares = [0.0]
        for v in values {
            prefix.append(prefix.last! + v)
            prefixSquares.append(prefixSquares.last! + v * v)
        }
        func cost(_ i: Int, _ j: Int) -> Double {  // values[i..<j]
            let s = prefix[j] - prefix[i], s2 = prefixSquares[j] - prefixSquares[i]
            return s2 - s * s / Double(j - i)
        }
        // best[c][j]: least cost of the first j values in c + 1 classes; start[c][j]: where the last class starts.
        var best = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: k)
        var start = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: k)
        for j in 1...n { best[0][j] = cost(0, j) }
        for c in 1..<k {
            for j in (c + 1)...n {
                for i in c..<j {
                    let candidate = best[c - 1][i] + cost(i, j)
                    if candidate < best[c][j] {
                        best[c][j] = candidate
                        start[c][j] = i
                    }
                }
            }
        }
        var breaks: [Double] = []
        var j = n
        for c in stride(from: k - 1, to: 0, by: -1) {
            let i = start[c][j]
            breaks.append(values[i - 1])
            j = i
        }
        return breaks.reversed()
    }
}
