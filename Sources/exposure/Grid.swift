import ArgumentParser
import ExposureCore
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation

extension Exposure {
    struct Grid: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spread census counts per polygon over a population grid (census to grid).",
            discussion: """
                Each polygon's count goes to the cells it covers in proportion to the covered area (exact coverage; on geographic grids, true cell areas), only over habitable cells when --mask is given (mask value >= 0.5, e.g. 1 = land, 0 = water). Every polygon's count is conserved; a polygon lying entirely on masked cells is spread over its whole area (with a warning).

                --like takes the CRS, cell size and cell alignment of a raster; the grid's extent grows to cover every polygon. Or give --resolution and --crs.

                Examples:
                  exposure grid --census data/olinda/olinda1.shp --count V014 \\
                      --like data/olinda/L7_ETMs.tif \\
                      --output out/olinda_population.tif
                  exposure grid --census municipios.gpkg --count pop2020 \\
                      --resolution 100 --crs EPSG:32618 --mask land.tif \\
                      --output population.tif
                """)

        @Option(help: "Census polygons with a count field (any OGR format).")
        var census: String

        @Option(help: "Layer of the census file (needed when it has several).")
        var layer: String?

        @Option(help: "Field holding each polygon's count of people.")
        var count: String

        @Option(help: "Raster whose CRS, cell size and alignment the grid takes.")
        var like: String?

        @Option(help: "Cell size, in the CRS's units (with --crs).")
        var resolution: Double?

        @Option(help: "CRS of the grid (with --resolution): EPSG:32618, WKT, PROJ string.")
        var crs: String?

        @Option(help: "Raster of habitable cells (value >= 0.5); people go only there.")
        var mask: String?

        @Option(help: "CRS for inputs that have none.")
        var assumeCrs: String?

        @Option(help: "Output GeoTIFF (Float64 people per cell, tiled, compressed).")
        var output: String

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if like == nil && (resolution == nil || crs == nil) { throw ValidationError("give --like, or --resolution and --crs") }
            if like != nil && (resolution != nil || crs != nil) { throw ValidationError("give either --like or --resolution and --crs") }
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
            try InputPolicy.crs(crs, option: "--crs")
            if let resolution, !(resolution.isFinite && resolution > 0) {
                throw ValidationError("--resolution must be a positive cell size (got \(resolution))")
            }
        }

        func run() throws {
            common.configureLogging()
            var options = CensusGridOptions(censusPath: census, countField: count, outputPath: output)
            options.layer = layer
            options.likePath = like
            options.resolution = resolution
            options.crs = crs
            options.maskPath = mask
            options.assumeCRS = assumeCrs
            let report = try OutputSet.producing(
                inputs: [census, like, mask], declare: { try $0.addRaster(output, role: "--output") },
                work: { outputs in
                    let bar = TerminalProgress(label: "grid", quiet: common.quiet)
                    defer { bar.finish() }
                    return try CensusGridding.run(options, outputs: outputs, progress: bar.report)
                })
            if !common.quiet {
                for warning in report.warnings { writeToStandardError("warning: \(warning)\n") }
                writeToStandardError("\(report.polygonCount) polygons, \(String(format: "%.1f", report.censusTotal)) people; grid "
                    + "\(report.grid.width) x \(report.grid.height) holds \(String(format: "%.1f", report.gridTotal)); wrote \(output)\n")
            }
        }
    }

    struct Inundate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coastal flood depth from a DEM and a sea level (connected to the sea).",
            discussion: """
                Cells below the water level and connected to the sea through other such cells (8 neighbours) get depth = level - elevation; all others 0. An inland depression below the level but cut off from the sea stays dry. The sea is given by a mask raster (--sea, value >= 0.5) or by edges of the DEM (--sea-edge east, repeatable). Levels are in the DEM's vertical datum.

                Examples:
                  exposure inundate --dem data/olinda/olinda_dem_utm25s.tif \\
                      --sea-level 2.5 --sea-edge east \\
                      --output out/olinda_surge.tif
                  exposure analyze --population pop.tif --regions tracts.shp \\
                      --region-id id --hazard out/olinda_surge.tif \\
                      --preset storm-surge --csv out/surge.csv
                """)

        @Option(help: "Elevation raster (metres).")
        var dem: String

        @Option(help: "Water level (sea level plus surge), in the DEM's datum.")
        var seaLevel: Double

        @Option(help: "Raster marking the sea (value >= 0.5).")
        var sea: String?

        @Option(help: "Edge of the DEM on the sea (repeatable).")
        var seaEdge: [CoastalInundation.Edge] = []

        @Option(help: "CRS for a DEM that has none.")
        var assumeCrs: String?

        @Option(help: "Output depth GeoTIFF (Float32 metres, nodata -9999 where the DEM has none).")
        var output: String

        @OptionGroup var common: CommonOptions

        func validate() throws {
            if !seaLevel.isFinite { throw ValidationError("--sea-level must be a number of metres (got \(seaLevel))") }
            try InputPolicy.crs(assumeCrs, option: "--assume-crs")
        }

        func run() throws {
            common.configureLogging()
            var options = InundationOptions(demPath: dem, seaLevel: seaLevel, outputPath: output)
            options.seaMaskPath = sea
            options.assumeCRS = assumeCrs
            options.seaEdges = Set(seaEdge)
            let bar = TerminalProgress(label: "inundate", quiet: common.quiet)
            options.progress = bar.report
            let report = try OutputSet.producing(
                inputs: [dem, sea], declare: { try $0.addRaster(output, role: "--output") },
                work: { try InundationMapping.run(options, outputs: $0) })
            bar.finish()
            if !common.quiet {
                for warning in report.warnings { writeToStandardError("warning: \(warning)\n") }
                writeToStandardError("\(report.floodedCells) of \(report.grid.cellCount) cells flooded, deepest "
                    + "\(String(format: "%.2f", report.maxDepth)) m; wrote \(output)\n")
            }
        }
    }
}
