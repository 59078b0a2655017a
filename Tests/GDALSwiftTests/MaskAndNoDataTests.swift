import Foundation
import GDALSwift
import TestSupport
import Testing

/// Nodata values in the band's own type, signed bytes, mask bands, and the checks that a band or layer of a
/// closed dataset is not used.
@Suite struct MaskAndNoDataTests {
    let everything = RasterWindow(column: 0, row: 0, width: 4, height: 1)

    func raster(_ dir: TemporaryDirectory, _ name: String, type: RasterDataType, bands: Int = 1, options: [String] = []) throws -> Dataset {
        let dataset = try Driver.named("GTiff").createRaster(path: dir.path(name), width: 4, height: 1, bands: bands, type: type, options: options)
        try dataset.setGeoTransform([0, 1, 0, 1, 0, -1])
        return dataset
    }

    @Test func signedBytesReadAsSignedWithTheirNoData() throws {
        let dir = try TemporaryDirectory()
        let created = try raster(dir, "int8.tif", type: .int8)
        try created.band(1).setNoDataValue(-1)
        try created.band(1).write(everything, values: [Int8(-128), -1, 0, 127])
        try created.close()

        let band = try Dataset.open(dir.path("int8.tif")).band(1)
        #expect(band.dataType == .int8)
        #expect(try band.noDataValue == -1)
        #expect(try band.readAll(as: Int8.self) == [-128, -1, 0, 127])
        // GDAL alone would give 128 and 255 here.
        #expect(try band.readAll(as: Double.self) == [-128, -1, 0, 127])
        #expect(try band.readAll(as: Int16.self) == [-128, -1, 0, 127])
        // A negative value has no unsigned reading: an error, not 255.
        #expect(throws: GDALError.self) { try band.readAll(as: UInt8.self) }
        // And the other way: a signed byte band is written from Int8 only, an unsigned one never from Int8.
        let writable = try Dataset.open(dir.path("int8.tif"), update: true).band(1)
        #expect(throws: GDALError.self) { try writable.write(everything, values: [Float](repeating: -3, count: 4)) }
        let unsigned = try raster(dir, "uint8.tif", type: .byte)
        #expect(throws: GDALError.self) { try unsigned.band(1).write(everything, values: [Int8](repeating: -3, count: 4)) }
        #expect(throws: GDALError.self) { try unsigned.band(1).readAll(as: Int8.self) }
    }

    @Test func sixtyFourBitNoDataIsExact() throws {
        let dir = try TemporaryDirectory()
        let signed = try raster(dir, "int64.tif", type: .int64)
        try signed.band(1).setNoData(.int64(Int64.max - 1))
        try signed.band(1).write(everything, values: [Int64.min, -1, Int64.max - 1, Int64.max])
        try signed.close()
        let unsigned = try raster(dir, "uint64.tif", type: .uint64)
        try unsigned.band(1).setNoData(.uint64(UInt64.max))
        try unsigned.band(1).write(everything, values: [UInt64(0), 1 << 63, UInt64.max - 1, UInt64.max])
        try unsigned.close()

        let int64 = try Dataset.open(dir.path("int64.tif")).band(1)
        #expect(int64.dataType == .int64)
        #expect(try int64.noData == .int64(Int64.max - 1))
        #expect(try int64.readAll(as: Int64.self) == [Int64.min, -1, Int64.max - 1, Int64.max])
        let uint64 = try Dataset.open(dir.path("uint64.tif")).band(1)
        #expect(try uint64.noData == .uint64(UInt64.max))
        #expect(try uint64.noData?.description == "18446744073709551615")
        #expect(try uint64.readAll(as: UInt64.self) == [0, 1 << 63, UInt64.max - 1, UInt64.max])
        // Through a Double the last two are the same number: why the exact value matters.
        #expect(Double(UInt64.max - 1) == Double(UInt64.max))
    }

    @Test func doublesNearTheTopOf64BitTypesAreStoredAsTheirMaximum() throws {
        // GDAL 3.6 alone stores a nodata of 2^64 as text that it reads back as 1, and writes 2^64 as 0.
        let dir = try TemporaryDirectory()
        let created = try raster(dir, "u64.tif", type: .uint64)
        try created.band(1).setNoDataValue(18_446_744_073_709_551_615.0)
        try created.band(1).write(everything, values: [18_446_744_073_709_551_615.0, 1, -5, .nan])
        try created.close()
        let band = try Dataset.open(dir.path("u64.tif")).band(1)
        #expect(try band.noData == .uint64(UInt64.max))
        #expect(try band.readAll(as: UInt64.self) == [UInt64.max, 1, 0, 0])
        let signed = try raster(dir, "i64.tif", type: .int64)
        try signed.band(1).setNoDataValue(9_223_372_036_854_775_807.0)
        #expect(try signed.band(1).noData == .int64(Int64.max))
        #expect(throws: GDALError.self) { try signed.band(1).setNoDataValue(0.5) }
        // Bytes go into a signed byte band as they are: 0xFF is -1.
        let bytes = try raster(dir, "int8.tif", type: .int8)
        try bytes.band(1).write(everything, values: [UInt8(0xFF), 0xFD, 1, 0x80])
        #expect(try bytes.band(1).readAll(as: Int8.self) == [-1, -3, 1, -128])
    }

    @Test func maskFlagsTellWhetherThereIsAMaskToRead() throws {
        let dir = try TemporaryDirectory()
        let plain = try raster(dir, "plain.tif", type: .float32)
        #expect(try plain.band(1).maskFlags == .allValid)
        #expect(try !plain.band(1).maskFlags.isStoredMask)
        let withNoData = try raster(dir, "nodata.tif", type: .float32)
        try withNoData.band(1).setNoDataValue(-9999)
        try withNoData.close()
        let reopened = try Dataset.open(dir.path("nodata.tif")).band(1)
        #expect(try reopened.maskFlags == .noData)
        #expect(try !reopened.maskFlags.isStoredMask)
    }

    @Test func aPerDatasetMaskIsWrittenAndReadBack() throws {
        let dir = try TemporaryDirectory()
        let created = try raster(dir, "masked.tif", type: .float32, bands: 2)
        try created.band(1).write(everything, values: [Float](repeating: 5, count: 4))
        try created.createMaskBand()
        try created.band(1).maskBand().write(everything, values: [UInt8(255), 0, 255, 0])
        try created.close()

        let dataset = try Dataset.open(dir.path("masked.tif"))
        for index in 1...2 {
            let band = try dataset.band(index)
            let flags = try band.maskFlags
            #expect(flags.contains(.perDataset))
            #expect(flags.isStoredMask)
            #expect(try band.maskBand().readAll(as: UInt8.self) == [255, 0, 255, 0])
        }
    }

    @Test func aPerBandMaskIsAStoredMaskToo() throws {
        let dir = try TemporaryDirectory()
        let created = try Driver.named("MEM").createRaster(path: "", width: 4, height: 1, bands: 1, type: .float32)
        try created.band(1).createMaskBand([])
        try created.band(1).maskBand().write(everything, values: [UInt8(0), 255, 255, 255])
        let flags = try created.band(1).maskFlags
        #expect(flags == [])
        #expect(flags.isStoredMask)
        #expect(try created.band(1).maskBand().readAll(as: UInt8.self) == [0, 255, 255, 255])
        _ = dir
    }

    @Test func anAlphaBandIsTheMask() throws {
        let dir = try TemporaryDirectory()
        let created = try raster(dir, "rgba.tif", type: .byte, bands: 4, options: ["ALPHA=YES", "PHOTOMETRIC=RGB"])
        for index in 1...3 { try created.band(index).write(everything, values: [UInt8](repeating: 9, count: 4)) }
        try created.band(4).write(everything, values: [UInt8(0), 255, 128, 0])
        try created.close()

        let dataset = try Dataset.open(dir.path("rgba.tif"))
        #expect(try dataset.band(4).colorInterpretation == .alpha)
        let flags = try dataset.band(1).maskFlags
        #expect(flags.contains(.alpha))
        #expect(flags.contains(.perDataset))
        #expect(try dataset.band(1).maskBand().readAll(as: UInt8.self) == [0, 255, 128, 0])
    }

    @Test func theValiditySourceFindsAlphaBandsGDALsDefaultMaskMisses() throws {
        let dir = try TemporaryDirectory()
        let rgba = try raster(dir, "rgba.tif", type: .byte, bands: 4, options: ["ALPHA=YES", "PHOTOMETRIC=RGB"])
        #expect(try rgba.band(1).validitySource() == .maskBand([.alpha, .perDataset]))
        // Five bands, the last one alpha: GDAL's mask says all valid, gdalwarp would take band 5 as alpha.
        let stack = try raster(dir, "stack.tif", type: .uint16, bands: 5)
        try stack.band(5).setColorInterpretation(.alpha)
        try stack.close()
        let reopened = try Dataset.open(dir.path("stack.tif"))
        #expect(try reopened.band(1).maskFlags == .allValid)
        #expect(try reopened.band(1).validitySource() == .alphaBand(5))
        #expect(try reopened.band(1).validitySource()?.description == "alpha band 5 (0 transparent)")
        #expect(try reopened.band(5).validitySource() == nil)
        let plain = try raster(dir, "plain.tif", type: .float32, bands: 2)
        #expect(try plain.band(1).validitySource() == nil)
    }

    @Test func bandsAndLayersOfAClosedDatasetRefuseToWork() throws {
        let dir = try TemporaryDirectory()
        let dataset = try raster(dir, "closed.tif", type: .float32)
        let band = try dataset.band(1)
        try dataset.close()
        #expect(band.width == 4)  // fixed when opened, no handle needed
        #expect(throws: GDALError.self) { try band.noDataValue }
        #expect(throws: GDALError.self) { try band.scale }
        #expect(throws: GDALError.self) { try band.maskFlags }
        #expect(throws: GDALError.self) { try band.maskBand() }
        #expect(throws: GDALError.self) { try band.unitType }
        #expect(throws: GDALError.self) { try band.setDescription("x") }
        #expect(throws: GDALError.self) { try band.readAll(as: Float.self) }

        let vector = try Driver.named("GeoJSON").createVector(path: dir.path("v.geojson"))
        let layer = try vector.createLayer(name: "v", spatialReference: nil, geometryType: .polygon)
        try vector.close()
        #expect(layer.name == "v")
        #expect(throws: GDALError.self) { try layer.featureCount }
        #expect(throws: GDALError.self) { try layer.fields }
        #expect(throws: GDALError.self) { try layer.extent() }
        #expect(throws: GDALError.self) { try layer.resetReading() }
        #expect(throws: GDALError.self) { try layer.nextFeature() }
        #expect(throws: GDALError.self) { try layer.spatialReference() }
        #expect(throws: GDALError.self) { try layer.addFeature(values: [], geometry: nil) }
    }
}

@Suite struct GeometryCheckTests {
    @Test func anUnclosedRingCannotBeRepaired() throws {
        // GEOS calls it invalid, then refuses to repair it, with its own words.
        let open = try Geometry(wkt: "POLYGON ((0 0,1 0,1 1,0 1))")
        #expect(open.validity == .invalid)
        do {
            _ = try open.madeValid()
            Issue.record("MakeValid must fail on an unclosed ring")
        } catch let error as GDALError {
            #expect(error.message.contains("Points of LinearRing do not form a closed linestring"))
        }
        #expect(try Geometry(wkt: "POLYGON ((0 0,1 0,1 1,0 1,0 0))").validity == .valid)
        #expect(try Geometry(wkt: "POLYGON ((0 0,1 1,1 0,0 1,0 0))").validity == .invalid)
    }

    @Test func segmentizeSplitsLongEdges() throws {
        let square = try Geometry(wkt: "POLYGON ((0 0,10 0,10 10,0 10,0 0))")
        #expect(square.pointCount == 5)
        try square.segmentize(maxLength: 1)
        #expect(square.pointCount == 41)
        #expect(abs(square.area - 100) < 1e-9)
        #expect(throws: GDALError.self) { try square.segmentize(maxLength: 0) }
    }

    @Test func repairedCollectionsKeepOnlyPolygons() throws {
        // A bow-tie made valid is two triangles.
        let repaired = try Geometry(wkt: "POLYGON ((0 0,1 1,1 0,0 1,0 0))").madeValid()
        #expect(repaired.value.polygons.count == 2)
        #expect(abs(repaired.area - 0.5) < 1e-12)
    }
}
