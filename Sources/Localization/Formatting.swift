/// How numbers are written in a language.
public struct NumberStyle: Sendable, Equatable {
    public var decimalSeparator: String
    public var groupingSeparator: String

    public init(decimalSeparator: String, groupingSeparator: String) {
        self.decimalSeparator = decimalSeparator
        self.groupingSeparator = groupingSeparator
    }

    /// en 1,234.5; es and pt 1.234,5; fr 1 234,5 (U+202F, narrow no-break space).
    public static func of(_ language: Language) -> NumberStyle {
        switch language {
        case .en: NumberStyle(decimalSeparator: ".", groupingSeparator: ",")
        case .es, .pt: NumberStyle(decimalSeparator: ",", groupingSeparator: ".")
        case .fr: NumberStyle(decimalSeparator: ",", groupingSeparator: "\u{202F}")
        }
    }

    /// `value` with `decimals` digits after the separator (none for 0), thousands grouped, "-" for negative
    /// values (never "-0"), and "—" for NaN and infinities. Rounds half away from zero the shortest decimal
    /// that reads back as `value` (so 1.005 gives 1.01, as written, not 1.00 from its binary value).
    public func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "—" }
        let decimals = max(0, decimals)
        var (digits, point) = Self.decimalDigits(of: value.magnitude)
        // Keep the digits down to 10^-decimals, rounding on the next one.
        let kept = point + decimals
        if kept < 0 {
            digits = []
        } else if kept < digits.count {
            let roundUp = digits[kept] >= 5
            digits.removeSubrange(kept...)
            if roundUp {
                var i = digits.count - 1
                while i >= 0, digits[i] == 9 { digits[i] = 0; i -= 1 }
                if i >= 0 { digits[i] += 1 } else { digits.insert(1, at: 0); point += 1 }
            }
        }
        // value * 10^decimals as an integer's digits.
        let scaled = digits + Array(repeating: 0, count: max(0, point + decimals - digits.count))
        let isZero = scaled.allSatisfy { $0 == 0 }
        let padded = Array(repeating: UInt8(0), count: max(0, decimals + 1 - scaled.count)) + scaled
        let integer = padded.dropLast(decimals).drop { $0 == 0 }
        let fraction = padded.suffix(decimals)

        var groups: [String] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.insert(integer[start..<end].map(String.init).joined(), at: 0)
            end = start
        }
        var text = (value < 0 && !isZero ? "-" : "") + (groups.isEmpty ? "0" : groups.joined(separator: groupingSeparator))
        if decimals > 0 { text += decimalSeparator + fraction.map(String.init).joined() }
        return text
    }

    /// `format(value, decimals: 0)`.
    public func formatInteger(_ value: Double) -> String { format(value, decimals: 0) }

    /// The significant digits of the shortest decimal form of `value` (finite, not negative) and where the
    /// point goes: `value == 0.d₀d₁d₂… × 10^point`. Zero has no digits.
    static func decimalDigits(of value: Double) -> (digits: [UInt8], point: Int) {
        let text = value.description  // "1234.5", "1e-05", "1.2345e+20"
        let parts = text.split(separator: "e")
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var digits = mantissa.compactMap { $0.wholeNumberValue.map(UInt8.init) }
        var point = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
        while digits.first == 0 { digits.removeFirst(); point -= 1 }
        while digits.last == 0 { digits.removeLast() }
        return (digits, digits.isEmpty ? 0 : point)
    }
}

/// A day of the calendar (proleptic Gregorian), without time or zone.
public struct CalendarDate: Sendable, Equatable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The fields as given (not checked: use `init?(iso8601:)` for text from outside).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// "2026-12-01", or a date and time: "2026-12-01T21:33:44Z", "2026-12-01T21:33:44.5+02:00" (the date in
    /// UTC; without a zone, the date as written). Nil for anything else or a day the month does not have.
    public init?(iso8601 text: String) {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, range.allSatisfy({ chars[$0] >= 48 && chars[$0] <= 57 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(chars[$1] - 48) }
        }
        guard chars.count >= 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard chars.count > 10 else { return }

        // The time: T or space, hh:mm[:ss[.fff]], then Z, ±hh:mm, ±hhmm, ±hh or nothing.
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(chars[10]),
            let hour = number(11..<13), chars.count > 13, chars[13] == UInt8(ascii: ":"), let minute = number(14..<16),
            hour < 24, minute < 60
        else { return nil }
        var i = 16
        if i < chars.count, chars[i] == UInt8(ascii: ":") {
            guard let second = number(i + 1..<i + 3), second <= 60 else { return nil }
            i += 3
            if i < chars.count, chars[i] == UInt8(ascii: ".") || chars[i] == UInt8(ascii: ",") {
                i += 1
                let start = i
                while i < chars.count, chars[i] >= 48, chars[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        var offset = 0  // minutes east of UTC
        if i < chars.count {
            switch chars[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = chars[i] == UInt8(ascii: "-") ? -1 : 1
                guard let h = number(i + 1..<i + 3), h < 24 else { return nil }
                i += 3
                var m = 0
                if i < chars.count, chars[i] == UInt8(ascii: ":") { i += 1 }
                if i < chars.count {
                    guard let mm = number(i..<i + 2), mm < 60 else { return nil }
                    m = mm
                    i += 2
                }
                offset = sign * (h * 60 + m)
            default:
                return nil
            }
        }
        guard i == chars.count else { return nil }
        let utcMinutes = hour * 60 + minute - offset
        if utcMinutes < 0 { self = shifted(by: -1) } else if utcMinutes >= 24 * 60 { self = shifted(by: 1) }
    }

    /// The day before (-1) or after (+1).
    private func shifted(by days: Int) -> CalendarDate {
        if days < 0 {
            if day > 1 { return CalendarDate(year: year, month: month, day: day - 1) }
            let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
            return CalendarDate(year: y, month: m, day: Self.daysIn(month: m, year: y))
        }
        if day < Self.daysIn(month: month, year: year) { return CalendarDate(year: year, month: month, day: day + 1) }
        return month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: month + 1, day: 1)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Catalog {
    /// `date` as `date.format` writes it, with `month.1`…`month.12`; day 1 as `date.first_day` ("1er" in French).
    public func format(_ date: CalendarDate) -> String {
        let day = date.day == 1 ? text("date.first_day") : String(date.day)
        return text("date.format", ["day": day, "month": text("month.\(date.month)"), "year": String(date.year)])
    }
}
