import ArgumentParser
import ExposureCore
import ExposureIO
import GDALSwift
import Imagery
import Logging

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
        subcommands: [Info.self, Analyze.self, Run.self, Grid.self, Inundate.self, Water.self, FloodExtent.self, Index.self]
    )

    /// Runs the command; errors about the user's input are printed as `error: ...` with exit code 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as GDALError {
            fail(error.description)
        } catch let error as ExposureError {
            fail(error.description)
        } catch let error as ImageryError {
            fail(error.description)
        } catch let error as ExitCode {
            Exposure.exit(withError: error)
        } catch {
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
        writeToStandardError("error: \(message)\n")
        Exposure.exit(withError: ExitCode(1))
    }
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress bar and no warnings; errors are still printed.")
    var quiet = false

    /// Sends library warnings (GDAL's included) to stderr unless quiet.
    func configureLogging() {
        let level: Logger.Level = quiet ? .error : .warning
        LoggingBootstrap.once(level: level)
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    /// swift-log may be bootstrapped once per process; the CLI runs one command per process.
    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
