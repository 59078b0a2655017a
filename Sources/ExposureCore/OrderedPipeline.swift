import Dispatch
import Synchronization

/// Work on items `0..<count` spread over background threads, results handed back on the calling thread in
/// item order: for passes whose items (strips) can be computed in any order but must be merged or written
/// in order, by one thread (a GDAL writer is used by one thread at a time).
public enum OrderedPipeline {
    private struct State<Result> {
        var next = 0
        var results: [Int: Result] = [:]
        var error: (any Error)?
        var stop = false
    }

    /// The state the threads share (a class, so escaping closures can hold the lock).
    private final class Shared<Result: Sendable>: Sendable {
        let state = Mutex(State<Result>())
    }

    /// Runs `work(&state, item)` on `threads` background threads, each with its own `state` made once on
    /// that thread by `makeState` (e.g. its own GDAL handles), and calls `consume(item, result)` on the
    /// calling thread for items 0, 1, 2, ... in order. At most `ahead` items are computed or waiting beyond
    /// the one being consumed, which bounds memory. The first error (of a worker or of `consume`) stops the
    /// work and is thrown once every worker has stopped.
    public static func run<WorkerState, Result: Sendable>(
        count: Int, threads: Int, ahead: Int? = nil,
        makeState: @escaping @Sendable () throws -> WorkerState,
        work: @escaping @Sendable (inout WorkerState, Int) throws -> Result,
        consume: (Int, Result) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let window = max(workers, ahead ?? 2 * workers)
        let shared = Shared<Result>()
        // Both semaphores start at 0 and are only signalled up (libdispatch refuses to free a semaphore left
        // below its starting value).
        let slots = DispatchSemaphore(value: 0)
        for _ in 0..<window { slots.signal() }
        let ready = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                do {
                    var state = try makeState()
                    while true {
                        slots.wait()
                        let item: Int? = shared.state.withLock { s in
                            guard !s.stop, s.next < count else { return nil }
                            defer { s.next += 1 }
                            return s.next
                        }
                        guard let item else {
                            slots.signal()
                            break
                        }
                        let result = try work(&state, item)
                        shared.state.withLock { $0.results[item] = result }
                        ready.signal()
                    }
                } catch {
                    shared.state.withLock { s in
                        if s.error == nil { s.error = error }
                        s.stop = true
                    }
                    ready.signal()
                }
            }
        }
        defer {
            shared.state.withLock { $0.stop = true }
            for _ in 0..<workers { slots.signal() }
            group.wait()
        }
        var next = 0
        while next < count {
            let (result, error): (Result?, (any Error)?) = shared.state.withLock { s in
                if let result = s.results.removeValue(forKey: next) { return (result, nil) }
                return (nil, s.error)
            }
            if let result {
                do {
                    try consume(next, result)
                } catch {
                    shared.state.withLock { $0.stop = true }
                    throw error
                }
                next += 1
                slots.signal()
            } else if let error {
                throw error
            } else {
                ready.wait()
            }
        }
    }
}
