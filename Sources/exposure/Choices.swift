import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Imagery
import Localization

// Options with fixed choices parse into these types: `--help` lists the choices and a typo is a usage
// error naming the option and the choices.

extension FloodExtentOptions.Kind: ExpressibleByArgument, CaseIterable {
    public static var allCases: [Self] { [.optical, .sar] }
}

extension SARFloodDetection.Units: ExpressibleByArgument, CaseIterable {
    public static var allCases: [Self] { [.linear, .db] }
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension SpectralIndex: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension CoastalInundation.Edge: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// The speckle filter of SAR flood mapping.
enum SpeckleChoice: String, CaseIterable, ExpressibleByArgument {
    case lee, median, none
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// A hazard preset by name (docs/methodology.md lists them).
struct PresetName: ExpressibleByArgument {
    let preset: HazardPreset
    init?(argument: String) {
        guard let preset = try? HazardPreset.named(argument) else { return nil }
        self.preset = preset
    }
    static var allValueStrings: [String] { HazardPreset.all.map(\.name) }
}

/// A sensor's band order.
struct SensorName: ExpressibleByArgument {
    let name: String
    init?(argument: String) {
        guard (try? BandLayout.sensor(argument)) != nil else { return nil }
        name = argument.lowercased()
    }
    static var allValueStrings: [String] { BandLayout.sensors.map(\.name) }
}

// exposure map

enum LanguageChoice: String, CaseIterable, ExpressibleByArgument {
    case en, es, pt, fr
    var language: Language { Language(rawValue: rawValue)! }
    init?(argument: String) {
        guard let language = Language(code: argument) else { return nil }
        self.init(rawValue: language.rawValue)
    }
}

enum DecimalChoice: String, CaseIterable, ExpressibleByArgument {
    case comma, point

    /// The language's own grouping beside the mark asked for (French groups with a narrow space).
    func style(for language: Language) -> NumberStyle {
        self == .comma
            ? NumberStyle(decimalSeparator: ",", groupingSeparator: language == .fr ? "\u{202F}" : ".")
            : NumberStyle(decimalSeparator: ".", groupingSeparator: ",")
    }
}

enum PaperChoice: String, CaseIterable, ExpressibleByArgument {
    case a4 = "A4", a3 = "A3", letter
    var paper: MapOptions.Paper { MapOptions.Paper(rawValue: rawValue)! }
    init?(argument: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else { return nil }
        self = match
    }
}

enum OrientationChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, landscape, portrait
    var orientation: MapOptions.Orientation { MapOptions.Orientation(rawValue: rawValue)! }
}
