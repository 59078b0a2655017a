import Testing
@testable import ExposureCore

/// The strip-by-strip fill (``StripInundation``) against the in-memory flood fill, cell for cell.
@Suite struct StripInundationTests {
    /// Equal depths (NaN where NaN), counts and deepest depth for every strip height given.
    func expectSame(_ e: [Double], width: Int, height: Int, level: Double, seeds: CoastalInundation.Seeds,
                    stripRows: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let (expected, flooded) = CoastalInundation.depths(elevation: e, width: width, height: height, level: level, seeds: seeds)
        let deepest = expected.filter { !$0.isNaN }.max() ?? 0
        for rows in stripRows {
            let strips = StripInundation.depths(elevation: e, width: width, height: height, level: level, seeds: seeds, stripRows: rows)
            let differing = zip(expected, strips.depths).filter { a, b in !(a == b || (a.isNaN && b.isNaN)) }.count
            #expect(differing == 0, "\(differing) cells differ with strips of \(rows) rows", sourceLocation: sourceLocation)
            #expect(strips.flooded == flooded, "strips of \(rows) rows", sourceLocation: sourceLocation)
            #expect(strips.deepest == deepest, "strips of \(rows) rows", sourceLocation: sourceLocation)
        }
    }

    @Test func randomDEMsWithEveryEdgeAndSeaMasks() {
        var random = SeededGenerator(seed: 14)
        var floodedSome = 0, keptDrySome = 0
        for trial in 0..<300 {
            let width = Int.random(in: 1...23, using: &random), height = Int.random(in: 1...23, using: &random)
            let nanShare = trial % 3 == 0 ? 0.1 : 0
            let e = (0..<width * height).map { _ in
                Double.random(in: 0..<1, using: &random) < nanShare ? .nan : Double.random(in: -2...3, using: &random).rounded(toPlaces: 1)
            }
            let level = Double.random(in: -1...2, using: &random).rounded(toPlaces: 1)
            let seeds: CoastalInundation.Seeds
            if trial % 4 == 3 {
                let share = Double.random(in: 0...0.1, using: &random)
                seeds = .mask((0..<width * height).map { _ in Double.random(in: 0..<1, using: &random) < share })
            } else {
                seeds = .edges(Set(CoastalInundation.Edge.allCases.filter { _ in Bool.random(using: &random) }))
            }
            let (reference, flooded) = CoastalInundation.depths(elevation: e, width: width, height: height, level: level, seeds: seeds)
            if flooded > 0 { floodedSome += 1 }
            if zip(e, reference).contains(where: { $0 < level && $1 == 0 }) { keptDrySome += 1 }
            expectSame(e, width: width, height: height, level: level, seeds: seeds, stripRows: [1, 2, 3, Int.random(in: 4...25, using: &random)])
        }
        // The cases are not trivial: water spreads, and cells below the level stay dry for want of a link.
        #expect(floodedSome > 100)
        #expect(keptDrySome > 50)
    }

    @Test func eachEdgeAlone() {
        var random = SeededGenerator(seed: 7)
        let width = 17, height = 13
        let e = (0..<width * height).map { _ in Double.random(in: -1...2, using: &random) }
        for edge in CoastalInundation.Edge.allCases {
            expectSame(e, width: width, height: height, level: 0.5, seeds: .edges([edge]), stripRows: [1, 2, 3, 5, 13])
        }
    }

    /// A spiral channel (0 m) in walls (5 m), open to the sea at one end only: the water winds through every
    /// strip several times, down and back up, before reaching the centre.
    @Test func aSpiralFloodsToItsCentre() {
        let n = 21
        var e = [Double](repeating: 5, count: n * n)
        // Carved two cells at a time, turning right where the corridor would meet itself: one-cell walls.
        var (r, c) = (1, 1), direction = 0, turns = 0
        let steps = [(0, 1), (1, 0), (0, -1), (-1, 0)]
        func carvable(_ row: Int, _ column: Int) -> Bool { row >= 1 && row < n - 1 && column >= 1 && column < n - 1 && e[row * n + column] != 0 }
        e[r * n + c] = 0
        while turns < 2 {
            let (dr, dc) = steps[direction]
            if carvable(r + 2 * dr, c + 2 * dc) {
                e[(r + dr) * n + c + dc] = 0
                e[(r + 2 * dr) * n + c + 2 * dc] = 0
                r += 2 * dr
                c += 2 * dc
                turns = 0
            } else {
                direction = (direction + 1) % 4
                turns += 1
            }
        }
        let centre = r * n + c
        e[1 * n + 0] = 0 // the mouth, on the west edge
        let (reference, flooded) = CoastalInundation.depths(elevation: e, width: n, height: n, level: 1, seeds: .edges([.west]))
        #expect(flooded == e.filter { $0 == 0 }.count)
        #expect(reference[centre] == 1)
        expectSame(e, width: n, height: n, level: 1, seeds: .edges([.west]), stripRows: [1, 2, 3, 4, 7])
        // Closing the mouth keeps the whole spiral dry.
        e[1 * n + 0] = 5
        let closed = StripInundation.depths(elevation: e, width: n, height: n, level: 1, seeds: .edges([.west]), stripRows: 1)
        #expect(closed.flooded == 0)
    }

    /// U-shapes: two arms that meet only far below, so within each strip they are separate components.
    @Test func uShapesJoinOnlyAtTheirBottom() {
        let width = 7, height = 12
        var e = [Double](repeating: 5, count: width * height)
        for r in 0..<height - 1 { e[r * width + 1] = 0; e[r * width + 5] = 0 }
        for c in 1...5 { e[(height - 2) * width + c] = 0 }
        e[0 * width + 1] = 0
        // The sea touches only the left arm's top (a mask), the right arm floods through the bottom.
        var mask = [Bool](repeating: false, count: width * height)
        mask[1] = true
        let (reference, _) = CoastalInundation.depths(elevation: e, width: width, height: height, level: 1, seeds: .mask(mask))
        #expect(reference[5] == 1)
        expectSame(e, width: width, height: height, level: 1, seeds: .mask(mask), stripRows: [1, 2, 3, 5])
        // Joined by a diagonal step only at the bottom: still connected (8 neighbours).
        e[(height - 2) * width + 3] = 5
        e[(height - 1) * width + 3] = 0
        e[(height - 2) * width + 2] = 0
        e[(height - 2) * width + 4] = 0
        expectSame(e, width: width, height: height, level: 1, seeds: .mask(mask), stripRows: [1, 2, 3])
    }

    /// A perfect maze (every corridor cell linked to the entrance by exactly one path) winds up and down
    /// across strips everywhere; a sealed room inside stays dry.
    @Test func aMazeFloodsEveryCorridor() {
        var random = SeededGenerator(seed: 3)
        let cellsAcross = 15, n = 2 * cellsAcross + 1
        var e = [Double](repeating: 5, count: n * n)
        var visited = [Bool](repeating: false, count: cellsAcross * cellsAcross)
        var stack = [(0, 0)]
        visited[0] = true
        e[1 * n + 1] = -1
        while let (r, c) = stack.last {
            let options = [(0, 1), (1, 0), (0, -1), (-1, 0)].map { (r + $0.0, c + $0.1) }
                .filter { $0.0 >= 0 && $0.0 < cellsAcross && $0.1 >= 0 && $0.1 < cellsAcross && !visited[$0.0 * cellsAcross + $0.1] }
            guard let (nr, nc) = options.randomElement(using: &random) else { stack.removeLast(); continue }
            visited[nr * cellsAcross + nc] = true
            e[(2 * nr + 1) * n + 2 * nc + 1] = -1
            e[(r + nr + 1) * n + c + nc + 1] = -1
            stack.append((nr, nc))
        }
        e[1 * n + 0] = -1 // the entrance, on the west edge
        let corridors = e.filter { $0 < 0 }.count
        let (_, flooded) = CoastalInundation.depths(elevation: e, width: n, height: n, level: 0, seeds: .edges([.west]))
        #expect(flooded == corridors)
        expectSame(e, width: n, height: n, level: 0, seeds: .edges([.west]), stripRows: [1, 2, 3, 8])
        // Walls hold the water out when the level stays below them, and rise into it when above.
        expectSame(e, width: n, height: n, level: 6, seeds: .edges([.west]), stripRows: [1, 3])
        expectSame(e, width: n, height: n, level: -2, seeds: .edges([.west]), stripRows: [1, 3])
    }

    @Test func onlyBoundaryComponentsOutliveTheirStrip() {
        // A grid of isolated low cells: every strip's interior ones are counted and forgotten.
        let width = 20, height = 30
        let e = (0..<width * height).map { i in (i / width) % 2 == 1 && (i % width) % 2 == 1 ? -1.0 : 5 }
        var labeler = StripLabeler()
        var merger = StripMerger(width: width)
        for s in 0..<3 {
            let cells = Array(e[s * 10 * width..<(s + 1) * 10 * width])
            labeler.label(cells, width: width, level: 0, seeds: StripSeeds(mask: [Bool](repeating: true, count: cells.count)))
            #expect(labeler.componentCount == 50)
            merger.add(labeler.summary())
        }
        // Only the last row of each 10-row strip holds low cells (rows 1, 3, ..., 9): 10 boundary components a strip.
        #expect(merger.boundaryComponents == 30)
        #expect(merger.finish().flooded == 150)
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var factor = 1.0
        for _ in 0..<places { factor *= 10 }
        return (self * factor).rounded() / factor
    }
}
