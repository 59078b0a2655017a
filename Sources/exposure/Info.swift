import ArgumentParser
import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift

extension Exposure {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a raster or vector file (like gdalinfo and ogrinfo in one).",
            discussion: """
                Prints size, bands, data types, nodata, geotransform and CRS of a raster, or layers, feature counts, geometry types, CRS and fields of a vector source. Any GDAL path works: GeoTIFF/COG, netCDF (and NETCDF:"file.nc":variable subdatasets), VRT, /vsizip/, /vsicurl/, GeoPackage, GeoJSON, shapefiles...

                Examples:
                  exposure info sample-rasters/population.tif
                  exposure info sample-rasters/municipalities.geojson --json
                  exposure info /vsizip/census.zip/tracts.shp
                """)

        @Argument(help: "The file (or GDAL path) to describe.")
        var path: String

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() throws {
            common.configureLogging()
            let description = try DatasetDescription.describe(path: path)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(description)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(InfoText.render(description))
            }
        }
    }
}
