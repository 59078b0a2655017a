import ExposureCore
import GDALSwift

/// What `exposure info` reports about a raster.
public struct RasterDescription: Encodable, Sendable {
    public struct Band: Encodable, Sendable {
        public let index: Int
        public let dataType: String
        public let noData: Double?
        public let scale: Double?
        public let offset: Double?
        public let blockWidth: Int
        public let blockHeight: Int
        public let description: String
        public let unit: String
        /// The nodata value in the band's type (exact for Int64 and UInt64; `noData` rounds those).
        public let exactNoData: NoDataValue?
        /// The band's mask when it says more than the nodata value (a mask band, an alpha band), else nil.
        public let mask: String?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(dataType, forKey: .dataType)
            switch exactNoData {
            case .int64(let v)?: try c.encode(v, forKey: .noData)
            case .uint64(let v)?: try c.encode(v, forKey: .noData)
            default: try c.encode(noData.map(JSONNumber.init), forKey: .noData)
            }
            try c.encode(mask, forKey: .mask)
            try c.encode(scale, forKey: .scale)
            try c.encode(offset, forKey: .offset)
            try c.encode([blockWidth, blockHeight], forKey: .blockSize)
            try c.encode(description, forKey: .description)
            try c.encode(unit, forKey: .unit)
        }

        enum CodingKeys: String, CodingKey { case index, dataType, noData, mask, scale, offset, blockSize, description, unit }
    }

    public let path: String
    public let driver: String
    public let width: Int
    public let height: Int
    public let bandCount: Int
    public let epsg: Int?
    public let crsName: String?
    public let crsWKT: String?
    public let geoTransform: [Double]?
    public let bands: [Band]
    public let subdatasets: [String]

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("raster", forKey: .kind)
        try c.encode(path, forKey: .path)
        try c.encode(driver, forKey: .driver)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(bandCount, forKey: .bandCount)
        try c.encode(epsg, forKey: .epsg)
        try c.encode(crsName, forKey: .crsName)
        try c.encode(crsWKT, forKey: .crsWKT)
        try c.encode(geoTransform, forKey: .geoTransform)
        try c.encode(bands, forKey: .bands)
        try c.encode(subdatasets, forKey: .subdatasets)
    }

    public enum CodingKeys: String, CodingKey {
        case kind, path, driver, width, height, bandCount, epsg, crsName, crsWKT, geoTransform, bands, subdatasets
    }
}

/// What `exposure info` reports about a vector source.
public struct VectorDescription: Encodable, Sendable {
    public struct Field: Encodable, Sendable {
        public let name: String
        public let type: String
    }

    public struct Layer: Encodable, Sendable {
        public let name: String
        public let featureCount: Int
        public let geometryType: String
        public let epsg: Int?
        public let crsName: String?
        public let extent: [Double]?
        public let fields: [Field]

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(featureCount, forKey: .featureCount)
            try c.encode(geometryType, forKey: .geometryType)
            try c.encode(epsg, forKey: .epsg)
            try c.encode(crsName, forKey: .crsName)
            try c.encode(extent, forKey: .extent)
            try c.encode(fields, forKey: .fields)
        }

        enum CodingKeys: String, CodingKey { case name, featureCount, geometryType, epsg, crsName, extent, fields }
    }

    public let path: String
    public let driver: String
    public let layers: [Layer]

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("vector", forKey: .kind)
        try c.encode(path, forKey: .path)
        try c.encode(driver, forKey: .driver)
        try c.encode(layers, forKey: .layers)
    }

    public enum CodingKeys: String, CodingKey { case kind, path, driver, layers }
}

/// A raster or a vector description.
public enum DatasetDescription: Encodable, Sendable {
    case raster(RasterDescription)
    case vector(VectorDescription)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .raster(let r): try r.encode(to: encoder)
        case .vector(let v): try v.encode(to: encoder)
        }
    }

    /// Opens `path` and describes it. A raster is also probed by reading its first and last blocks, so a
    /// truncated file is reported here rather than half-way through an analysis.
    public static func describe(path: String) throws -> DatasetDescription {
        let dataset = try Dataset.open(path)
        if dataset.bandCount > 0 || !dataset.subdatasets().isEmpty {
            return .raster(try describeRaster(dataset))
        }
        if dataset.layerCount > 0 {
            return .vector(try describeVector(dataset))
        }
        throw ExposureError("GDAL opened the file but it holds neither raster bands nor vector layers", path: path)
    }

    public static func describeRaster(_ dataset: Dataset) throws -> RasterDescription {
        let srs = try dataset.spatialReference()
        var bands: [RasterDescription.Band] = []
        for index in stride(from: 1, through: dataset.bandCount, by: 1) {
            let band = try dataset.band(index)
            try probe(band)
            let block = band.blockSize
            let noData = try band.noData, mask = try band.validitySource()
            bands.append(.init(
                index: index, dataType: band.dataType.rawValue, noData: noData?.doubleValue, scale: try band.scale,
                offset: try band.offset, blockWidth: block.width, blockHeight: block.height,
                description: try band.bandDescription, unit: try band.unitType, exactNoData: noData,
                mask: mask?.description))
        }
        return RasterDescription(
            path: dataset.path, driver: dataset.driverName, width: dataset.width, height: dataset.height,
            bandCount: dataset.bandCount, epsg: srs?.epsgCode, crsName: srs?.name, crsWKT: try srs?.wkt(),
            geoTransform: try dataset.geoTransform(), bands: bands,
            subdatasets: dataset.subdatasets().map(\.path))
    }

    /// Reads the first and the last block of a band (cheap, and catches truncated files).
    public static func probe(_ band: RasterBand) throws {
        let block = band.blockSize
        let w = min(block.width, band.width), h = min(block.height, band.height)
        guard w > 0, h > 0 else { return }
        _ = try band.read(RasterWindow(column: 0, row: 0, width: w, height: h), as: Double.self)
        let lastColumn = ((band.width - 1) / block.width) * block.width
        let lastRow = ((band.height - 1) / block.height) * block.height
        _ = try band.read(
            RasterWindow(column: lastColumn, row: lastRow, width: min(block.width, band.width - lastColumn),
                         height: min(block.height, band.height - lastRow)), as: Double.self)
    }

    public static func describeVector(_ dataset: Dataset) throws -> VectorDescription {
        var layers: [VectorDescription.Layer] = []
        for index in 0..<dataset.layerCount {
            let layer = try dataset.layer(at: index)
            let srs = try layer.spatialReference()
            let extent = try layer.extent().map { [$0.minX, $0.minY, $0.maxX, $0.maxY] }
            layers.append(.init(
                name: layer.name, featureCount: try layer.featureCount, geometryType: try layer.geometryTypeName,
                epsg: srs?.epsgCode, crsName: srs?.name, extent: extent,
                fields: try layer.fields.map { .init(name: $0.name, type: $0.type.rawValue) }))
        }
        return VectorDescription(path: dataset.path, driver: dataset.driverName, layers: layers)
    }
}

/// A Double that encodes NaN and infinities (legal nodata values) as strings instead of failing.
public struct JSONNumber: Encodable {
    public let value: Double
    public init(_ value: Double) { self.value = value }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) } else { try c.encode(String(value)) }
    }
}
