import ExposureCore
@testable import ExposureAdapters
import ExposureProducts
import ExposureWorkflows
import Foundation
import GDALSwift
import TestSupport
import Testing

/// Tiny rasters written in the test, with hand-computed totals: masks, nodata in every type, non-finite and
/// overflowing values. A 4 x 1 grid of 1-degree cells near (0, 0) and one region covering all of it.
struct ReadingFixture {
    let dir: TemporaryDirectory
    let width: Int, height: Int

    init(width: Int = 4, height: Int = 1) throws {
        dir = try TemporaryDirectory()
        self.width = width
        self.height = height
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"all"},"geometry":{"type":"Polygon",
        "coordinates":[[[0,0],[\(width),0],[\(width),\(height)],[0,\(height)],[0,0]]]}}]}
        """.write(toFile: dir.path("regions.geojson"), atomically: true, encoding: .utf8)
    }

    var regions: String { dir.path("regions.geojson") }
    var window: RasterWindow { RasterWindow(column: 0, row: 0, width: width, height: height) }

    /// A GeoTIFF on the grid, filled by `fill` (which sets nodata, masks, values...).
    @discardableResult
    func raster(_ name: String, type: RasterDataType, bands: Int = 1, options: [String] = [],
                _ fill: (Dataset) throws -> Void) throws -> String {
        let path = dir.path(name)
        let dataset = try Driver.named("GTiff").createRaster(path: path, width: width, height: height, bands: bands, type: type, options: options)
        try dataset.setGeoTransform([0, 1, 0, Double(height), 0, -1])
        try dataset.setSpatialReference(SpatialReference(epsg: 4326))
        try fill(dataset)
        try dataset.close()
        return path
    }

    func analyze(population: String, hazard: String? = nil) throws -> AnalysisResult {
        var options = AnalysisOptions(populationPath: population, regionsPath: regions, idField: "id", threads: 2)
        if let hazard {
            options.hazardPath = hazard
            options.classes = try HazardClasses(thresholds: [1])
        }
        return try ExposureAnalysis.run(options)
    }

    func population(_ path: String) throws -> Double {
        try analyze(population: path).figures[0].population
    }
}

@Suite struct MaskReadingTests {
    @Test func aPerDatasetMaskHidesPeople() throws {
        let f = try ReadingFixture()
        let path = try f.raster("masked.tif", type: .float32) { d in
            try d.band(1).write(f.window, values: [Float(10), 20, 30, 40])
            try d.createMaskBand()
            try d.band(1).maskBand().write(f.window, values: [UInt8(255), 0, 255, 0])
        }
        let input = try RasterInput(path: path, role: "population")
        #expect(input.maskDescription == "mask of the dataset (0 masked)")
        #expect(try f.population(path) == 40)
    }

    @Test(arguments: [false, true])
    func internalAndExternalTIFFMasksAreHonoured(inside: Bool) throws {
        let f = try ReadingFixture()
        // GDAL 3.6 writes a .msk file by default; GDAL_TIFF_INTERNAL_MASK=YES puts the mask inside the TIFF.
        let path = try GDALEnvironment.withThreadConfigOption("GDAL_TIFF_INTERNAL_MASK", inside ? "YES" : "NO") {
            try f.raster("masked.tif", type: .int16) { d in
                try d.band(1).write(f.window, values: [Int16(1), 2, 3, 4])
                try d.createMaskBand()
                try d.band(1).maskBand().write(f.window, values: [UInt8(0), 255, 255, 255])
            }
        }
        #expect(FileManager.default.fileExists(atPath: path + ".msk") == !inside)
        #expect(try f.population(path) == 9)
    }

    @Test func anAlphaBandHidesPeople() throws {
        let f = try ReadingFixture()
        // RGBA-style: band 1 holds the counts, band 2 is alpha (0 transparent, anything else opaque).
        let path = try f.raster("alpha.tif", type: .byte, bands: 2, options: ["ALPHA=YES"]) { d in
            try d.band(1).write(f.window, values: [UInt8(10), 20, 30, 40])
            try d.band(2).write(f.window, values: [UInt8(0), 255, 1, 0])
        }
        let input = try RasterInput(path: path, role: "population")
        #expect(input.maskFlags.contains(.alpha))
        #expect(try f.population(path) == 50)
    }

    @Test func withoutAMaskNothingMoreIsRead() throws {
        let f = try ReadingFixture()
        let plain = try f.raster("plain.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float](repeating: 1, count: 4)) }
        let withNoData = try f.raster("nodata.tif", type: .float32) { d in
            try d.band(1).setNoDataValue(-1)
            try d.band(1).write(f.window, values: [Float(-1), 1, 1, 1])
        }
        for path in [plain, withNoData] {
            let input = try RasterInput(path: path, role: "population")
            #expect(input.maskDescription == nil)
            #expect(try input.openReader().mask == nil)
        }
        #expect(try f.population(withNoData) == 3)
    }

    @Test func aMaskedHazardCellIsUnknown() throws {
        let f = try ReadingFixture()
        let population = try f.raster("pop.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float](repeating: 10, count: 4)) }
        let hazard = try f.raster("depth.tif", type: .float32) { d in
            try d.band(1).write(f.window, values: [Float](repeating: 2, count: 4))
            try d.createMaskBand()
            try d.band(1).maskBand().write(f.window, values: [UInt8(255), 255, 0, 255])
        }
        let figures = try f.analyze(population: population, hazard: hazard).figures[0]
        #expect(figures.population == 40)
        #expect(figures.exposed == 30)
        #expect(figures.hazardUnknown == 10)
    }
}

@Suite struct NoDataPerTypeTests {
    @Test func signedBytesWithNoDataMinusOne() throws {
        let f = try ReadingFixture()
        let path = try f.raster("int8.tif", type: .int8) { d in
            try d.band(1).setNoDataValue(-1)
            try d.band(1).write(f.window, values: [Int8(5), -1, 7, -1])
        }
        let result = try f.analyze(population: path)
        #expect(result.population.dataType == "Int8")
        // Read as unsigned, the two nodata cells were 255 people each: 524.
        #expect(result.figures[0].population == 12)
    }

    @Test func negativeSignedBytesAreNegativeCounts() throws {
        let f = try ReadingFixture()
        let path = try f.raster("int8.tif", type: .int8) { d in try d.band(1).write(f.window, values: [Int8(5), -100, 7, 1]) }
        let result = try f.analyze(population: path)
        #expect(result.figures[0].population == 13)
        #expect(result.warnings.contains { $0.contains("1 cell(s) inside the regions hold a negative population") })
    }

    @Test func int64NoDataIsComparedExactly() throws {
        let f = try ReadingFixture()
        // Int64.max - 1 and Int64.max are the same Double: only an exact comparison tells the nodata cell.
        let path = try f.raster("int64.tif", type: .int64) { d in
            try d.band(1).setNoData(.int64(Int64.max - 1))
            try d.band(1).write(f.window, values: [Int64(3), Int64.max - 1, 4, 5])
        }
        #expect(try f.population(path) == 12)
    }

    @Test func uint64NoDataNearTwoToThe64IsExact() throws {
        let f = try ReadingFixture()
        let path = try f.raster("uint64.tif", type: .uint64) { d in
            try d.band(1).setNoData(.uint64(UInt64.max))
            try d.band(1).write(f.window, values: [UInt64(1), 2, UInt64.max, 4])
        }
        let input = try RasterInput(path: path, role: "population")
        #expect(input.exactNoData == .uint64(UInt64.max))
        #expect(try f.population(path) == 7)
        // A value one below the nodata value is a value (a very large one), not nodata.
        let near = try f.raster("near.tif", type: .uint64) { d in
            try d.band(1).setNoData(.uint64(UInt64.max))
            try d.band(1).write(f.window, values: [UInt64(1), UInt64.max - 1, UInt64.max, 4])
        }
        #expect(try f.population(near) == 5 + Double(UInt64.max - 1))
    }

    @Test func float32NoDataIsComparedAtFloat32Precision() throws {
        let f = try ReadingFixture()
        // 0.1 is not a Float32: the cells hold 0.100000001490116..., which equal the nodata value only once
        // it is rounded to Float32 (as GDAL's own nodata mask does).
        let path = try f.raster("float32.tif", type: .float32) { d in
            try d.band(1).setNoDataValue(0.1)
            try d.band(1).write(f.window, values: [Float(0.1), 2, 0.1, 3])
        }
        #expect(try f.population(path) == 5)
    }

    @Test(arguments: [RasterDataType.byte, .uint16, .int16, .uint32, .int32, .float64])
    func everyOtherTypeMatchesItsNoData(type: RasterDataType) throws {
        let f = try ReadingFixture()
        let path = try f.raster("typed.tif", type: type) { d in
            try d.band(1).setNoDataValue(9)
            try d.band(1).write(f.window, values: [Double(9), 1, 2, 9])
        }
        #expect(try f.population(path) == 3)
    }
}

@Suite struct NonFiniteValueTests {
    @Test func anInfinitePopulationCellIsAnErrorNamingTheFileAndCell() throws {
        let f = try ReadingFixture()
        let path = try f.raster("inf.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float(1), 2, .infinity, 4]) }
        do {
            _ = try f.analyze(population: path)
            Issue.record("an infinite population must stop the run")
        } catch let error as ExposureError {
            #expect(error.path == path)
            #expect(error.message.contains("the population raster holds inf at column 2, row 0"))
        }
    }

    @Test func valuesThatOverflowTheSumAreAnErrorNamingTheFile() throws {
        let f = try ReadingFixture()
        let path = try f.raster("huge.tif", type: .float64) { d in try d.band(1).write(f.window, values: [1e308, 1e308, 1, 1]) }
        do {
            _ = try f.analyze(population: path)
            Issue.record("a sum that overflows must stop the run")
        } catch let error as ExposureError {
            #expect(error.description.hasPrefix("\(path): the population of region all adds up to more than the largest number"))
        }
    }

    @Test func aScaleThatOverflowsIsAnError() throws {
        let f = try ReadingFixture()
        let path = try f.raster("scaled.tif", type: .float64) { d in
            try d.band(1).setScaleAndOffset(scale: 1e10, offset: 0)
            try d.band(1).write(f.window, values: [1, 1e300, 1, 1])
        }
        #expect(throws: ExposureError.self) { try f.analyze(population: path) }
        do { _ = try f.analyze(population: path) } catch let error as ExposureError {
            #expect(error.message.contains("1e+300, infinite once scaled"))
        }
    }

    @Test func aNonFiniteGeoreferenceIsAnErrorNamingTheFile() throws {
        let f = try ReadingFixture()
        let path = try f.raster("nan-origin.tif", type: .float32) { d in try d.setGeoTransform([.nan, 1, 0, 1, 0, -1]) }
        #expect {
            try RasterInput(path: path, role: "population")
        } throws: { error in
            "\(error)".hasPrefix("\(path): the georeference is broken")
        }
    }

    @Test func censusCountsThatOverflowAreAnErrorNamingTheFile() throws {
        let f = try ReadingFixture()
        let census = f.dir.path("census.geojson")
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"n":1.5e308},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
        {"type":"Feature","properties":{"n":1.5e308},"geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,1],[2,1],[2,0]]]}}]}
        """.write(toFile: census, atomically: true, encoding: .utf8)
        var options = CensusGridOptions(censusPath: census, countField: "n", outputPath: f.dir.path("grid.tif"))
        options.resolution = 1
        options.crs = "EPSG:4326"
        #expect {
            try CensusGridding.run(options, outputs: OutputSet(inputs: [census]))
        } throws: { error in
            "\(error)".hasPrefix("\(census): the counts in 'n' add up to more than the largest number")
        }
    }

    @Test func nanCellsCountAsNoDataWithAWarning() throws {
        let f = try ReadingFixture()
        let path = try f.raster("nan.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float(1), .nan, .nan, 4]) }
        let result = try f.analyze(population: path)
        #expect(result.figures[0].population == 5)
        #expect(result.warnings.contains("\(path): 2 cell(s) hold NaN (in the blocks the regions touch) without NaN being the declared nodata; counted as no data (no people)"))
        // Declared as nodata, NaN needs no warning.
        let declared = try f.raster("nan-nodata.tif", type: .float32) { d in
            try d.band(1).setNoDataValue(.nan)
            try d.band(1).write(f.window, values: [Float(1), .nan, .nan, 4])
        }
        let quiet = try f.analyze(population: declared)
        #expect(quiet.figures[0].population == 5)
        #expect(!quiet.warnings.contains { $0.contains("NaN") })
    }

    @Test func anInfiniteHazardValueIsAnErrorNamingTheHazardFile() throws {
        let f = try ReadingFixture()
        let population = try f.raster("pop.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float](repeating: 1, count: 4)) }
        let hazard = try f.raster("depth.tif", type: .float32) { d in try d.band(1).write(f.window, values: [Float(0), -.infinity, 2, 2]) }
        do {
            _ = try f.analyze(population: population, hazard: hazard)
            Issue.record("an infinite hazard value must stop the run")
        } catch let error as ExposureError {
            #expect(error.path == hazard)
            #expect(error.message.contains("the hazard raster holds -inf at column 1, row 0"))
        }
    }
}
