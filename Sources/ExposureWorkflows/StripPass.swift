import ExposureCore
import Foundation
import Synchronization

/// A pass over the windows of a grid on several threads, with results handed in window order to the calling
/// thread (which alone writes outputs: a GDAL dataset is used by one thread at a time). Workers run at most
/// `ahead` windows ahead of the consumer, so memory stays at a few windows per thread whatever the grid's size.
enum StripPass {
    /// Windows of whole output tiles: `rows` high (the writer's tile height) and a multiple of `rows` wide,
    /// about `targetCells` cells, row-major.
    static func windows(grid: Grid, rows: Int = 256, targetCells: Int = 1 << 20) -> [GridWindow] {
        let height = max(1, min(rows, grid.height))
        let width = grid.width <= max(rows, targetCells / height) ? grid.width : max(rows, (targetCells / height) / rows * rows)
        var windows: [GridWindow] = []
        for row in stride(from: 0, to: grid.height, by: height) {
            for column in stride(from: 0, to: grid.width, by: width) {
                windows.append(GridWindow(column: column, row: row, width: min(width, grid.width - column), height: min(height, grid.height - row)))
            }
        }
        return windows
    }

    /// Runs `work(&state, index)` for every index below `count` on up to `threads` threads (each with its own
    /// `state`, its own GDAL handles) and `consume(index, result)` on the calling thread in index order, at most
    /// two windows per thread ahead: ``OrderedPipeline/run(count:threads:ahead:makeState:work:consume:)``.
    static func run<State, Result: Sendable>(
        count: Int, threads: Int,
        makeState: @escaping @Sendable () throws -> State,
        work: @escaping @Sendable (inout State, Int) throws -> Result,
        consume: (Int, Result) throws -> Void
    ) throws {
        let progress = PassProgress.current, pass = PassProgress.current?.beginPass()
        var done = 0
        try OrderedPipeline.run(count: count, threads: threads, makeState: makeState, work: work, consume: { index, result in
            try consume(index, result)
            done += 1
            if let progress, let pass { progress.update(pass: pass, done: done, of: count) }
        })
    }
}

/// A command's progress over its passes of strips (``StripPass/run(count:threads:makeState:work:consume:)``
/// reports each consumed strip to the one bound to ``current``), each pass an equal share of one bar. `passes`
/// is how many the command expects; a pass beyond them stretches the bar, which never moves back.
public final class PassProgress: Sendable {
    @TaskLocal static var current: PassProgress?

    private let report: ProgressReport
    private let state: Mutex<(passes: Int, started: Int, shown: Double)>

    init(passes: Int, report: @escaping ProgressReport) {
        self.report = report
        state = Mutex((max(1, passes), 0, 0))
    }

    /// Runs `body` with its strip passes reported to `report` (nothing when nil).
    static func reporting<T>(passes: Int, to report: ProgressReport?, _ body: () throws -> T) rethrows -> T {
        guard let report else { return try body() }
        return try $current.withValue(PassProgress(passes: passes, report: report), operation: body)
    }

    /// Starts the next pass; returns its index.
    func beginPass() -> Int {
        state.withLock { s in
            defer { s.started += 1 }
            if s.started >= s.passes { s.passes = s.started + 1 }
            return s.started
        }
    }

    /// `done` of the pass's `total` strips are finished.
    func update(pass: Int, done: Int, of total: Int) {
        let fraction = state.withLock { s -> Double in
            s.shown = max(s.shown, (Double(pass) + Double(done) / Double(max(1, total))) / Double(s.passes))
            return s.shown
        }
        report(fraction)
    }
}
