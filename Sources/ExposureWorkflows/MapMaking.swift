import Cartography
import Drawing
import ExposureAdapters
import ExposureCore
import ExposureProducts
import Foundation
import GDALSwift
import Localization
import Maps

/// What `exposure map` was asked for.
public struct MapOptions: Sendable {
    public enum Classes: Sendable, Equatable {
        case method(ClassificationMethod)
        case breaks([Double])
    }

    public enum Labels: Sendable, Equatable {
        /// The region names of our outputs (`region_name`); none for other layers.
        case automatic
        case none
        case field(String)
    }

    public enum Paper: String, CaseIterable, Sendable {
        case a4 = "A4", a3 = "A3", letter

        /// Width and height in points, portrait.
        var points: (Double, Double) {
            switch self {
            case .a4: (595.276, 841.89)
            case .a3: (841.89, 1190.551)
            case .letter: (612, 792)
            }
        }
    }

    public enum Orientation: String, CaseIterable, Sendable {
        /// Landscape unless the regions are taller than wide.
        case auto, landscape, portrait
    }

    public enum Page: Sendable, Equatable {
        case paper(Paper, Orientation)
        case pixels(width: Int, height: Int)
    }

    public var input: String
    public var output: String
    public var layer: String?
    public var column: String?
    public var scenario: String?
    public var language: Language = .en
    /// Overrides the language's decimal and grouping marks.
    public var numberStyle: NumberStyle?
    public var title: String?
    public var subtitle: String?
    public var classes: Classes = .method(.quantile)
    public var classCount = 5
    public var palette: Palette = .yellowOrangeRed
    public var labels: Labels = .automatic
    public var backgrounds: [String] = []
    public var rgb: [Int]?
    public var page: Page = .paper(.a4, .auto)
    public var dpi: Double = 150
    public var crs: String?
    /// Regions above this share of people with unknown hazard are hatched (default: the analysis's own, else 0.05).
    public var unknownThreshold: Double?
    /// Fill opacity of the regions (default 1, or 0.7 over a background).
    public var opacity: Double?

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }

    /// The format, from the output's extension.
    public var format: Canvas.Format? {
        switch (output as NSString).pathExtension.lowercased() {
        case "png": .png
        case "pdf": .pdf
        case "svg": .svg
        default: nil
        }
    }

    /// `NAME.map.json` beside `NAME.png`.
    public var descriptionPath: String { (output as NSString).deletingPathExtension + ".map.json" }
    /// The world file and CRS beside a PNG, so it opens georeferenced in a GIS.
    public var worldFilePath: String { (output as NSString).deletingPathExtension + ".pgw" }
    public var projectionPath: String { (output as NSString).deletingPathExtension + ".prj" }
    /// GDAL (hence QGIS) takes a PNG's CRS from `NAME.png.aux.xml`, not from the `.prj`.
    public var auxiliaryPath: String { output + ".aux.xml" }

    /// Every file the command reads: the layer and its manifest (a run folder's regions.geojson and
    /// run.json), and the backgrounds.
    public var inputPaths: [String?] {
        let own = MapSource.isRunFolder(input) ? [MapSource.runLayer, MapSource.runManifest].map { (input as NSString).appendingPathComponent($0) }
            : [input, input + ".manifest.json"]
        return own + backgrounds
    }

    /// Every file the command writes.
    public var outputPaths: [(path: String, role: String)] {
        var paths = [(output, "--output"), (descriptionPath, "the map's description (NAME.map.json)")]
        if format == .png { paths += [(worldFilePath, "the world file (NAME.pgw)"), (projectionPath, "the CRS file (NAME.prj)"),
                                     (auxiliaryPath, "GDAL's side file (NAME.png.aux.xml)")] }
        return paths
    }
}

/// What a map shows, for the summary and for whoever reads `NAME.map.json`.
public struct MapSummary: Sendable {
    public let field: String
    public let title: String
    public let regionCount: Int
    public let classCount: Int
    public let hatched: [String]
    public let labelsDrawn: Int, labelsDropped: Int
    public let crs: String
    public let written: [String]
}

/// `exposure map`: a per-region output drawn as a printable map, worded in the reader's language.
public enum MapMaking {
    /// Draws the map and writes it with its description (and for a PNG its world file and CRS) through `outputs`.
    public static func run(_ options: MapOptions, outputs: OutputSet, progress: ProgressReport? = nil) throws -> MapSummary {
        try PlainErrors.wrap { try draw(options, outputs: outputs, progress: progress) }
    }

    static func draw(_ options: MapOptions, outputs: OutputSet, progress: ProgressReport?) throws -> MapSummary {
        guard let format = options.format else {
            throw ExposureError("--output must end in .png, .pdf or .svg", path: options.output)
        }
        let prepared = try prepare(options, progress: progress)
        let (source, texts, classification, layer, hatched, document) = (
            prepared.source, prepared.texts, prepared.classification, prepared.layer, prepared.hatched, prepared.document)
        let mapCRS = layer.crs
        let (pageWidth, pageHeight) = pageSize(options.page, extent: layer.extent, dpi: options.dpi)
        let placement: MapPlacement
        var pixelsPerPoint = 1.0
        switch format {
        case .png:
            let canvas: Canvas
            if case .pixels(let w, let h) = options.page {
                canvas = try Canvas.image(pixelWidth: w, pixelHeight: h, dpi: options.dpi)
            } else {
                canvas = try Canvas.image(pixelWidth: Int((pageWidth / 72 * options.dpi).rounded()),
                                          pixelHeight: Int((pageHeight / 72 * options.dpi).rounded()), dpi: options.dpi)
            }
            pixelsPerPoint = canvas.pixelsPerPoint
            placement = try MapRenderer(document).draw(on: canvas)
            try outputs.write(options.output) { try canvas.finish(writingTo: $0) }
            let world = placement.worldFile(pixelsPerPoint: pixelsPerPoint)
            try outputs.write(options.worldFilePath) { path in
                try (world.map { String(format: "%.10f", $0) }.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            }
            let wkt = try mapCRS.wkt()
            try outputs.write(options.projectionPath) { path in try wkt.write(toFile: path, atomically: false, encoding: .utf8) }
            try outputs.write(options.auxiliaryPath) { path in
                try "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">\(LayerStyle.xml(wkt))</SRS>\n</PAMDataset>\n"
                    .write(toFile: path, atomically: false, encoding: .utf8)
            }
        case .pdf, .svg:
            placement = try outputs.write(options.output) { path in
                let canvas = format == .pdf
                    ? try Canvas.pdf(path: path, width: pageWidth, height: pageHeight, title: texts.title)
                    : try Canvas.svg(path: path, width: pageWidth, height: pageHeight)
                let placement = try MapRenderer(document).draw(on: canvas)
                try canvas.finish()
                return placement
            }
        }
        progress?(0.9)

        let description = MapDescription(options: options, format: format, prepared: prepared, placement: placement,
                                         pixelsPerPoint: pixelsPerPoint, page: (pageWidth, pageHeight))
        try outputs.write(options.descriptionPath) { path in try description.json().write(to: URL(fileURLWithPath: path)) }
        progress?(1)
        return MapSummary(field: source.field, title: texts.title, regionCount: layer.regions.count, classCount: classification.classes.count,
                          hatched: layer.regions.filter { hatched.contains($0.id) }.map(\.id),
                          labelsDrawn: placement.labelsDrawn, labelsDropped: placement.labelsDropped, crs: layer.crsName,
                          written: options.outputPaths.map(\.path))
    }

    /// Everything decided before drawing: the source, its wording, the classes, the hatching, the texts and
    /// the map document.
    struct Prepared {
        let source: MapSource
        let wording: ColumnWording
        let texts: MapTexts
        let classification: Classification
        let colours: [String]
        let labels: [String]
        let layer: MapLayer
        let hatched: Set<String>
        let threshold: Double
        let document: MapDocument
        let numbers: NumberStyle
        let drawnBackgrounds: DrawnBackgrounds
    }

    /// The backgrounds drawn, recorded when the renderer asks for them.
    final class DrawnBackgrounds {
        var items: [(path: String, kind: String)] = []
    }

    static func prepare(_ options: MapOptions, progress: ProgressReport? = nil) throws -> Prepared {
        let numbers = options.numberStyle ?? NumberStyle.of(options.language)
        let catalog = try Catalog.load(options.language).writingNumbers(numbers)
        let source = try MapSource.resolve(input: options.input, layer: options.layer, column: options.column, scenario: options.scenario)
        let wording = source.wording(of: source.baseColumn, catalog: catalog, numbers: numbers)
        let threshold = options.unknownThreshold ?? source.unknownThreshold ?? 0.05
        let layer = try MapLayer.read(source, labels: options.labels, crs: options.crs)
        progress?(0.4)

        // Classes on the values drawn; zero its own class, breaks readable.
        let values = layer.regions.compactMap(\.value)
        let classification: Classification = switch options.classes {
        case .method(let method): Classification.make(values, method: method, count: options.classCount)
        case .breaks(let breaks): Classification.fixed(breaks, values: values)
        }
        let nonZero = classification.classes.filter { !$0.isZero }.count
        var ramp = options.palette.colours(nonZero).makeIterator()
        let colours = classification.classes.map { $0.isZero ? Palette.zeroColour : (ramp.next() ?? Palette.noDataColour) }
        let labels = classLabels(classification, kind: wording.kind, catalog: catalog, numbers: numbers)
        let legend = zip(colours, labels).map { MapDocument.LegendClass(colour: Colour(hex: $0)!, label: $1) }

        // Hatching says "figures are lower bounds": only for figures of people in the hazard.
        let hatched = wording.isLowerBoundWhereIncomplete ? Set(layer.regions.filter { ($0.unknownShare ?? 0) > threshold }.map(\.id)) : []
        let regions = layer.regions.map { r in
            MapDocument.Region(id: r.id, polygons: r.polygons, classIndex: r.value.flatMap { classification.classIndex(of: $0) },
                               hatched: hatched.contains(r.id), label: r.label, labelPoint: r.labelPoint, area: r.area)
        }

        let texts = MapTexts(source: source, wording: wording, options: options, catalog: catalog, numbers: numbers,
                             crsName: layer.crsName, threshold: threshold)
        let backgroundSources = try options.backgrounds.map { try MapBackgroundSource(path: $0, rgb: options.rgb) }
        let mapCRS = layer.crs
        let drawnBackgrounds = DrawnBackgrounds()
        let document = MapDocument(
            title: texts.title, subtitle: texts.subtitle, legendTitle: wording.title, legendUnit: wording.unit,
            classes: legend, noDataLabel: catalog.text("legend.no_data"), hatchLabel: texts.hatchLabel, regions: regions,
            backgrounds: { extent, width, height in
                try backgroundSources.map { b in
                    drawnBackgrounds.items.append((b.path, b.kindName))
                    return try b.render(extent: extent, width: width, height: height, crs: mapCRS, catalog: catalog, numbers: numbers)
                }
            },
            extent: layer.extent, groundMetresPerUnit: layer.groundMetresPerUnit, northAngle: layer.northAngle,
            northLetter: catalog.text("map.north"),
            formatScaleLength: { metres in
                metres >= 1000 ? catalog.text("map.scale_km", ["value": numbers.format(metres / 1000, decimals: metres >= 1000 && metres.truncatingRemainder(dividingBy: 1000) != 0 ? 1 : 0)])
                    : catalog.text("map.scale_m", ["value": numbers.format(metres, decimals: 0)])
            },
            footer: texts.footer, regionOpacity: options.opacity ?? (options.backgrounds.isEmpty ? 1 : 0.7))

        return Prepared(source: source, wording: wording, texts: texts, classification: classification, colours: colours,
                        labels: labels, layer: layer, hatched: hatched, threshold: threshold, document: document, numbers: numbers,
                        drawnBackgrounds: drawnBackgrounds)
    }

    /// The map as an SVG document in memory (for a report): the same drawing, nothing written.
    public static func svg(_ options: MapOptions) throws -> (svg: String, hatched: [String], title: String) {
        try PlainErrors.wrap { try drawSVG(options) }
    }

    static func drawSVG(_ options: MapOptions) throws -> (svg: String, hatched: [String], title: String) {
        let prepared = try prepare(options)
        let (width, height) = pageSize(options.page, extent: prepared.layer.extent, dpi: options.dpi)
        let canvas = try Canvas.svg(path: nil, width: width, height: height)
        try MapRenderer(prepared.document).draw(on: canvas)
        try canvas.finish()
        return (canvas.svgDocument ?? "", prepared.layer.regions.filter { prepared.hatched.contains($0.id) }.map(\.id), prepared.texts.title)
    }

    /// The page in points: a paper size in the orientation asked (auto: as the regions are shaped), or a
    /// pixel size at the DPI.
    static func pageSize(_ page: MapOptions.Page, extent: MapExtent, dpi: Double) -> (Double, Double) {
        switch page {
        case .paper(let paper, let orientation):
            let (short, long) = paper.points
            let landscape = switch orientation {
            case .landscape: true
            case .portrait: false
            // The legend panel sits right of the map: landscape suits all but clearly tall areas.
            case .auto: extent.height <= extent.width * 1.3
            }
            return landscape ? (long, short) : (short, long)
        case .pixels(let w, let h):
            return (Double(w) * 72 / dpi, Double(h) * 72 / dpi)
        }
    }

    /// The legend's class labels: zero as "None (0)", then ranges with readable numbers; whole people for
    /// counts, one decimal for rates.
    static func classLabels(_ classification: Classification, kind: ResultColumn.Kind?, catalog: Catalog, numbers: NumberStyle) -> [String] {
        let minimum = switch kind {
        case .people?: 0
        case .per100k?, .percent?: 1
        case .share?: 2
        default: 0
        }
        func text(_ x: Double) -> String {
            // Two significant digits for small breaks, never fewer decimals than the figure's kind shows.
            let needed = x == 0 ? 0 : max(0, 1 - Int(floor(log10(abs(x)))))
            // People are whole people on a map (docs/methodology.md): never a fraction of a person.
            return numbers.format(x, decimals: kind == .people ? 0 : min(6, max(minimum, needed)))
        }
        let hasZero = classification.classes.contains(where: \.isZero)
        return classification.classes.enumerated().map { i, c in
            if c.isZero { return catalog.text("legend.zero") }
            // Right after the zero class the first class starts above 0, and says so.
            if hasZero, i == 1, c.lower == 0 { return catalog.text("legend.above_zero", ["high": text(c.upper)]) }
            return catalog.text("legend.range", ["low": text(c.lower), "high": text(c.upper)])
        }
    }
}

/// The texts around the map: title, subtitle, hatch legend and footer lines, in the reader's language.
struct MapTexts {
    let title: String
    let subtitle: String?
    let hatchLabel: String
    let footer: [String]
    let sources: [(role: String, path: String, sha256: String?)]
    let date: String?

    init(source: MapSource, wording: ColumnWording, options: MapOptions, catalog: Catalog, numbers: NumberStyle,
         crsName: String, threshold: Double) {
        let date = source.createdAt.flatMap(CalendarDate.init(iso8601:)).map(catalog.format)
        self.date = date
        title = options.title ?? wording.title
        var sub: [String] = []
        if let run = source.runName { sub.append(run) }
        if let scenario = source.scenario { sub.append(catalog.text("map.scenario", ["scenario": scenario])) }
        if !source.isRun, let hazard = source.inputs.first(where: { $0.role == "hazard" }) {
            sub.append(((hazard.path as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        subtitle = options.subtitle ?? (sub.isEmpty ? nil : sub.joined(separator: " · "))
        let percent = threshold * 100
        hatchLabel = catalog.text("legend.incomplete", [
            "percent": catalog.text("number.percent", ["value": numbers.format(percent, decimals: percent == percent.rounded() ? 0 : 1)]),
        ])
        sources = source.inputs
        var named: [String] = []
        func file(_ p: String) -> String { (p as NSString).lastPathComponent }
        let hazards = source.inputs.filter { $0.role.hasPrefix("hazard") }.map { file($0.path) }
        for input in source.inputs where !input.role.hasPrefix("hazard") {
            var arguments = ["file": file(input.path)]
            let key: String?
            // A group's raster, the ratio file and the needs profile are named on the maps drawn from them.
            if input.role.hasPrefix("population group '") {
                let name = String(input.role.dropFirst("population group '".count).dropLast())
                key = name == wording.group ? "map.source_group" : nil
                arguments["group"] = name
            } else if input.role == "group ratios" {
                key = wording.group.map(source.ratioGroups.contains) == true ? "map.source_ratios" : nil
            } else if input.role == "needs profile" {
                key = wording.isNeeds ? "map.source_needs" : nil
            } else {
                key = input.role.hasPrefix("population") ? "map.source_population" : input.role.hasPrefix("regions") ? "map.source_regions" : nil
            }
            guard let key else { continue }
            let text = catalog.text(key, arguments)
            if !named.contains(text) { named.append(text) }
        }
        // A run's many hazard rasters in a few words; NAME.map.json lists each with its checksum.
        if hazards.count > 2, let first = hazards.first, let last = hazards.last {
            named.append(catalog.text("map.source_hazards", ["count": String(hazards.count), "first": first, "last": last]))
        } else {
            named += hazards.map { catalog.text("map.source_hazard", ["file": $0]) }
        }
        if named.isEmpty { named = [catalog.text("map.source_regions", ["file": file(source.path)])] }
        var lines = [catalog.text("map.source", ["sources": named.joined(separator: ", ")]),
                     catalog.text("map.crs", ["crs": crsName])]
        // Without a manifest the analysis's date is unknown: the map says when it was made instead.
        lines.append(date.map { catalog.text("map.produced", ["version": ExposureVersionInfo.version, "date": $0]) }
            ?? catalog.text("map.produced_on", ["version": ExposureVersionInfo.version, "date": catalog.format(CalendarDate.today)]))
        // Our figures are modelled; a column we do not know (a census count) gets no caution of ours.
        var caution = wording.kind == nil ? "" : catalog.text("map.caution")
        if wording.isDisplacement { caution += " " + catalog.text("map.risk_note") }
        if wording.kind == .people { caution += " " + catalog.text("map.rounded") }
        if !caution.isEmpty { lines.append(caution) }
        lines.append(catalog.text("map.disclaimer"))
        footer = lines
    }
}

extension CalendarDate {
    /// Today in UTC.
    static var today: CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }
}

/// The drawing, template and catalog layers' errors as the tool's own (`error: FILE: what`), so the CLI
/// prints their words rather than a generic failure.
enum PlainErrors {
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DrawingError {
            throw ExposureError(error.message, path: error.path)
        } catch let error as ExposureError {
            throw error
        } catch let error as GDALError {
            throw error
        } catch let error as any Error & CustomStringConvertible where (error as NSError).domain != NSCocoaErrorDomain {
            throw ExposureError(error.description)
        }
    }
}
