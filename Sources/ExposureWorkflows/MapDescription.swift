import Cartography
import Drawing
import ExposureProducts
import Foundation
import Localization
import Maps

/// `NAME.map.json`: what the map shows, so a report can reuse it and a reader can check it: the column and
/// its wording, the classification and every class (bounds, colour, label as printed, regions in it), the
/// hatched regions and the rule, each region's value and class, the CRS, the page and the frame (with the
/// world file of a PNG), the backgrounds and the sources.
struct MapDescription {
    let options: MapOptions
    let format: Canvas.Format
    /// What was decided before drawing (source, wording, classes, hatching, texts).
    let prepared: MapMaking.Prepared
    let placement: MapPlacement
    let pixelsPerPoint: Double
    let page: (Double, Double)

    private var source: MapSource { prepared.source }
    private var wording: ColumnWording { prepared.wording }
    private var texts: MapTexts { prepared.texts }
    private var classification: Classification { prepared.classification }
    private var colours: [String] { prepared.colours }
    private var labels: [String] { prepared.labels }
    private var layer: MapLayer { prepared.layer }
    private var hatched: Set<String> { prepared.hatched }
    private var threshold: Double { prepared.threshold }
    private var numbers: NumberStyle { prepared.numbers }
    private var backgrounds: [(path: String, kind: String)] { prepared.drawnBackgrounds.items }

    // The file's shape. Encodable (not JSONSerialization): a national map lists thousands of regions.
    struct File: Encodable {
        struct Numbers: Encodable { let decimalSeparator: String, groupingSeparator: String }
        struct Method: Encodable { let method: String, nonZeroClasses: Int, zeroClass: Bool, palette: String, rule: String }
        struct Class: Encodable { let `class`: Int, lower: Double, upper: Double, zero: Bool, colour: String, label: String, regions: Int }
        struct HatchedRegion: Encodable { let id: String, hazardUnknownShare: Double? }
        struct Hatched: Encodable { let rule: String, threshold: Double, available: Bool, regions: [HatchedRegion] }
        struct Region: Encodable {
            let id: String, value: Double?, `class`: Int?, hatched: Bool, hazardUnknownShare: Double?, label: String?
        }
        struct CRS: Encodable { let name: String, epsg: Int?, wkt: String }
        struct Page: Encodable { let widthPoints: Double, heightPoints: Double, dpi: Double?, pixelWidth: Int?, pixelHeight: Int? }
        struct Frame: Encodable { let x: Double, y: Double, width: Double, height: Double, extent: [Double], mapUnitsPerPoint: Double }
        struct Labels: Encodable { let drawn: Int, leftOut: Int }
        struct Background: Encodable { let path: String, kind: String }
        struct Source: Encodable { let role: String, path: String, sha256: String? }

        let map: String, format: String, input: String, layerFile: String, column: String, columnTitle: String, unit: String
        let scenario: String?
        let language: String, numbers: Numbers, title: String, subtitle: String?, footer: [String]
        let classification: Method, classes: [Class], noDataColour: String, regionOpacity: Double
        let hatched: Hatched, regions: [Region], crs: CRS, page: Page, frame: Frame, worldFile: [Double]?
        let labels: Labels, backgrounds: [Background], sources: [Source]
        let analysisDate: String?, manifest: String?, tool: String, createdAt: String
    }

    func json() throws -> Data {
        var counts = [Int](repeating: 0, count: classification.classes.count)
        let regions = layer.regions.map { r -> File.Region in
            let index = r.value.flatMap { classification.classIndex(of: $0) }
            if let index { counts[index] += 1 }
            return File.Region(id: r.id, value: r.value, class: index.map { $0 + 1 }, hatched: hatched.contains(r.id),
                               hazardUnknownShare: r.unknownShare, label: r.label)
        }
        let classes = classification.classes.indices.map { i in
            let c = classification.classes[i]
            return File.Class(class: i + 1, lower: c.lower, upper: c.upper, zero: c.isZero, colour: colours[i], label: labels[i], regions: counts[i])
        }
        let method: String = switch options.classes {
        case .method(let m): m.rawValue
        case .breaks: "fixed"
        }
        let png = format == .png
        let file = File(
            map: options.output, format: format.rawValue, input: options.input, layerFile: source.path, column: source.field,
            columnTitle: wording.title, unit: wording.unit, scenario: source.scenario, language: options.language.rawValue,
            numbers: .init(decimalSeparator: numbers.decimalSeparator, groupingSeparator: numbers.groupingSeparator),
            title: texts.title, subtitle: texts.subtitle, footer: texts.footer,
            classification: .init(method: method, nonZeroClasses: classification.classes.filter { !$0.isZero }.count,
                                  zeroClass: classification.classes.contains(where: \.isZero), palette: options.palette.name,
                                  rule: "a value v is in the class with lower < v <= upper (the first class also takes v = lower; the zero class takes exactly 0)"),
            classes: classes, noDataColour: Palette.noDataColour,
            regionOpacity: options.opacity ?? (options.backgrounds.isEmpty ? 1 : 0.7),
            hatched: .init(rule: "hazard_unknown_share > threshold: the hazard is unknown for more than this share of the region's people, so its figures are lower bounds",
                           threshold: threshold, available: layer.knowsUnknownShare,
                           regions: layer.regions.filter { hatched.contains($0.id) }.map { .init(id: $0.id, hazardUnknownShare: $0.unknownShare) }),
            regions: regions,
            crs: .init(name: layer.crsName, epsg: layer.epsg, wkt: try layer.crs.wkt()),
            page: .init(widthPoints: page.0, heightPoints: page.1, dpi: png ? options.dpi : nil,
                        pixelWidth: png ? Int((page.0 * pixelsPerPoint).rounded()) : nil,
                        pixelHeight: png ? Int((page.1 * pixelsPerPoint).rounded()) : nil),
            frame: .init(x: placement.frame.x, y: placement.frame.y, width: placement.frame.width, height: placement.frame.height,
                         extent: [placement.extent.minX, placement.extent.minY, placement.extent.maxX, placement.extent.maxY],
                         mapUnitsPerPoint: placement.unitsPerPoint),
            worldFile: png ? placement.worldFile(pixelsPerPoint: pixelsPerPoint) : nil,
            labels: .init(drawn: placement.labelsDrawn, leftOut: placement.labelsDropped),
            backgrounds: backgrounds.map { .init(path: $0.path, kind: $0.kind) },
            sources: texts.sources.map { .init(role: $0.role, path: $0.path, sha256: $0.sha256) },
            analysisDate: source.createdAt, manifest: source.manifestPath, tool: "exposure \(ExposureVersionInfo.version)",
            createdAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file)
    }
}
