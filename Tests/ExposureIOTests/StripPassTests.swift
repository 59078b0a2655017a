import Testing
@testable import ExposureWorkflows

/// StripPass's error paths: an error in `consume` or in a worker, with results queued, is thrown (it once
/// trapped in libdispatch, a semaphore freed below its initial value).
@Suite struct StripPassTests {
    struct Stop: Error {}

    @Test(arguments: [1, 2, 4])
    func anErrorInConsumeIsThrown(threads: Int) {
        #expect(throws: Stop.self) {
            try StripPass.run(count: 16, threads: threads, makeState: { 0 }, work: { _, index in index }, consume: { index, _ in
                if index == 0 { throw Stop() }
            })
        }
    }

    @Test(arguments: [1, 2, 4])
    func anErrorInAWorkerIsThrown(threads: Int) {
        #expect(throws: Stop.self) {
            try StripPass.run(count: 32, threads: threads, makeState: { 0 }, work: { _, index in
                if index == 5 { throw Stop() }
                return index
            }, consume: { _, _ in })
        }
    }

    @Test func everyResultIsConsumedInOrder() throws {
        var seen: [Int] = []
        try StripPass.run(count: 50, threads: 3, makeState: { 0 }, work: { _, index in index * 2 }, consume: { index, value in
            #expect(value == index * 2)
            seen.append(index)
        })
        #expect(seen == Array(0..<50))
    }
}
