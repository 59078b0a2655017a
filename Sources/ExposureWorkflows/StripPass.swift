import ExposureCore
import Foundation

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
        try OrderedPipeline.run(count: count, threads: threads, makeState: makeState, work: work, consume: consume)
    }
}
