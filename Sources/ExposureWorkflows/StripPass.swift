import Dispatch
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
    /// `state` from `makeState`, made on that thread: its own GDAL handles), and `consume(index, result)` on the
    /// calling thread in index order. The first error (of a worker or of `consume`) stops the pass and is thrown
    /// once every worker has stopped.
    static func run<State, Result: Sendable>(
        count: Int, threads: Int,
        makeState: @escaping @Sendable () throws -> State,
        work: @escaping @Sendable (inout State, Int) throws -> Result,
        consume: (Int, Result) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let ahead = 2 * workers
        let next = Mutex(0)
        let failure = Mutex<(any Error)?>(nil)
        let results = Mutex([Int: Result]())
        // Made at 0 and raised to `ahead`: libdispatch traps when a semaphore is freed below its initial value,
        // which an error could leave it at (as OrderedPipeline explains).
        let room = DispatchSemaphore(value: 0)
        for _ in 0..<ahead { room.signal() }
        let ready = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                do {
                    var state = try makeState()
                    while true {
                        room.wait()
                        let index: Int? = next.withLock { value in
                            guard value < count, failure.withLock({ $0 == nil }) else { return nil }
                            defer { value += 1 }
                            return value
                        }
                        guard let index else {
                            room.signal()
                            break
                        }
                        let result = try work(&state, index)
                        results.withLock { $0[index] = result }
                        ready.signal()
                    }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    ready.signal()
                    room.signal()
                }
            }
        }
        do {
            for index in 0..<count {
                var result: Result?
                while result == nil {
                    if let error = failure.withLock({ $0 }) { throw error }
                    result = results.withLock { $0.removeValue(forKey: index) }
                    if result == nil { ready.wait() }
                }
                try consume(index, result!)
                room.signal()
            }
        } catch {
            failure.withLock { if $0 == nil { $0 = error } }
            for _ in 0..<workers { room.signal() }
            group.wait()
            throw failure.withLock { $0 } ?? error
        }
        group.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
