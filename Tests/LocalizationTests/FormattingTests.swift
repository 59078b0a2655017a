import Testing

@testable import Localization

@Suite struct NumberStyleTests {
    let en = NumberStyle.of(.en), es = NumberStyle.of(.es), pt = NumberStyle.of(.pt), fr = NumberStyle.of(.fr)

    @Test func separatorsPerLanguage() {
        #expect(en == NumberStyle(decimalSeparator: ".", groupingSeparator: ","))
        #expect(es == NumberStyle(decimalSeparator: ",", groupingSeparator: "."))
        #expect(pt == es)
        #expect(fr == NumberStyle(decimalSeparator: ",", groupingSeparator: "\u{202F}"))
    }

    @Test func handComputedCases() {
        #expect(en.format(0, decimals: 0) == "0")
        #expect(en.format(0, decimals: 2) == "0.00")
        #expect(en.format(-0.0, decimals: 1) == "0.0")
        #expect(es.format(-0.04, decimals: 1) == "0,0")  // not "-0,0"
        #expect(es.format(-0.05, decimals: 1) == "-0,1")  // half away from zero
        #expect(en.format(999.95, decimals: 1) == "1,000.0")
        #expect(es.format(999.95, decimals: 1) == "1.000,0")
        #expect(en.format(999.949, decimals: 1) == "999.9")
        #expect(en.format(1234567.891, decimals: 2) == "1,234,567.89")
        #expect(es.format(1234567.891, decimals: 2) == "1.234.567,89")
        #expect(pt.format(1234567.891, decimals: 2) == "1.234.567,89")
        #expect(fr.format(1234567.891, decimals: 2) == "1\u{202F}234\u{202F}567,89")
        #expect(en.format(1234567.8, decimals: 1) == "1,234,567.8")
        #expect(fr.format(1234567.8, decimals: 1) == "1\u{202F}234\u{202F}567,8")
        #expect(en.format(-1234567.891, decimals: 2) == "-1,234,567.89")
        #expect(es.format(-1234.5, decimals: 0) == "-1.235")
        #expect(en.format(-999, decimals: 0) == "-999")
        #expect(en.format(-100000, decimals: 0) == "-100,000")
    }

    @Test func roundingHalfAwayFromZeroAsWritten() {
        #expect(en.formatInteger(0.5) == "1")
        #expect(en.formatInteger(-0.5) == "-1")
        #expect(en.formatInteger(0.49) == "0")
        #expect(en.formatInteger(2.5) == "3")
        #expect(en.formatInteger(-2.5) == "-3")
        #expect(en.format(1.005, decimals: 2) == "1.01")  // 1.00499999999999989… in binary
        #expect(en.format(0.125, decimals: 2) == "0.13")
        #expect(en.format(9.995, decimals: 2) == "10.00")
        #expect(en.format(0.0004, decimals: 3) == "0.000")
        #expect(en.format(0.0005, decimals: 3) == "0.001")
        #expect(en.format(0.00001234, decimals: 6) == "0.000012")  // 1.234e-05
        #expect(en.format(12.3, decimals: 4) == "12.3000")
        #expect(en.format(1e20, decimals: 0) == "100,000,000,000,000,000,000")
        #expect(en.format(1.5e-300, decimals: 2) == "0.00")
        #expect(en.format(12.5, decimals: -1) == "13")
    }

    @Test func notANumber() {
        #expect(en.format(.nan, decimals: 1) == "—")
        #expect(fr.formatInteger(.infinity) == "—")
        #expect(fr.formatInteger(-.infinity) == "—")
    }
}

@Suite struct CalendarDateTests {
    @Test func iso8601DatesAndTimes() {
        #expect(CalendarDate(iso8601: "2026-12-01") == CalendarDate(year: 2026, month: 12, day: 1))
        #expect(CalendarDate(iso8601: "2026-12-01T21:33:44Z") == CalendarDate(year: 2026, month: 12, day: 1))
        #expect(CalendarDate(iso8601: "2026-12-01T21:33:44.123Z") == CalendarDate(year: 2026, month: 12, day: 1))
        #expect(CalendarDate(iso8601: "2026-12-01T21:33") == CalendarDate(year: 2026, month: 12, day: 1))
        // The date in UTC.
        #expect(CalendarDate(iso8601: "2026-12-31T21:33:44-05:00") == CalendarDate(year: 2027, month: 1, day: 1))
        #expect(CalendarDate(iso8601: "2024-03-01T01:00:00+0200") == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(CalendarDate(iso8601: "2026-01-01T00:30+01") == CalendarDate(year: 2025, month: 12, day: 31))
        #expect(CalendarDate(iso8601: "2026-06-15T12:00:00+02:00") == CalendarDate(year: 2026, month: 6, day: 15))
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2026-02-29", "2026-04-31", "2026-00-10", "26-12-01", "2026/12/01",
                      "2026-12-01T", "2026-12-01T25:00Z", "2026-12-01T21:33:44Q", "2026-12-01T21:33:44Zjunk", "2026-1２-01"])
    func notDates(_ text: String) {
        #expect(CalendarDate(iso8601: text) == nil)
    }

    @Test func datesInEveryLanguage() throws {
        let date = CalendarDate(year: 2026, month: 12, day: 1)
        #expect(try Catalog.load(.en).format(date) == "1 December 2026")
        #expect(try Catalog.load(.es).format(date) == "1 de diciembre de 2026")
        #expect(try Catalog.load(.pt).format(date) == "1 de dezembro de 2026")
        #expect(try Catalog.load(.fr).format(date) == "1er décembre 2026")
        #expect(try Catalog.load(.fr).format(CalendarDate(year: 2027, month: 8, day: 2)) == "2 août 2027")
        #expect(try Catalog.load(.pt).format(CalendarDate(year: 2027, month: 3, day: 21)) == "21 de março de 2027")
        #expect(try Catalog.load(.es).format(CalendarDate(iso8601: "2026-02-11T10:00:00Z")!) == "11 de febrero de 2026")
        let produced = try Catalog.load(.fr).text("map.produced", ["version": "1.0", "date": Catalog.load(.fr).format(date)])
        #expect(produced == "Réalisé avec exposure 1.0, analyse du 1er décembre 2026")
    }
}
