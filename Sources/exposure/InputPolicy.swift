import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import Imagery

/// Range checks shared by the commands' `validate()`: a wrong value stops the command before any work,
/// naming the option.
enum InputPolicy {
    /// At most this many worker threads: more than any laptop or node has, few enough to never exhaust the process.
    static let maxThreads = 1024

    static func threads(_ threads: Int?) throws {
        guard let threads else { return }
        guard (1...maxThreads).contains(threads) else {
            throw ValidationError("--threads must be between 1 and \(maxThreads) (got \(threads))")
        }
    }

    static func share(_ value: Double, option: String) throws {
        guard value.isFinite, value >= 0, value < 1 else {
            throw ValidationError("\(option) is a share from 0 to below 1, e.g. 0.05 for 5 % (got \(value))")
        }
    }

    /// `otsu` or a finite number, for --threshold.
    static func threshold(_ text: String) throws -> ThresholdChoice {
        do {
            return try ThresholdChoice(parsing: text)
        } catch let error as ImageryError {
            throw ExposureError("--threshold: \(error.message)")
        }
    }

    static func band(_ band: Int, option: String) throws {
        guard (1...65_535).contains(band) else { throw ValidationError("\(option) must be a band number, 1 or more (got \(band))") }
    }
}

import GDALSwift

extension InputPolicy {
    /// A CRS option is checked when given, even if no input needs it: a typo must not wait for the day a
    /// file without a CRS turns up.
    static func crs(_ definition: String?, option: String) throws {
        guard let definition else { return }
        do {
            _ = try SpatialReference(definition: definition)
        } catch let error as GDALError {
            throw ValidationError("\(option) '\(definition)' is not a CRS PROJ knows (\(error.message))")
        }
    }
}

/// Options of every command that makes a zonal pass: how many threads, and when a region's hazard data
/// count as incomplete.
struct PassOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Regions where the hazard is unknown for more than this share of people (0.05 = 5 %) are marked 'hazard data incomplete': hatched, named in the summary.")
    var unknownThreshold = AnalysisOptions.defaultUnknownThreshold

    func validate() throws {
        try InputPolicy.threads(threads)
        try InputPolicy.share(unknownThreshold, option: "--unknown-threshold")
    }

    /// The threads to use: as given, or all cores.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
