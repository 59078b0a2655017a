import Cartography
import Testing

@Suite struct ReadableBreaksTests {
    /// Jenks puts a break at a data value (41.38); rounding it to 41 would move that region up a class.
    @Test func roundingNeverMovesAValueAcrossABreak() {
        let values = [0, 0, 12.34, 41.38, 41.9, 313.28, 330, 652.86, 690, 700, 728.7]
        for method in ClassificationMethod.allCases {
            let c = Classification.make(values, method: method, count: 5)
            for (i, k) in c.classes.enumerated() where !k.isZero {
                #expect(values.contains { $0 > k.lower && $0 <= k.upper } || (i == c.classes.firstIndex { !$0.isZero } && values.contains(k.lower)),
                        "\(method): class \(k.lower)...\(k.upper) holds no value")
            }
        }
        let sorted = values.filter { $0 != 0 }
        #expect(Classification.readable(41.38, within: sorted) == 41.4, "41 would put 41.38 above the break; 41.4 keeps it below and 41.9 above")
        #expect(Classification.readable(313.28, within: sorted) == 320, "two digits suffice when no value lies between")
    }
}
