import ArgumentParser
import Cartography
import ExposureAdapters
import ExposureCore
import ExposureProducts
import ExposureWorkflows
import Foundation
import Localization

extension Exposure {
    struct Map: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a per-region output as a printable map (PNG, PDF or SVG) in English, Spanish, Portuguese or French.",
            discussion: """
                INPUT is a per-region output of analyze, flood-extent or run (GeoJSON, GeoPackage, FlatGeobuf), a run's output folder (--scenario and --column pick the column), or any polygon layer with a numeric column. The map carries a title, a legend with the unit and the class ranges, hatching over regions whose hazard data is incomplete (hazard_unknown_share above the threshold: their figures are lower bounds), a scale bar and north arrow right for the map's CRS, the CRS, the sources and date from the manifest, the caution note and the disclaimer.

                Classes: zero as its own class, then --class-count classes on the non-zero values (quantile by default, breaks rounded to two significant digits), or your breaks. The map's CRS is the input's when projected, else the UTM zone of the regions' centre, or --crs. Beside the map, NAME.map.json lists every class (bounds, colour, label), each region's value and class, the hatched regions and the sources; beside a PNG, NAME.pgw and NAME.prj georeference it.

                Examples:
                  exposure map out/flood100.geojson --lang es \\
                      --output out/flood100_es.png
                  exposure map out/sample-floods --scenario ssp2-4.5-2050 \\
                      --column pmd_100 --lang pt --output out/pmd100.pdf
                  exposure map out/near_water.geojson --column exposed_class_1 \\
                      --background data/olinda/L7_ETMs.tif --rgb 3,2,1 \\
                      --output out/near_water.png
                """)

        @Argument(help: "A per-region output (.geojson, .gpkg, .fgb, any OGR polygon layer) or a run's output folder.")
        var input: String

        @Option(help: "The column to draw (default: the output's headline column; a run's aad_per_100k).")
        var column: String?

        @Option(help: "A run's scenario, by name or column prefix (default: the first).")
        var scenario: String?

        @Option(help: "The layer, when the file has several.")
        var layer: String?

        @Option(help: "The map: .png, .pdf (vector, fonts embedded) or .svg.")
        var output: String

        @Option(help: "Language of every text on the map: en, es, pt, fr.")
        var lang: LanguageChoice = .en

        @Option(help: "Decimal mark: the language's (default), comma or point.")
        var decimal: DecimalChoice?

        @Option(help: "Title (default: what the column is).")
        var title: String?

        @Option(help: "Subtitle (default: the run's name, scenario or hazard).")
        var subtitle: String?

        @Option(help: "quantile, jenks, equal, pretty, or breaks B1,B2,... (zero stays its own class).")
        var classes = "quantile"

        @Option(help: "Classes on the non-zero values (1 to 9).")
        var classCount = 5

        @Option(help: "ColorBrewer sequential ramp: \(Palette.all.map(\.name).joined(separator: ", ")).")
        var palette = "YlOrRd"

        @Option(help: "Field to label regions with, or none (default: the region names of our outputs).")
        var labels: String?

        @Option(help: "A raster under the regions (repeatable): a hazard depth, a water or flood mask, a satellite scene.")
        var background: [String] = []

        @Option(help: "Bands shown as red, green, blue of a scene background, e.g. 3,2,1 for Landsat 7.")
        var rgb: String?

        @Option(help: "Paper: A4, A3 or letter.")
        var size: PaperChoice = .a4

        @Option(help: "auto (by the regions' shape), landscape or portrait.")
        var orientation: OrientationChoice = .auto

        @Option(help: "Width in pixels (with --height; instead of --size).")
        var width: Int?

        @Option(help: "Height in pixels (with --width).")
        var height: Int?

        @Option(help: "Dots per inch of a PNG.")
        var dpi: Double = 150

        @Option(help: "CRS of the map, projected (default: the input's if projected, else its UTM zone).")
        var crs: String?

        @Option(help: "Hatch regions whose hazard_unknown_share is above this (default: the analysis's threshold, else 0.05).")
        var unknownThreshold: Double?

        @Option(help: "Fill opacity of the regions, 0 to 1 (default 1; 0.7 over a background).")
        var opacity: Double?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            guard MapOptions(input: input, output: output).format != nil else {
                throw ValidationError("--output must end in .png, .pdf or .svg")
            }
            guard (1...9).contains(classCount) else { throw ValidationError("--class-count must be 1 to 9") }
            guard dpi.isFinite, (24...1200).contains(dpi) else { throw ValidationError("--dpi must be 24 to 1200") }
            if (width == nil) != (height == nil) { throw ValidationError("give --width and --height together") }
            if let width, let height {
                guard (100...20000).contains(width), (100...20000).contains(height) else {
                    throw ValidationError("--width and --height must be 100 to 20000 pixels")
                }
            }
            if let unknownThreshold { try InputPolicy.share(unknownThreshold, option: "--unknown-threshold") }
            if let opacity, !(opacity.isFinite && opacity > 0 && opacity <= 1) {
                throw ValidationError("--opacity is from above 0 to 1 (got \(opacity))")
            }
            guard Palette.named(palette) != nil else {
                throw ValidationError("--palette \(palette): not a palette (\(Palette.all.map(\.name).joined(separator: ", ")))")
            }
            try InputPolicy.crs(crs, option: "--crs")
            if rgb != nil && background.isEmpty { throw ValidationError("--rgb needs a --background scene") }
        }

        func run() throws {
            common.configureLogging()
            var options = MapOptions(input: input, output: output)
            options.column = column
            options.scenario = scenario
            options.layer = layer
            options.language = lang.language
            options.numberStyle = decimal.map { $0.style(for: lang.language) }
            options.title = title
            options.subtitle = subtitle
            options.classes = try parseClasses()
            options.classCount = classCount
            options.palette = Palette.named(palette)!
            options.labels = switch labels {
            case nil: .automatic
            case "none"?: .none
            case let field?: .field(field)
            }
            options.backgrounds = background
            options.rgb = try rgb.map { try parseBands($0) }
            if let width, let height {
                options.page = .pixels(width: width, height: height)
            } else {
                options.page = .paper(size.paper, orientation.orientation)
            }
            options.dpi = dpi
            options.crs = crs
            options.unknownThreshold = unknownThreshold
            options.opacity = opacity
            let progress = TerminalProgress(label: "map", quiet: common.quiet)
            let summary = try OutputSet.producing(
                inputs: options.inputPaths,
                declare: { outputs in for (path, role) in options.outputPaths { try outputs.add(path, role: role) } },
                work: { outputs in try MapMaking.run(options, outputs: outputs, progress: progress.report) })
            progress.finish()
            guard !common.quiet else { return }
            var lines = ["\(summary.title): \(summary.regionCount) regions in \(summary.classCount) classes (\(summary.field)), \(summary.crs)"]
            if !summary.hatched.isEmpty {
                lines.append("hatched (hazard data incomplete): \(summary.hatched.prefix(10).joined(separator: ", "))\(summary.hatched.count > 10 ? ", ..." : "")")
            }
            if summary.labelsDropped > 0 {
                lines.append("labels: \(summary.labelsDrawn) drawn, \(summary.labelsDropped) left out where they would collide or not fit")
            }
            lines.append("wrote \(summary.written.joined(separator: ", "))")
            writeToStandardError(lines.joined(separator: "\n") + "\n")
        }

        func parseClasses() throws -> MapOptions.Classes {
            if let method = ClassificationMethod(rawValue: classes.lowercased()) { return .method(method) }
            let parts = classes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let breaks = parts.compactMap(Double.init)
            guard breaks.count == parts.count, !breaks.isEmpty, breaks.allSatisfy(\.isFinite) else {
                throw ValidationError("--classes \(classes): give quantile, jenks, equal, pretty or increasing numbers B1,B2,...")
            }
            guard zip(breaks, breaks.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ValidationError("--classes \(classes): the breaks must increase")
            }
            // With the class above the last break, 9 classes: the most a ColorBrewer ramp has.
            guard breaks.count <= 8 else { throw ValidationError("--classes: at most 8 breaks (9 classes)") }
            return .breaks(breaks)
        }

        func parseBands(_ text: String) throws -> [Int] {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let bands = Optional(parts.compactMap { $0 }), bands.count == 3, bands.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--rgb \(text): give three band numbers, e.g. 3,2,1")
            }
            return bands
        }
    }
}
