/// Average annual figures from figures at return periods (docs/methodology.md).
///
/// For return periods `T1 < ... < Tn` with values `D1..Dn` and annual exceedance probabilities `pi = 1/Ti`:
///
///     AAD = sum(i = 1..n-1) (pi - p(i+1)) (Di + D(i+1)) / 2  +  pn Dn
///
/// the trapezoid rule on the exceedance curve (value against probability), with events rarer than `Tn`
/// counted at `Dn` and events more frequent than `T1` at zero. Summing `Di / Ti` instead would count every
/// event of return period Ti or rarer once per return period (double counting), and is not used.
public struct ReturnPeriods: Sendable, Equatable {
    public let years: [Double]

    public init(_ years: [Double]) throws {
        guard !years.isEmpty else { throw ExposureError("at least one return period is needed") }
        for (i, t) in years.enumerated() {
            guard t.isFinite, t >= 1 else { throw ExposureError("return periods are years >= 1 (got \(t))") }
            // Beyond a million years a return period means nothing for displacement (and p = 1/T underflows meaning).
            guard t <= ReturnPeriods.maxYears else {
                throw ExposureError("return periods are at most \(formatYears(ReturnPeriods.maxYears)) years (got \(t))")
            }
            if i > 0 && t <= years[i - 1] {
                throw ExposureError("return periods must increase: \(formatYears(years[i - 1])) is followed by \(formatYears(t))")
            }
        }
        self.years = years
    }

    public static let maxYears = 1_000_000.0

    /// Annual exceedance probabilities, 1/T.
    public var probabilities: [Double] { years.map { 1 / $0 } }

    /// The expected annual value of a quantity known at each return period (same order as `years`).
    public func averageAnnual(_ values: [Double]) -> Double {
        precondition(values.count == years.count, "one value per return period")
        let p = probabilities
        var total = 0.0
        for i in 0..<(years.count - 1) {
            total += (p[i] - p[i + 1]) * (values[i] + values[i + 1]) / 2
        }
        return total + p[p.count - 1] * values[values.count - 1]
    }
}

/// "10" for 10.0, "2.5" for 2.5.
public func formatYears(_ years: Double) -> String {
    years == years.rounded() && abs(years) < 1e15 ? String(Int(years)) : String(years)
}
