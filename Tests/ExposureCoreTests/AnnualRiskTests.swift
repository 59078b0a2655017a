import Testing
@testable import ExposureCore

@Suite struct AnnualRiskTests {
    @Test func trapezoidOnTheExceedanceCurve() throws {
        // T = 10, 100 with D = 100, 1000: (0.1 - 0.01)(100 + 1000)/2 + 0.01 x 1000 = 49.5 + 10 = 59.5.
        let periods = try ReturnPeriods([10, 100])
        #expect(abs(periods.averageAnnual([100, 1000]) - 59.5) < 1e-12)
    }

    @Test func fourReturnPeriodsByHand() throws {
        // p = 0.1, 0.02, 0.01, 0.002; D = 10, 50, 80, 200:
        // (0.08)(60)/2 + (0.01)(130)/2 + (0.008)(280)/2 + 0.002 x 200 = 2.4 + 0.65 + 1.12 + 0.4 = 4.57.
        let periods = try ReturnPeriods([10, 50, 100, 500])
        #expect(abs(periods.averageAnnual([10, 50, 80, 200]) - 4.57) < 1e-12)
    }

    @Test func aSingleReturnPeriodCountsItsEventsAndRarerOnes() throws {
        #expect(abs(try ReturnPeriods([100]).averageAnnual([700]) - 7) < 1e-12)
    }

    @Test func raisingAnyValueNeverLowersTheAverage() throws {
        var random = SeededGenerator(seed: 11)
        let periods = try ReturnPeriods([2, 5, 10, 25, 50, 100, 250, 1000])
        for _ in 0..<200 {
            var values = (0..<8).map { _ in Double.random(in: 0...1000, using: &random) }.sorted()
            let before = periods.averageAnnual(values)
            values[Int.random(in: 0..<8, using: &random)] += Double.random(in: 0...100, using: &random)
            #expect(periods.averageAnnual(values) >= before)
        }
    }

    @Test func returnPeriodsMustIncrease() {
        #expect(throws: ExposureError.self) { try ReturnPeriods([100, 50]) }
        #expect(throws: ExposureError.self) { try ReturnPeriods([10, 10]) }
        #expect(throws: ExposureError.self) { try ReturnPeriods([0.5]) }
        #expect(throws: ExposureError.self) { try ReturnPeriods([]) }
    }
}

@Suite struct CoastalInundationTests {
    @Test func aDisconnectedDepressionStaysDry() {
        // Sea on the east edge; a ridge at column 2 (5 m) separates an inland depression (column 0-1, -1 m).
        let e: [Double] = [
            -1, -1, 5, 0.5, -2,
            -1, -1, 5, 0.2, -2,
            -1, -1, 5, 1.5, -2,
        ]
        let (depths, flooded) = CoastalInundation.depths(elevation: e, width: 5, height: 3, level: 1, seeds: .edges([.east]))
        #expect(depths == [0, 0, 0, 0.5, 3, 0, 0, 0, 0.8, 3, 0, 0, 0, 0, 3])
        #expect(flooded == 5)
    }

    @Test func diagonalGapsConnect() {
        // The only link from the sea (top-right) to the low cell (bottom-left) is diagonal.
        let e: [Double] = [
            9, 9, 0,
            9, 0, 9,
            0, 9, 9,
        ]
        let (depths, _) = CoastalInundation.depths(elevation: e, width: 3, height: 3, level: 1, seeds: .edges([.north]))
        #expect(depths == [0, 0, 1, 0, 1, 0, 1, 0, 0])
    }

    @Test func noDataIsNeverFloodedAndStopsTheWater() {
        let e: [Double] = [0, .nan, 0]
        let (depths, _) = CoastalInundation.depths(elevation: e, width: 3, height: 1, level: 2, seeds: .edges([.east]))
        #expect(depths[0] == 0)
        #expect(depths[1].isNaN)
        #expect(depths[2] == 2)
    }

    @Test func aSeaMaskSeedsTheFill() {
        let e: [Double] = [0, 0, 3, 0]
        let (depths, _) = CoastalInundation.depths(elevation: e, width: 4, height: 1, level: 1, seeds: .mask([true, false, false, false]))
        #expect(depths == [1, 1, 0, 0])
    }
}
