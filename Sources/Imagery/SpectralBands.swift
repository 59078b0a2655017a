/// The reflective bands the indices use.
public enum SpectralBand: String, Sendable, CaseIterable {
    case blue, green, red, nir, swir1, swir2
}

/// Where each band sits (1-based) in a multiband file: a sensor's usual stack, or bands named one by one.
public struct BandLayout: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let positions: [SpectralBand: Int]

    public init(name: String, positions: [SpectralBand: Int]) {
        self.name = name
        self.positions = positions
    }

    /// Sensor presets: the band order of the usual reflective stacks.
    public static let sensors: [BandLayout] = {
        let tmETM: [SpectralBand: Int] = [.blue: 1, .green: 2, .red: 3, .nir: 4, .swir1: 5, .swir2: 6]
        let oli: [SpectralBand: Int] = [.blue: 2, .green: 3, .red: 4, .nir: 5, .swir1: 6, .swir2: 7]
        let msi: [SpectralBand: Int] = [.blue: 2, .green: 3, .red: 4, .nir: 8, .swir1: 11, .swir2: 12]
        return [
            BandLayout(name: "landsat5", positions: tmETM),
            BandLayout(name: "landsat7", positions: tmETM),
            BandLayout(name: "landsat8", positions: oli),
            BandLayout(name: "landsat9", positions: oli),
            BandLayout(name: "sentinel2", positions: msi),
        ]
    }()

    /// What each preset expects, for help texts and docs.
    public static let sensorSummary = """
        landsat5, landsat7: TM/ETM+ reflective stack B1-B5, B7 (blue, green, red, NIR, SWIR1, SWIR2 = bands 1-6)
        landsat8, landsat9: OLI stack B1-B7 (coastal, blue, green, red, NIR, SWIR1, SWIR2 = bands 1-7)
        sentinel2: MSI L2A stack B1-B8, B8A, B9, B11, B12 (green 3, red 4, NIR 8, SWIR1 11, SWIR2 12)
        """

    public static func sensor(_ name: String) throws -> BandLayout {
        guard let layout = sensors.first(where: { $0.name == name.lowercased() }) else {
            throw ImageryError("unknown sensor '\(name)'; sensors: \(sensors.map(\.name).joined(separator: ", ")) (or give --bands green=2,nir=4,...)")
        }
        return layout
    }

    /// Parses `green=2,nir=4,swir1=5`.
    public static func parse(_ text: String) throws -> BandLayout {
        var positions: [SpectralBand: Int] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let band = SpectralBand(rawValue: pair[0].lowercased()), let index = Int(pair[1]), index >= 1 else {
                throw ImageryError("--bands: '\(part)' is not NAME=NUMBER with NAME one of \(SpectralBand.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            positions[band] = index
        }
        return BandLayout(name: "custom", positions: positions)
    }

    public func position(of band: SpectralBand) throws -> Int {
        guard let position = positions[band] else {
            throw ImageryError("the band layout '\(name)' does not say where the \(band.rawValue) band is (add \(band.rawValue)=N to --bands)")
        }
        return position
    }

    public var description: String {
        SpectralBand.allCases.compactMap { band in positions[band].map { "\(band.rawValue)=\($0)" } }.joined(separator: ",")
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension Set where Element == Character {
    static let whitespaces: Set<Character> = [" ", "\t"]
}

/// A problem with imagery input or parameters.
public struct ImageryError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
