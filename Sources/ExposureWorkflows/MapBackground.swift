import Drawing
import ExposureCore
import Foundation
import GDALSwift
import Localization
import Maps

/// A raster drawn under a map's regions, brought onto the map frame's grid by gdalwarp:
/// - a scene as true colour (bands given by `--rgb`, or declared red, green and blue), each band stretched
///   between its 2nd and 98th percentile over what the frame shows;
/// - a categorical raster (our water and flood masks) in its colour table, only its non-zero classes;
/// - any other single band as a blue ramp between its 2nd and 98th percentile, zero transparent when the
///   values are never negative (a depth's dry land).
struct MapBackgroundSource {
    enum Kind: Equatable {
        case trueColour(red: Int, green: Int, blue: Int)
        case categories(colours: [String], names: [String])
        case continuous(unit: String)
    }

    let path: String
    let kind: Kind
    let bandCount: Int

    static let rampColours = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]

    init(path: String, rgb: [Int]?) throws {
        self.path = path
        let dataset = try Dataset.open(path, kinds: .raster)
        let bandCount = dataset.bandCount
        self.bandCount = bandCount
        guard bandCount > 0 else { throw ExposureError("--background: has no raster band", path: path) }
        guard try dataset.spatialReference() != nil, try dataset.geoTransform() != nil else {
            throw ExposureError("--background: the raster has no CRS or no georeferencing, so it cannot be placed on the map", path: path)
        }
        if let rgb {
            guard rgb.count == 3, rgb.allSatisfy({ (1...bandCount).contains($0) }) else {
                throw ExposureError("--rgb \(rgb.map(String.init).joined(separator: ",")): give three band numbers between 1 and \(bandCount)", path: path)
            }
            kind = .trueColour(red: rgb[0], green: rgb[1], blue: rgb[2])
            return
        }
        let bands = try (1...bandCount).map { try dataset.band($0) }
        let interpretations = try bands.map { try $0.colorInterpretation }
        if let r = interpretations.firstIndex(of: .red), let g = interpretations.firstIndex(of: .green),
           let b = interpretations.firstIndex(of: .blue) {
            kind = .trueColour(red: r + 1, green: g + 1, blue: b + 1)
            return
        }
        guard bandCount < 3 else {
            throw ExposureError("--background: the scene has \(bandCount) bands and does not say which are red, green and blue; give them with --rgb R,G,B (Landsat 7: --rgb 3,2,1; Landsat 8 and 9: 4,3,2; Sentinel-2: 4,3,2)", path: path)
        }
        let colours = try bands[0].colourTable
        let names = try bands[0].categoryNames
        if !colours.isEmpty || !names.isEmpty {
            kind = .categories(colours: colours, names: names)
        } else {
            kind = .continuous(unit: try bands[0].unitType)
        }
    }

    var kindName: String {
        switch kind {
        case .trueColour: "true colour"
        case .categories: "categories"
        case .continuous: "continuous"
        }
    }

    /// The raster as an image of `width` x `height` pixels covering `extent` of the map CRS `crs`, with its legend.
    func render(extent: MapExtent, width: Int, height: Int, crs: SpatialReference, catalog: Catalog,
                numbers: NumberStyle) throws -> MapDocument.Background {
        let source = try Dataset.open(path, kinds: .raster)
        let resampling: String = if case .categories = kind { "near" } else { "bilinear" }
        let warped = try Utilities.warp(source, arguments: [
            "-of", "MEM", "-t_srs", try crs.wkt(),
            "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
            "-ts", "\(width)", "\(height)", "-r", resampling, "-dstalpha", "-q",
        ])
        let alpha = try warped.band(warped.bandCount).readAll(as: Double.self)
        guard alpha.contains(where: { $0 > 0 }) else {
            throw ExposureError("--background: the raster covers no part of the map (another place, or a CRS that does not say where it is)", path: path)
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let legend: MapDocument.Background.Legend
        switch kind {
        case .trueColour(let r, let g, let b):
            for (channel, band) in [r, g, b].enumerated() {
                let values = try warped.band(band).readAll(as: Double.self)
                let (low, high) = Self.percentiles(values, valid: alpha, 0.02, 0.98)
                let span = max(high - low, 1e-12)
                for i in values.indices where alpha[i] > 0 {
                    rgba[i * 4 + channel] = UInt8(max(0, min(255, ((values[i] - low) / span * 255).rounded())))
                }
            }
            for i in alpha.indices where alpha[i] > 0 { rgba[i * 4 + 3] = 255 }
            legend = .note(catalog.text("background.true_colour", ["name": name]))
        case .categories(let colours, let names):
            let values = try warped.band(1).readAll(as: Double.self)
            var present = Set<Int>()
            for i in values.indices where alpha[i] > 0 && values[i] >= 1 {
                let v = Int(values[i])
                let colour = colours.indices.contains(v) ? Colour(hex: colours[v]) : Colour(hex: "#2171b5")
                guard let colour, colour.alpha > 0 else { continue }
                present.insert(v)
                rgba[i * 4] = UInt8((colour.red * 255).rounded())
                rgba[i * 4 + 1] = UInt8((colour.green * 255).rounded())
                rgba[i * 4 + 2] = UInt8((colour.blue * 255).rounded())
                rgba[i * 4 + 3] = UInt8((colour.alpha * 255).rounded())
            }
            let items = present.sorted().map { v -> MapDocument.LegendClass in
                let raw = names.indices.contains(v) && !names[v].isEmpty ? names[v] : String(v)
                let label = switch raw {
                case "water": catalog.text("background.water")
                case "flooded": catalog.text("background.flooded")
                default: raw
                }
                let colour = colours.indices.contains(v) ? Colour(hex: colours[v]) : nil
                return MapDocument.LegendClass(colour: colour ?? Colour(hex: "#2171b5")!, label: label)
            }
            legend = .swatches(title: catalog.text("background.value", ["name": name]), items)
        case .continuous(let unit):
            let values = try warped.band(1).readAll(as: Double.self)
            let neverNegative = !values.indices.contains { alpha[$0] > 0 && values[$0] < 0 }
            // Dry land (0) is not drawn for a depth; the ramp spans the wet values.
            let valid = alpha.indices.map { alpha[$0] > 0 && (!neverNegative || values[$0] > 0) ? 1.0 : 0.0 }
            let (low, high) = Self.percentiles(values, valid: valid, 0.02, 0.98)
            let ramp = Self.rampColours.compactMap { Colour(hex: $0) }
            let span = max(high - low, 1e-12)
            for i in values.indices where valid[i] > 0 {
                let t = max(0, min(1, (values[i] - low) / span))
                let c = Self.interpolate(ramp, t)
                rgba[i * 4] = UInt8((c.red * 255).rounded())
                rgba[i * 4 + 1] = UInt8((c.green * 255).rounded())
                rgba[i * 4 + 2] = UInt8((c.blue * 255).rounded())
                rgba[i * 4 + 3] = 230
            }
            let unitText = unit.isEmpty ? "" : " (\(unit))"
            let digits = max(0, min(3, 2 - Int(floor(log10(max(abs(high), 1e-9))))))
            legend = .ramp(title: catalog.text("background.value", ["name": name]) + unitText, colours: ramp,
                           low: numbers.format(low, decimals: digits), high: numbers.format(high, decimals: digits))
        }
        return MapDocument.Background(rgba: rgba, width: width, height: height, extent: extent,
                                      smooth: !isCategorical, legend: legend)
    }

    private var isCategorical: Bool { if case .categories = kind { true } else { false } }

    /// The `p`-th and `q`-th quantiles of the values where `valid` is above zero (0, 1 when none is).
    static func percentiles(_ values: [Double], valid: [Double], _ p: Double, _ q: Double) -> (Double, Double) {
        var chosen: [Double] = []
        chosen.reserveCapacity(values.count)
        for i in values.indices where valid[i] > 0 && values[i].isFinite { chosen.append(values[i]) }
        guard !chosen.isEmpty else { return (0, 1) }
        chosen.sort()
        let at = { (f: Double) in chosen[min(chosen.count - 1, max(0, Int((f * Double(chosen.count - 1)).rounded())))] }
        return (at(p), at(q))
    }

    static func interpolate(_ ramp: [Colour], _ t: Double) -> Colour {
        let position = t * Double(ramp.count - 1)
        let i = min(Int(position), ramp.count - 2), f = position - Double(i)
        let a = ramp[i], b = ramp[i + 1]
        return Colour(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f, blue: a.blue + (b.blue - a.blue) * f)
    }
}
