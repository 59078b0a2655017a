import Cartography
import Testing

@Suite struct ClassificationTests {
    @Test func zeroIsItsOwnClassAndTheLastClassReachesTheLargestValue() {
        // 0, then 1...100: quantiles of 1...100 at 1/5..4/5 are 20.8, 40.6, 60.4, 80.2 -> 20, 40, 60, 80
        // (21 and 41 are values: rounding up to them would move them down a class).
        let values = [0.0, 0] + (1...100).map(Double.init)
        let c = Classification.make(values, method: .quantile, count: 5)
        #expect(c.classes.count == 6)
        #expect(c.classes[0] == .init(lower: 0, upper: 0, isZero: true))
        #expect(c.classes.dropFirst().map(\.upper) == [20, 40, 60, 80, 100])
        #expect(c.classIndex(of: 0) == 0)
        #expect(c.classIndex(of: 0.001) == 1)
        #expect(c.classIndex(of: 20) == 1)
        #expect(c.classIndex(of: 21) == 2)
        #expect(c.classIndex(of: 100) == 5)
        #expect(c.classIndex(of: .nan) == nil)
    }

    @Test func breaksAreRoundedToTwoSignificantDigits() {
        #expect(Classification.readable(0.04567) == 0.046)
        #expect(Classification.readable(1234) == 1200)
        #expect(Classification.readable(47.3) == 47)
        #expect(Classification.readable(-987) == -990)
    }

    @Test func equalAndPrettySteps() {
        let values = (1...10).map { Double($0) * 10 }  // 10...100
        let equal = Classification.make(values, method: .equal, count: 3)
        // 10 + 90/3 = 40, 70; no zero value, so no zero class and the first class starts at the smallest.
        #expect(equal.classes.map(\.upper) == [40, 70, 100])
        #expect(equal.classes[0].lower == 10)
        let pretty = Classification.make([0] + values, method: .pretty, count: 4)
        // From 0 to 100 in about 4: a step of 25.
        #expect(pretty.classes.dropFirst().map(\.upper) == [25, 50, 75, 100])
    }

    @Test func jenksSeparatesClusters() {
        let values: [Double] = [1, 2, 3, 50, 51, 52, 200, 210]
        let c = Classification.make(values, method: .jenks, count: 3)
        #expect(c.classes.map(\.upper) == [3, 52, 210])
    }

    @Test func fixedBreaksAndDegenerateInputs() {
        let c = Classification.fixed([10, 100], values: [0, 5, 50, 500])
        #expect(c.classes.map(\.upper) == [0, 10, 100, 500])
        #expect(Classification.make([0, 0], method: .quantile, count: 5).classes.count == 1)
        #expect(Classification.make([], method: .quantile, count: 5).classes.isEmpty)
        // A change can be negative: no zero class then.
        let change = Classification.make([-5, 0, 5], method: .equal, count: 2)
        #expect(change.classes.allSatisfy { !$0.isZero })
    }

    @Test func palettesHaveTheRequestedNumberOfColours() {
        #expect(Palette.yellowOrangeRed.colours(5) == ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"])
        for palette in Palette.all { for n in 1...12 { #expect(palette.colours(n).count == n) } }
        #expect(Palette.named("ylorrd") == Palette.yellowOrangeRed)
    }
}
