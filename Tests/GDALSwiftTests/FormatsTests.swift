import Foundation
import GDALSwift
import TestSupport
import Testing

/// The paths and formats the product reads: netCDF subdatasets, VRT, /vsizip/.
@Suite struct FormatsTests {
    /// Runs a helper program and requires it to succeed.
    static func runTool(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed")
    }

    func twoBandSource() throws -> Dataset {
        let source = try Driver.named("MEM").createRaster(path: "", width: 4, height: 3, bands: 2, type: .float32)
        try source.setGeoTransform([10, 1, 0, 20, 0, -1])
        try source.setSpatialReference(SpatialReference(epsg: 4326))
        try source.band(1).write(RasterWindow(column: 0, row: 0, width: 4, height: 3), values: (0..<12).map { Float($0) })
        try source.band(2).write(RasterWindow(column: 0, row: 0, width: 4, height: 3), values: (0..<12).map { Float($0 * 10) })
        return source
    }

    @Test func netCDFVariablesAreSubdatasets() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("two.nc")
        try Driver.named("netCDF").createCopy(path: path, from: try twoBandSource()).close()
        let file = try Dataset.open(path)
        let subdatasets = file.subdatasets()
        #expect(subdatasets.count == 2)
        let variable = try Dataset.open(try #require(subdatasets.last?.path))
        #expect(variable.width == 4 && variable.height == 3)
        let values = try variable.band(1).readAll(as: Float.self)
        #expect(Set(values) == Set((0..<12).map { Float($0 * 10) }))
    }

    /// The source given to createCopy is a temporary: the VRT must keep it open until the VRT is closed
    /// (it used to be closed first, and closing the VRT then crashed in VRTSimpleSource::FlushCache).
    @Test func vrtReadsThroughToItsSource() throws {
        let dir = try TemporaryDirectory()
        try Driver.named("GTiff").createCopy(path: dir.path("base.tif"), from: try twoBandSource()).close()
        try Driver.named("VRT").createCopy(path: dir.path("view.vrt"), from: try Dataset.open(dir.path("base.tif"))).close()
        let vrt = try Dataset.open(dir.path("view.vrt"))
        #expect(vrt.driverName == "VRT")
        #expect(try vrt.band(2).read(RasterWindow(column: 3, row: 2, width: 1, height: 1), as: Double.self) == [110])
    }

    @Test func zippedFilesOpenThroughVSIZip() throws {
        let dir = try TemporaryDirectory()
        try Driver.named("GTiff").createCopy(path: dir.path("pop.tif"), from: try twoBandSource()).close()
        try Self.runTool(["python3", "-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1],'w').write(sys.argv[2],'data/pop.tif')",
                          dir.path("archive.zip"), dir.path("pop.tif")])
        let zipped = try Dataset.open("/vsizip/\(dir.path("archive.zip"))/data/pop.tif")
        #expect(zipped.bandCount == 2)
        #expect(try zipped.band(1).readAll(as: Int32.self) == (0..<12).map { Int32($0) })
    }
}
