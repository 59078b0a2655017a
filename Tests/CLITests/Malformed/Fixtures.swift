import Foundation
import GDALSwift

/// The corpus's valid inputs, small and written fresh for every case, from which the malformed ones are
/// made. Everything lies in UTM 18N (EPSG:32618) on a 100 m grid whose top-left corner is (500000, 701000):
///
/// * `in/pop.tif`: 10 x 10 Float32 cells of 1 person (100 people), nodata -9999;
/// * `in/regions.geojson`: regions A (west half, 50 people) and B (east half, 50 people), fields code, name;
/// * `in/hazard.tif`: the same grid, depth 0 in the west half and 1 m in the east half;
/// * optical scenes (6-band Landsat 7 stack), SAR scenes (1 band, dB) and a DEM, 20 x 20 cells.
enum Fixture {
    static let epsg = 32618
    static let originX = 500_000.0, originY = 701_000.0, cell = 100.0
    static var geoTransform: [Double] { [originX, cell, 0, originY, 0, -cell] }
    static let crsMember = #""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32618"}}"#

    /// A polygon covering cells [column0, column1) x [row0, row1) of the standard grid, as GeoJSON.
    static func square(columns: ClosedRange<Double>, rows: ClosedRange<Double>) -> String {
        let x0 = originX + columns.lowerBound * cell, x1 = originX + columns.upperBound * cell
        let y0 = originY - rows.upperBound * cell, y1 = originY - rows.lowerBound * cell
        return #"{"type": "Polygon", "coordinates": [[[\#(x0), \#(y0)], [\#(x1), \#(y0)], [\#(x1), \#(y1)], [\#(x0), \#(y1)], [\#(x0), \#(y0)]]]}"#
    }

    static func squareWKT(columns: ClosedRange<Double>, rows: ClosedRange<Double>) -> String {
        let x0 = originX + columns.lowerBound * cell, x1 = originX + columns.upperBound * cell
        let y0 = originY - rows.upperBound * cell, y1 = originY - rows.lowerBound * cell
        return "POLYGON ((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1), \(x0) \(y0)))"
    }

    static let west = square(columns: 0...5, rows: 0...10)
    static let east = square(columns: 5...10, rows: 0...10)

    /// A feature's JSON.
    static func feature(_ properties: [String: String], _ geometry: String) -> String {
        let props = properties.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)): \($0.value)" }.joined(separator: ", ")
        return #"{"type": "Feature", "properties": {\#(props)}, "geometry": \#(geometry)}"#
    }

    /// A region with text code and name.
    static func region(_ code: String, _ name: String, _ geometry: String) -> String {
        feature(["code": jsonString(code), "name": jsonString(name)], geometry)
    }

    static func featureCollection(_ features: [String], crs: Bool = true) -> String {
        "{\"type\": \"FeatureCollection\", \(crs ? crsMember + ", " : "")\"features\": [\n" + features.joined(separator: ",\n") + "\n]}\n"
    }

    static func jsonString(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    static var standardRegions: String {
        featureCollection([region("A", "West", west), region("B", "East", east)])
    }
}

extension Workspace {
    /// ``raster(_:width:height:bands:type:geoTransform:epsg:crs:noData:options:alpha:driver:as:values:)`` with Double values.
    func raster(
        _ relative: String, width: Int = 10, height: Int = 10, bands: Int = 1, type: RasterDataType = .float32,
        geoTransform: [Double]? = Fixture.geoTransform, epsg: Int? = Fixture.epsg, crs: String? = nil, noData: Double? = -9999,
        options: [String] = [], alpha: Bool = false, driver: String = "GTiff",
        values: (_ band: Int, _ column: Int, _ row: Int) -> Double = { _, _, _ in 1 }
    ) throws {
        try raster(relative, width: width, height: height, bands: bands, type: type, geoTransform: geoTransform, epsg: epsg, crs: crs,
                   noData: noData, options: options, alpha: alpha, driver: driver, as: Double.self, values: values)
    }

    /// Writes a GeoTIFF (or any format `driver` names): `values(band, column, row)` for every cell.
    func raster<T: RasterElement>(
        _ relative: String, width: Int = 10, height: Int = 10, bands: Int = 1, type: RasterDataType = .float32,
        geoTransform: [Double]? = Fixture.geoTransform, epsg: Int? = Fixture.epsg, crs: String? = nil, noData: Double? = -9999,
        options: [String] = [], alpha: Bool = false, driver: String = "GTiff", as: T.Type,
        values: (_ band: Int, _ column: Int, _ row: Int) -> T
    ) throws {
        let path = self.path(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let dataset = try Driver.named(driver).createRaster(path: path, width: width, height: height, bands: bands, type: type, options: options)
        if let geoTransform { try dataset.setGeoTransform(geoTransform) }
        if let crs {
            try dataset.setSpatialReference(SpatialReference(definition: crs))
        } else if let epsg {
            try dataset.setSpatialReference(SpatialReference(epsg: epsg))
        }
        for b in 1...bands {
            if alpha && b == bands {
                // The alpha band (ALPHA=YES): written by the caller's values too, but never given a nodata.
                var cells: [T] = []
                for row in 0..<height { for column in 0..<width { cells.append(values(b, column, row)) } }
                try dataset.band(b).write(RasterWindow(column: 0, row: 0, width: width, height: height), values: cells)
                continue
            }
            let band = try dataset.band(b)
            if let noData { try band.setNoDataValue(noData) }
            var cells: [T] = []
            cells.reserveCapacity(width * height)
            for row in 0..<height { for column in 0..<width { cells.append(values(b, column, row)) } }
            try band.write(RasterWindow(column: 0, row: 0, width: width, height: height), values: cells)
        }
        try dataset.close()
    }

    /// The standard population, regions and hazard (see ``Fixture``).
    func standardInputs(hazard: Bool = true) throws {
        try raster("in/pop.tif")
        try write("in/regions.geojson", Fixture.standardRegions)
        if hazard { try standardHazard("in/hazard.tif") }
    }

    func standardHazard(_ relative: String) throws {
        try raster(relative) { _, column, _ in column < 5 ? 0 : 1 }
    }

    /// A 20 x 20 Landsat 7 stack (UInt16 reflectance x 10000): water (high green, low NIR and SWIR) in the
    /// first `waterColumns` columns, land elsewhere, with a little deterministic texture so Otsu has a spread.
    func opticalScene(_ relative: String, waterColumns: Int, size: Int = 20, epsg: Int? = Fixture.epsg,
                      value: ((_ band: Int, _ column: Int, _ row: Int) -> Double)? = nil) throws {
        try raster(relative, width: size, height: size, bands: 6, type: .uint16, epsg: epsg, noData: nil) { band, column, row in
            if let value { return value(band, column, row) }
            let texture = Double((column * 7 + row * 13) % 11) * 10
            let water: [Double] = [900, 1500, 700, 300, 150, 100]
            let land: [Double] = [600, 800, 900, 3000, 2200, 1500]
            return (column < waterColumns ? water : land)[band - 1] + texture
        }
    }

    /// A 20 x 20 one-band SAR backscatter scene in dB: water (-22 dB) in the first `waterColumns` columns.
    func sarScene(_ relative: String, waterColumns: Int, size: Int = 20, noData: Double? = nil,
                  value: ((_ column: Int, _ row: Int) -> Double)? = nil) throws {
        try raster(relative, width: size, height: size, type: .float32, noData: noData) { _, column, row in
            if let value { return value(column, row) }
            let texture = Double((column * 7 + row * 13) % 5) * 0.1
            return (column < waterColumns ? -22 : -9) - texture
        }
    }

    /// A 20 x 20 DEM rising from 0 m at the east edge to 9.5 m at the west edge.
    func dem(_ relative: String, size: Int = 20, noData: Double? = -9999,
             value: ((_ column: Int, _ row: Int) -> Double)? = nil) throws {
        try raster(relative, width: size, height: size, noData: noData) { _, column, row in
            value?(column, row) ?? Double(size - 1 - column) * 0.5
        }
    }

    /// Census polygons (the standard regions) with a `people` field holding `counts` (JSON literals).
    func census(_ relative: String, counts: [String]) throws {
        let geometries = [Fixture.west, Fixture.east]
        let features = counts.enumerated().map { index, count in
            Fixture.feature(["code": Fixture.jsonString("C\(index)"), "people": count], geometries[index % 2])
        }
        try write(relative, Fixture.featureCollection(features))
    }

    /// A shapefile (or other OGR format) of polygons from WKT, with text `code` and `name` fields and no CRS unless given.
    func vector(_ relative: String, driver: String = "ESRI Shapefile", epsg: Int? = nil, layer: String = "regions",
                features: [(code: String, wkt: String?)]) throws {
        let path = self.path(relative)
        let dataset = try Driver.named(driver).createVector(path: path)
        let created = try dataset.createLayer(name: layer, spatialReference: try epsg.map { try SpatialReference(epsg: $0) },
                                              geometryType: .polygon)
        try created.createField(FieldDefinition(name: "code", type: .string))
        try created.createField(FieldDefinition(name: "name", type: .string))
        for feature in features {
            try created.addFeature(values: [.string(feature.code), .string("Region " + feature.code)], geometry: try feature.wkt.map { try Geometry(wkt: $0) })
        }
        try dataset.close()
    }

    /// The standard scenario file `in/scenario.yaml` (paths relative to it), edited by `edit`.
    func scenario(_ edit: (String) -> String = { $0 }, name: String = "in/scenario.yaml") throws {
        try write(name, edit(Workspace.baseScenario))
    }

    /// The inputs the standard scenario file names.
    func scenarioInputs() throws {
        try standardInputs(hazard: false)
        try standardHazard("in/hazard10.tif")
        try raster("in/hazard100.tif") { _, column, _ in column < 5 ? 0.5 : 2 }
    }

    static let baseScenario = """
        name: corpus scenario
        population:
          raster: pop.tif
        regions:
          file: regions.geojson
          id: code
          name: name
        hazard:
          preset: flood-depth
        scenarios:
          baseline:
            return_periods:
              10: hazard10.tif
              100: hazard100.tif

        """

    /// Rows of an RFC 4180 CSV (quoted fields may hold commas, quotes, CR and LF).
    func csvRows(_ relative: String) throws -> [[String]] {
        let text = try self.text(relative)
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var fieldStarted = false
        while index < scalars.endIndex {
            let c = scalars[index]
            if quoted {
                if c == "\"" {
                    let next = scalars.index(after: index)
                    if next < scalars.endIndex && scalars[next] == "\"" {
                        field.unicodeScalars.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !fieldStarted {
                quoted = true
                fieldStarted = true
            } else if c == "," {
                row.append(field); field = ""; fieldStarted = false
            } else if c == "\r" || c == "\n" {
                if c == "\r", scalars.index(after: index) < scalars.endIndex, scalars[scalars.index(after: index)] == "\n" {
                    index = scalars.index(after: index)
                }
                row.append(field); field = ""; fieldStarted = false
                rows.append(row); row = []
            } else {
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
            index = scalars.index(after: index)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// The CSV's rows as dictionaries by header.
    func csvRecords(_ relative: String) throws -> [[String: String]] {
        let rows = try csvRows(relative)
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }
}

/// Checks used by success cases.
enum Checks {
    /// The CSV has `regions` data rows of the header's width, and its populations sum to `population`.
    static func csv(_ relative: String, regions: Int, population: Double? = nil, exposed: Double? = nil,
                    ids: [String]? = nil) -> @Sendable (Workspace) throws -> [String] {
        { workspace in
            var problems: [String] = []
            let rows = try workspace.csvRows(relative)
            guard let header = rows.first else { return ["\(relative) is empty"] }
            if rows.count - 1 != regions { problems.append("\(relative) has \(rows.count - 1) data rows, expected \(regions) (RFC 4180)") }
            for (index, row) in rows.enumerated() where row.count != header.count {
                problems.append("\(relative) row \(index) has \(row.count) fields, the header \(header.count)")
            }
            let records = try workspace.csvRecords(relative)
            func total(_ column: String) -> Double { records.compactMap { Double($0[column] ?? "") }.reduce(0, +) }
            if let population, abs(total("population") - population) > 1e-6 * max(1, population) {
                problems.append("\(relative): population sums to \(total("population")), expected \(population)")
            }
            if let exposed, abs(total("exposed") - exposed) > 1e-6 * max(1, exposed) {
                problems.append("\(relative): exposed sums to \(total("exposed")), expected \(exposed)")
            }
            if let ids, records.map({ $0["region_id"] ?? "" }) != ids {
                problems.append("\(relative): region ids \(records.map { $0["region_id"] ?? "" }), expected \(ids)")
            }
            return problems
        }
    }
}
