import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import GDALSwift
import Imagery
import Synchronization

@main
struct Exposure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "People exposed to floods, storm surge, sea-level rise and other hazards, region by region.",
        discussion: """
            Reads population grids, hazard layers, satellite scenes and administrative regions through GDAL and PROJ, and reports per region how many people are exposed and likely displaced.

            Examples:
              exposure info sample-rasters/population.tif
              exposure info sample-rasters/municipalities.geojson --json
            """,
        version: ExposureVersionInfo.version,
        subcommands: [Info.self, Analyze.self, Merge.self, Run.self, Grid.self, Inundate.self, Water.self, FloodExtent.self, Index.self, Map.self, Report.self]
    )

    /// Runs the command; errors about the user's input are printed as `error: ...` with exit code 1.
    static func main() {
        GDALEnvironment.silenceUncheckedMessages()
        do {
            var command = try parseAsRoot()
            try command.run()
            ChecksumPrefetch.shared.cancelAndWait()
            Diagnostics.printLibraryWarnings()
        } catch let error as GDALError {
            fail(error.description)
        } catch let error as ExposureError {
            fail(error.description)
        } catch let error as ImageryError {
            fail(error.description)
        } catch let error as ExitCode {
            ChecksumPrefetch.shared.cancelAndWait()
            Exposure.exit(withError: error)
        } catch {
            // Checksums still being computed are stopped first: libcrypto is torn down at exit.
            ChecksumPrefetch.shared.cancelAndWait()
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // Anything else that is not a usage mistake (a Foundation error): its reason in plain words.
            if code != .validationFailure { fail(OutputSet.reason(error)) }
            // Usage mistakes: ArgumentParser's message and usage, but starting "error:" like every other error.
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            writeToStandardError(message + "\n")
            Exposure.exit(withError: code)
        }
    }

    private static func fail(_ message: String) -> Never {
        ChecksumPrefetch.shared.cancelAndWait()
        Diagnostics.printLibraryWarnings()
        writeToStandardError("error: \(message)\n")
        Exposure.exit(withError: ExitCode(1))
    }
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress bar and no warnings; errors are still printed.")
    var quiet = false

    /// Library warnings (GDAL's, OGR's, PROJ's) are printed as the tool's own `warning:` lines unless quiet.
    func configureLogging() {
        Diagnostics.quiet.store(quiet, ordering: .relaxed)
    }
}

/// GDAL's warnings, printed as `warning: FILE: ...` lines like the tool's own, each once.
enum Diagnostics {
    static let quiet = Atomic<Bool>(false)

    static func printLibraryWarnings() {
        let warnings = GDALDiagnostics.drain()
        guard !quiet.load(ordering: .relaxed) else { return }
        for warning in warnings { writeToStandardError("warning: \(warning)\n") }
    }
}
