#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Synchronization

/// A progress bar on stderr: `label [#####.....]  42%  12.3 s`. Silent when stderr is not a terminal or
/// when `quiet`; safe to update from several threads.
final class TerminalProgress: Sendable {
    private struct State {
        var fraction = 0.0
        var lastDrawn = -1.0
        var lastDrawTime = 0.0
        var finished = false
    }

    private let label: String
    private let enabled: Bool
    private let start: Double
    private let state = Mutex(State())

    init(label: String, quiet: Bool) {
        self.label = label
        self.enabled = !quiet && isatty(STDERR_FILENO) != 0
        self.start = TerminalProgress.now()
    }

    /// Sets the fraction done (0...1). Redraws at most ten times a second.
    func update(_ fraction: Double) {
        guard enabled else { return }
        let now = TerminalProgress.now()
        state.withLock { s in
            guard !s.finished else { return }
            s.fraction = min(max(fraction, 0), 1)
            if s.fraction < 1, now - s.lastDrawTime < 0.1, s.fraction - s.lastDrawn < 0.05 { return }
            s.lastDrawTime = now
            s.lastDrawn = s.fraction
            draw(s.fraction, elapsed: now - start)
        }
    }

    /// Draws the final state and moves to a new line.
    func finish() {
        guard enabled else { return }
        state.withLock { s in
            guard !s.finished else { return }
            s.finished = true
            draw(1, elapsed: TerminalProgress.now() - start)
            writeToStandardError("\n")
        }
    }

    private func draw(_ fraction: Double, elapsed: Double) {
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int(fraction * 100)
        let seconds = (elapsed * 10).rounded() / 10
        writeToStandardError("\r\(label) [\(bar)] \(percent)%  \(seconds) s")
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension TerminalProgress {
    /// The closure a workflow reports its progress through (fraction done, 0...1).
    var report: ProgressReport { { [self] fraction in update(fraction) } }
}
