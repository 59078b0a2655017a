/// Numbers with a fixed count of decimals, exactly as C's `printf("%.*f")` writes them (the binary value
/// rounded to nearest, ties to even), made here: through printf, a Swift caller pays more for passing the
/// arguments (`withVaList` casts each one dynamically) than printf pays for the digits, and CSV tables and
/// GeoJSON coordinates hold hundreds of thousands of numbers. RFC7946GeometryTests compares both with printf.
enum FixedDecimals {
    /// The most decimals handled here: a value under 1e15 times 10^8 still fits the 128-bit arithmetic.
    static let maximumDecimals = 8

    private static let powersOfTen: [UInt128] = (0...maximumDecimals).map { d in (0..<d).reduce(1) { r, _ in r * 10 } }

    /// `value` rounded to `decimals` decimals as printf rounds it: its sign (printf writes one for -0 and for
    /// negative values that round to zero), integer part and decimals (as an integer). Nil for a value that is
    /// not finite or is 1e15 or more in magnitude, or for `decimals` beyond ``maximumDecimals``.
    static func split(_ value: Double, decimals: Int) -> (negative: Bool, integer: UInt64, fraction: UInt64)? {
        let magnitude = abs(value)
        guard magnitude < 1e15, (0...maximumDecimals).contains(decimals) else { return nil }
        let scale = powersOfTen[decimals]
        var scaled: UInt128 = 0  // magnitude x 10^decimals, rounded
        if magnitude != 0 {
            let significand = UInt128(magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0))
            let exponent = magnitude.isNormal ? Int(magnitude.exponentBitPattern) - 1075 : -1074
            let product = significand * scale
            if exponent >= 0 {
                scaled = product << exponent
            } else if -exponent < 128 {
                let shift = -exponent
                var quotient = product >> shift
                let remainder = product & ((1 << shift) - 1), half: UInt128 = 1 << (shift - 1)
                if remainder > half || (remainder == half && quotient & 1 == 1) { quotient += 1 }
                scaled = quotient
            }
        }
        // 64-bit division where it will do (coordinates, most figures): 128-bit division is a slow call.
        if let small = UInt64(exactly: scaled) {
            let scale = UInt64(scale)
            return (value.sign == .minus, small / scale, small % scale)
        }
        return (value.sign == .minus, UInt64(scaled / scale), UInt64(scaled % scale))
    }

    /// Appends `value` as `printf("%.*f", decimals, value)` writes it; false (nothing appended) where
    /// ``split(_:decimals:)`` gives nil.
    static func append(_ value: Double, decimals: Int, to out: inout [UInt8]) -> Bool {
        guard let (negative, integer, fraction) = split(value, decimals: decimals) else { return false }
        if negative { out.append(UInt8(ascii: "-")) }
        appendDigits(integer, to: &out)
        guard decimals > 0 else { return true }
        out.append(UInt8(ascii: "."))
        var digits: (UInt64, UInt64) = (0, 0)  // 16 bytes: room for the decimals
        var rest = fraction
        withUnsafeMutableBytes(of: &digits) { d in
            for i in stride(from: decimals - 1, through: 0, by: -1) {
                d[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            out += d.prefix(decimals)
        }
        return true
    }

    /// Appends the decimal digits of `value`.
    static func appendDigits(_ value: UInt64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of any UInt64
        var count = 0, rest = value
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
