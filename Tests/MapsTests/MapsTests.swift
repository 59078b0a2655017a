import Drawing
import GridGeometry
@testable import Maps
import Testing

@Suite struct SimplificationTests {
    @Test func wigglesBelowTheToleranceGoAndCornersStay() {
        // A 10 x 10 square whose bottom side wiggles by 0.1: at tolerance 0.5 only the corners remain.
        var ring: [Simplification.Point] = (0...100).map { i in (Double(i) / 10, i % 2 == 0 ? 0 : 0.1) }
        ring += [(10, 10), (0, 10)]
        let kept = Simplification.ring(ring, tolerance: 0.5)
        #expect(kept.count == 4)
        for corner in [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)] {
            #expect(kept.contains { $0.x == corner.0 && $0.y == corner.1 }, "corner \(corner) lost")
        }
        // At tolerance 0.05 every wiggle (0.1 off the chord) stays.
        #expect(Simplification.ring(ring, tolerance: 0.05).count == ring.count)
    }

    @Test func aPointOffTheChordByMoreThanTheToleranceStays() {
        let line: [Simplification.Point] = [(0, 0), (5, 0.4), (10, 0), (15, 2), (20, 0)]
        // (15, 2) is 2 off the chord 0-20: kept. (10, 0) is 20 / sqrt(229) = 1.32 off the chord 0-15: kept.
        // (5, 0.4) is 0.4 off the chord 0-10: dropped at 0.5, kept at 0.3.
        #expect(Simplification.line(line, tolerance: 0.5).map(\.x) == [0, 10, 15, 20])
        #expect(Simplification.line(line, tolerance: 0.3).map(\.x) == [0, 5, 10, 15, 20])
    }
}

@Suite struct PlacementTests {
    /// A frame at (100, 50) of 200 x 100 points showing x 1000...3000, y 0...1000 (10 units a point).
    let placement = MapPlacement(frame: Rect(x: 100, y: 50, width: 200, height: 100),
                                 extent: MapExtent(minX: 1000, minY: 0, maxX: 3000, maxY: 1000),
                                 unitsPerPoint: 10, labelsDrawn: 0, labelsDropped: 0)

    @Test func mapCoordinatesLandOnTheFrame() {
        #expect(placement.page(MapPoint(x: 1000, y: 1000)) == (100, 50))
        #expect(placement.page(MapPoint(x: 3000, y: 0)) == (300, 150))
    }

    @Test func theWorldFileNamesTheCentreOfTheUpperLeftPixel() {
        // At 2 pixels a point: a pixel is 5 units; pixel (0, 0) is page (0.25, 0.25), map x = 1000 + (0.25 - 100) x 10.
        let world = placement.worldFile(pixelsPerPoint: 2)
        let x: Double = 1000 + (0.25 - 100) * 10, y: Double = 1000 - (0.25 - 50) * 10
        #expect(world == [5, 0, 0, -5, x, y])
    }
}
