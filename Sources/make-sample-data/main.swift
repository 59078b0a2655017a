// Generates sample-rasters/: a fictional river basin ("Río Verde") with a population grid and grids of its
// groups (women, men, children under 5, people 65 and over), municipalities, flood depths by return period
// for two climate scenarios, a DEM, and before/after optical and SAR scenes of a flood. Deterministic: the
// same bytes on every run (a seeded generator; no timestamps in the files).
//
//   swift run -c release make-sample-data sample-rasters
//   make-sample-data bench FOLDER [SIZE] | bench-groups FOLDER | map-bench PATH    (the cases of scripts/bench)
//   make-sample-data bench-dem PATH WIDTH [HEIGHT]                                  (a large coastal DEM)
//   make-sample-data bench-hazards FOLDER | bench-scene FOLDER [SIZE]                (more cases of scripts/bench)
//   make-sample-data read-floor FILE... [--threads N] [--decoder gdal|exposure]
//                                                       (GDAL reading every block once: the bench's floor)
import ExposureCore
import Foundation
import GDALSwift

if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "bench" {
    let folder = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "bench-data"
    let size = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 6000 : 6000
    try BenchCase.write(folder: folder, size: size)
    exit(0)
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "bench-groups" {
    // The 36 age-sex rasters of FOLDER/population.tif (written by `bench` first), in FOLDER/groups/.
    try BenchCase.writeGroups(folder: CommandLine.arguments[2])
    exit(0)
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "bench-hazards" {
    // 16 flood depth rasters (4 scenarios x 4 return periods) on FOLDER/flood.tif's grid, in FOLDER/hazards/.
    try BenchCase.writeHazards(folder: CommandLine.arguments[2])
    exit(0)
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "bench-scene" {
    let size = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 10980 : 10980
    try BenchCase.writeScene(folder: CommandLine.arguments[2], size: size)
    exit(0)
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "read-floor" {
    var files: [String] = [], threads = 1
    var rest = CommandLine.arguments.dropFirst(2).makeIterator()
    // The floor is GDAL's own decoding unless `--decoder exposure`: then the blocks exposure decodes itself
    // (DeflateFloat32Blocks) are read as exposure reads them.
    GDALEnvironment.setConfigOption("EXPOSURE_DECODE_BLOCKS", "NO")
    while let argument = rest.next() {
        if argument == "--decoder" {
            switch rest.next() {
            case "gdal": GDALEnvironment.setConfigOption("EXPOSURE_DECODE_BLOCKS", "NO")
            case "exposure": GDALEnvironment.setConfigOption("EXPOSURE_DECODE_BLOCKS", nil)
            default: throw ExposureError("--decoder takes gdal or exposure")
            }
        } else if argument == "--threads" {
            guard let value = rest.next().flatMap({ Int($0) }), value >= 1 else { throw ExposureError("--threads takes a number of threads") }
            threads = value
        } else {
            files.append(argument)
        }
    }
    try BenchCase.readFloor(files: files, threads: threads)
    exit(0)
}
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "map-bench" {
    try BenchCase.writeMapCase(path: CommandLine.arguments[2])
    exit(0)
}
if CommandLine.arguments.count > 3 && CommandLine.arguments[1] == "bench-dem" {
    guard let width = Int(CommandLine.arguments[3]), width > 0,
          let height = CommandLine.arguments.count > 4 ? Int(CommandLine.arguments[4]) : width, height > 0 else {
        FileHandle.standardError.write(Data("make-sample-data bench-dem PATH WIDTH [HEIGHT]: sizes are positive numbers\n".utf8))
        exit(2)
    }
    try BenchDEM.write(path: CommandLine.arguments[2], width: width, height: height)
    exit(0)
}
let outputFolder = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "sample-rasters"
try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
@MainActor func output(_ name: String) -> String { (outputFolder as NSString).appendingPathComponent(name) }

// MARK: The landscape, as functions of longitude and latitude

let west = -75.60, east = -75.10, south = 5.80, north = 6.10

/// Latitude of the river's centreline at a longitude (it meanders west to east).
@MainActor func riverLatitude(_ lon: Double) -> Double {
    let s = lon - west
    return 5.95 + 0.04 * sin(s * 2 * .pi / 0.25) + 0.012 * sin(s * 2 * .pi / 0.07)
}

/// Distance to the river in km (north-south, good enough at this scale).
@MainActor func riverDistance(lon: Double, lat: Double) -> Double { abs(lat - riverLatitude(lon)) * 110.6 }

/// Elevation of the river bed: 180 m in the west, 120 m in the east.
@MainActor func bedElevation(_ lon: Double) -> Double { 180 - (lon - west) / (east - west) * 60 }

/// Ground elevation in metres: a valley around the river with rolling hills away from it.
@MainActor func elevation(lon: Double, lat: Double) -> Double {
    let d = riverDistance(lon: lon, lat: lat)
    let hills = 8 * sin(lon * 40) * cos(lat * 50) * min(1, d / 3)
    return bedElevation(lon) + 1 + 4 * d + 0.8 * d * d + hills
}

/// River stage above the bed (m) at each return period, baseline and a warmer 2050.
let stages: [(scenario: String, returnPeriod: Int, stage: Double)] = [
    ("baseline", 10, 2.0), ("baseline", 50, 3.0), ("baseline", 100, 3.6), ("baseline", 500, 5.0),
    ("ssp2-4.5-2050", 10, 2.5), ("ssp2-4.5-2050", 50, 3.6), ("ssp2-4.5-2050", 100, 4.3), ("ssp2-4.5-2050", 500, 5.9),
]

/// Flood depth in metres for a river stage; nil outside the flood model's domain (its north-east corner).
@MainActor func floodDepth(lon: Double, lat: Double, stage: Double) -> Double? {
    if lon > -75.20 && lat > 6.04 { return nil }
    return max(0, bedElevation(lon) + stage - elevation(lon: lon, lat: lat))
}

let towns: [(lon: Double, lat: Double, peak: Double)] = [
    (-75.52, riverLatitude(-75.52) + 0.004, 90), (-75.41, riverLatitude(-75.41) - 0.006, 60),
    (-75.33, riverLatitude(-75.33) + 0.010, 120), (-75.22, riverLatitude(-75.22) - 0.003, 70),
    (-75.47, 6.06, 35), (-75.15, 5.84, 40),
]

/// A reservoir: population nodata there (as in WorldPop-style grids).
@MainActor func inReservoir(lon: Double, lat: Double) -> Bool {
    let dx = (lon + 75.26) / 0.02, dy = (lat - 6.07) / 0.01
    return dx * dx + dy * dy < 1
}

var random = SeededGenerator(seed: 20261124)

/// People per cell before the noise: a rural background of 1.5 and towns along the river.
@MainActor func settlementDensity(lon: Double, lat: Double) -> Double {
    var density = 1.5
    for town in towns {
        let dx = (lon - town.lon) * 110.6 * cos(lat * .pi / 180), dy = (lat - town.lat) * 110.6
        density += town.peak * exp(-(dx * dx + dy * dy) / (2 * 1.1 * 1.1))
    }
    return density
}

/// People per cell: a rural background, towns along the river, multiplicative noise.
@MainActor func population(lon: Double, lat: Double) -> Double {
    var density = settlementDensity(lon: lon, lat: lat)
    // People live near the river but not in it.
    let d = riverDistance(lon: lon, lat: lat)
    if d < 0.08 { density *= 0.1 }
    return (density * Double.random(in: 0.7...1.3, using: &random) * 100).rounded() / 100
}

// MARK: Writing

let wgs84 = try SpatialReference(epsg: 4326)
let utm18n = try SpatialReference(epsg: 32618)
let toGeographic = try CoordinateTransformation(from: utm18n, to: wgs84)

@MainActor func writeRaster<T: RasterElement>(
    _ name: String, grid: Grid, crs: SpatialReference, bands: [[T]], type: RasterDataType, noData: Double?,
    descriptions: [String] = [], unit: String = "", metadata: [String: String] = [:], scale: Double? = nil
) throws {
    let predictor = type.isFloatingPoint ? "3" : "2"
    let path = output(name)
    let dataset = try Driver.named("GTiff").createRaster(
        path: path, width: grid.width, height: grid.height, bands: bands.count, type: type,
        options: ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=\(predictor)", "ZLEVEL=9"])
    try dataset.setGeoTransform(grid.transform.coefficients)
    try dataset.setSpatialReference(crs)
    for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { try dataset.setMetadataItem(key, value) }
    for (index, values) in bands.enumerated() {
        let band = try dataset.band(index + 1)
        if let noData { try band.setNoDataValue(noData) }
        if index < descriptions.count { try band.setDescription(descriptions[index]) }
        if !unit.isEmpty { try band.setUnitType(unit) }
        if let scale { try band.setScaleAndOffset(scale: scale, offset: 0) }
        try band.write(RasterWindow(column: 0, row: 0, width: grid.width, height: grid.height), values: values)
    }
    try dataset.close()
    print("wrote \(path)")
}

/// Longitude/latitude of every cell centre of a UTM grid, row-major.
@MainActor func geographicCentres(of grid: Grid) throws -> (lon: [Double], lat: [Double]) {
    var xs: [Double] = [], ys: [Double] = []
    xs.reserveCapacity(grid.cellCount)
    ys.reserveCapacity(grid.cellCount)
    for row in 0..<grid.height {
        for column in 0..<grid.width {
            let c = grid.cellCentre(column: column, row: row)
            xs.append(c.x)
            ys.append(c.y)
        }
    }
    try toGeographic.transform(x: &xs, y: &ys)
    return (xs, ys)
}

// Population: 3 arc-second cells (about 92 m), like WorldPop's 100 m grids, in EPSG:4326.
let arcSeconds3 = 3.0 / 3600
let populationGrid = Grid(width: Int(((east - west) / arcSeconds3).rounded()), height: Int(((north - south) / arcSeconds3).rounded()),
                          transform: GeoTransform(originX: west, originY: north, cellWidth: arcSeconds3, cellHeight: arcSeconds3))
let populationNoData = -99999.0
var people = [Float](repeating: 0, count: populationGrid.cellCount)
for row in 0..<populationGrid.height {
    for column in 0..<populationGrid.width {
        let c = populationGrid.cellCentre(column: column, row: row)
        people[row * populationGrid.width + column] = inReservoir(lon: c.x, lat: c.y)
            ? Float(populationNoData) : Float(population(lon: c.x, lat: c.y))
    }
}
try writeRaster("population.tif", grid: populationGrid, crs: wgs84, bands: [people], type: .float32, noData: populationNoData,
                descriptions: ["people per cell"], unit: "people")

// Population groups on exactly the population's grid: shares that vary smoothly in space and with how urban a
// place is (0 in the countryside, near 1 in a town centre), deterministic functions (no random draws, so the
// files after these keep their bytes). Women: 49-53 % (more in towns); children under 5: 8-12 % (more in the
// countryside); people 65 and over: 5-10 % (more in towns). Men are the population minus the women, so the
// two add up to the population cell by cell.
@MainActor func groupShares(lon: Double, lat: Double) -> (female: Double, under5: Double, over65: Double) {
    let urban = 1 - exp(-(settlementDensity(lon: lon, lat: lat) - 1.5) / 20)
    let wave = 0.5 + 0.5 * sin(lon * 23 + 1) * cos(lat * 31)
    return (0.49 + 0.03 * urban + 0.01 * wave, 0.12 - 0.03 * urban - 0.01 * wave, 0.05 + 0.04 * urban + 0.01 * wave)
}
var female = [Float](repeating: Float(populationNoData), count: populationGrid.cellCount)
var male = female, under5 = female, over65 = female
for row in 0..<populationGrid.height {
    for column in 0..<populationGrid.width {
        let i = row * populationGrid.width + column
        guard people[i] != Float(populationNoData) else { continue }
        let c = populationGrid.cellCentre(column: column, row: row)
        let shares = groupShares(lon: c.x, lat: c.y), p = Double(people[i])
        female[i] = Float(p * shares.female)
        male[i] = Float(p - Double(female[i]))
        under5[i] = Float(p * shares.under5)
        over65[i] = Float(p * shares.over65)
    }
}
for (name, values, description) in [("female", female, "women per cell"), ("male", male, "men per cell"),
                                    ("age_0_4", under5, "children under 5 per cell"), ("age_65_plus", over65, "people 65 and over per cell")] {
    try writeRaster("population_\(name).tif", grid: populationGrid, crs: wgs84, bands: [values], type: .float32,
                    noData: populationNoData, descriptions: [description], unit: "people")
}

// Municipalities: a 4 x 3 mesh of jittered nodes, edges wiggled identically for both neighbours, so the
// municipalities tile the population grid's extent exactly.
var mesh = WigglyMesh(columns: 4, rows: 3, west: west, east: east, south: south, north: north,
                      jitter: (0.03, 0.025), pointsPerEdge: 40, amplitude: 0.004...0.009, random: &random)
let names = ["San Isidro", "Puerto Verde", "La Esperanza", "El Carmen", "Santa Rosa", "Los Almendros",
             "Villa Nueva", "San Rafael", "Las Palmas", "El Porvenir", "Santa Lucía", "Río Claro"]
let municipalitiesPath = output("municipalities.geojson")
try? FileManager.default.removeItem(atPath: municipalitiesPath)
let vector = try Driver.named("GeoJSON").createVector(path: municipalitiesPath)
let layer = try vector.createLayer(name: "municipalities", spatialReference: wgs84, geometryType: .polygon,
                                   options: ["RFC7946=YES", "WRITE_NAME=YES"])
for field in [FieldDefinition(name: "code", type: .string), FieldDefinition(name: "name", type: .string),
              FieldDefinition(name: "department", type: .string)] {
    try layer.createField(field)
}
var index = 0
for j in 0..<3 {
    for i in 0..<4 {
        let ring = mesh.ring(column: i, row: j, random: &random)
        let code = String(format: "RV%02d", index + 1)
        try layer.addFeature(
            values: [.string(code), .string(names[index]), .string(j == 0 ? "Norte" : j == 1 ? "Centro" : "Sur")],
            geometry: Geometry(.polygon([ring.map { Coordinate(x: $0.x, y: $0.y) }])))
        index += 1
    }
}
try vector.close()
print("wrote \(municipalitiesPath)")

// UTM grids covering the basin: flood depth at 100 m, the DEM at 90 m (offset origins, unlike the population).
let utmBounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) = try {
    let toUTM = try CoordinateTransformation(from: wgs84, to: utm18n)
    var xs = [west, east, east, west], ys = [south, south, north, north]
    try toUTM.transform(x: &xs, y: &ys)
    return (xs.min()!, ys.min()!, xs.max()!, ys.max()!)
}()
@MainActor func utmGrid(cell: Double, margin: Double, offset: Double) -> Grid {
    let x0 = ((utmBounds.minX - margin) / cell).rounded(.down) * cell + offset
    let y1 = ((utmBounds.maxY + margin) / cell).rounded(.up) * cell + offset
    let width = Int(((utmBounds.maxX + margin - x0) / cell).rounded(.up))
    let height = Int(((y1 - (utmBounds.minY - margin)) / cell).rounded(.up))
    return Grid(width: width, height: height, transform: GeoTransform(originX: x0, originY: y1, cellWidth: cell, cellHeight: cell))
}

let demGrid = utmGrid(cell: 90, margin: 500, offset: 15)
let demCentres = try geographicCentres(of: demGrid)
let dem = (0..<demGrid.cellCount).map { Float((elevation(lon: demCentres.lon[$0], lat: demCentres.lat[$0]) * 10).rounded() / 10) }
try writeRaster("dem.tif", grid: demGrid, crs: utm18n, bands: [dem], type: .float32, noData: -9999,
                descriptions: ["elevation"], unit: "m")

let floodGrid = utmGrid(cell: 100, margin: 300, offset: 40)
let floodCentres = try geographicCentres(of: floodGrid)
for entry in stages {
    let depth = (0..<floodGrid.cellCount).map { i -> Float in
        guard let d = floodDepth(lon: floodCentres.lon[i], lat: floodCentres.lat[i], stage: entry.stage) else { return -9999 }
        return Float((d * 100).rounded() / 100)
    }
    try writeRaster("flood_\(entry.scenario)_rp\(entry.returnPeriod).tif", grid: floodGrid, crs: utm18n, bands: [depth],
                    type: .float32, noData: -9999, descriptions: ["flood depth"], unit: "m",
                    metadata: ["RETURN_PERIOD_YEARS": String(entry.returnPeriod), "SCENARIO": entry.scenario])
}

// Scenes of the flood (the 50-year baseline event) over the central valley, 30 m cells: a seven-band optical
// scene in Landsat 8 OLI band order 1-7 (coastal, blue, green, red, NIR, SWIR1, SWIR2; reflectance x 10000) and a
// Sentinel-1-like VV backscatter (linear power) with speckle, before and after.
let sceneBounds = (minX: utmBounds.minX + 18_000, maxY: utmBounds.maxY - 8_000)
let sceneGrid = Grid(width: 400, height: 300, transform: GeoTransform(originX: (sceneBounds.minX / 30).rounded() * 30,
                                                                      originY: (sceneBounds.maxY / 30).rounded() * 30, cellWidth: 30, cellHeight: 30))
let sceneCentres = try geographicCentres(of: sceneGrid)
enum Cover { case water, vegetation, urban }
@MainActor func cover(_ i: Int, flooded: Bool) -> Cover {
    let lon = sceneCentres.lon[i], lat = sceneCentres.lat[i]
    if riverDistance(lon: lon, lat: lat) < 0.06 { return .water }
    if flooded, let d = floodDepth(lon: lon, lat: lat, stage: 3.0), d > 0 { return .water }
    return population(lon: lon, lat: lat) > 25 ? .urban : .vegetation
}
let reflectance: [Cover: [Double]] = [
    .water: [0.080, 0.070, 0.060, 0.040, 0.020, 0.010, 0.008],
    .vegetation: [0.050, 0.040, 0.080, 0.050, 0.320, 0.180, 0.090],
    .urban: [0.110, 0.100, 0.120, 0.130, 0.200, 0.220, 0.190],
]
let backscatterDB: [Cover: Double] = [.water: -21, .vegetation: -9, .urban: -4]
for (label, flooded) in [("before", false), ("after", true)] {
    var bands = [[UInt16]](repeating: [UInt16](repeating: 0, count: sceneGrid.cellCount), count: 7)
    var sar = [Float](repeating: 0, count: sceneGrid.cellCount)
    for i in 0..<sceneGrid.cellCount {
        let kind = cover(i, flooded: flooded)
        for b in 0..<7 {
            let value = reflectance[kind]![b] * Double.random(in: 0.9...1.1, using: &random) + Double.random(in: -0.004...0.004, using: &random)
            bands[b][i] = UInt16(max(1, min(10000, (value * 10000).rounded())))
        }
        // Speckle: the mean of 4 exponential looks (gamma, mean 1).
        var speckle = 0.0
        for _ in 0..<4 { speckle += -log(Double.random(in: Double.ulpOfOne...1, using: &random)) }
        sar[i] = Float(pow(10, backscatterDB[kind]! / 10) * speckle / 4)
    }
    try writeRaster("optical_\(label).tif", grid: sceneGrid, crs: utm18n, bands: bands, type: .uint16, noData: 0,
                    descriptions: ["coastal", "blue", "green", "red", "nir", "swir1", "swir2"], unit: "reflectance",
                    metadata: ["SENSOR": "Landsat 8 OLI (bands 1-7)", "ACQUISITION": label == "before" ? "2026-03-02" : "2026-05-21"],
                    scale: 0.0001)
    try writeRaster("sar_\(label).tif", grid: sceneGrid, crs: utm18n, bands: [sar], type: .float32, noData: nil,
                    descriptions: ["VV backscatter"], unit: "linear power",
                    metadata: ["SENSOR": "Sentinel-1 IW GRD (simulated)", "POLARISATION": "VV",
                               "ACQUISITION": label == "before" ? "2026-03-04" : "2026-05-21"])
}
