import CGDAL

/// A class of a categorical raster (a mask): its value, its name and its colour.
public struct RasterCategory: Sendable, Equatable {
    public let value: Int
    public let name: String
    /// `#rrggbb`, or `#rrggbbaa`.
    public let colour: String

    public init(value: Int, name: String, colour: String) {
        self.value = value
        self.name = name
        self.colour = colour
    }
}

extension RasterBand {
    /// Writes a colour table and category names (GDAL's way to say what the values of a categorical raster
    /// mean: QGIS shows the names as its legend, `gdalinfo` lists them). Values not given get no name and a
    /// transparent colour. Values are 0...255 (Byte rasters).
    public func setCategories(_ categories: [RasterCategory]) throws {
        guard dataset.isOpen else { throw GDALError(path: dataset.path, message: "\(label) used after its dataset was closed") }
        guard let top = categories.map(\.value).max(), top < 256, (categories.map(\.value).min() ?? 0) >= 0 else {
            throw GDALError(path: dataset.path, message: "category values must be 0 to 255")
        }
        let table = try GDALCall.handle(dataset.path, "create colour table") { GDALCreateColorTable(GPI_RGB) }
        defer { GDALDestroyColorTable(table) }
        var names = [String](repeating: "", count: top + 1)
        for category in categories {
            let (r, g, b, a) = RasterCategory.components(category.colour)
            var entry = GDALColorEntry(c1: r, c2: g, c3: b, c4: a)
            GDALSetColorEntry(table, Int32(category.value), &entry)
            names[category.value] = category.name
        }
        for value in 0...top where !categories.contains(where: { $0.value == value }) {
            var entry = GDALColorEntry(c1: 0, c2: 0, c3: 0, c4: 0)
            GDALSetColorEntry(table, Int32(value), &entry)
        }
        let h = handle
        try GDALCall.cpl(dataset.path, "set colour table") { GDALSetRasterColorTable(h, table) }
        try GDALCall.cpl(dataset.path, "set category names") {
            var pointers: [UnsafeMutablePointer<CChar>?] = names.map { strdup($0) } + [nil]
            defer { for p in pointers { free(p) } }
            return pointers.withUnsafeMutableBufferPointer { GDALSetRasterCategoryNames(h, $0.baseAddress) }
        }
    }

    /// The colour table, indexed by value (empty when the band has none): RGB(A) entries as `#rrggbbaa`.
    public var colourTable: [String] {
        get throws {
            let h = try liveHandleForCategories()
            guard let table = GDALGetRasterColorTable(h) else { return [] }
            return (0..<GDALGetColorEntryCount(table)).map { index in
                var entry = GDALColorEntry()
                GDALGetColorEntryAsRGB(table, index, &entry)
                return String(format: "#%02x%02x%02x%02x", entry.c1, entry.c2, entry.c3, entry.c4)
            }
        }
    }

    private func liveHandleForCategories() throws -> GDALRasterBandH {
        guard dataset.isOpen else { throw GDALError(path: dataset.path, message: "\(label) used after its dataset was closed") }
        return handle
    }

    /// The category names, indexed by value (empty when the band has none).
    public var categoryNames: [String] {
        get throws {
            // The dataset must be open (its bands are freed when it closes). GeoTIFF loads its side file
            // (.aux.xml, where the names are) on the first metadata request, not on this one.
            let owner = try dataset.openHandle()
            _ = GDALGetMetadata(owner, nil)
            return names(GDALGetRasterCategoryNames(handle))
        }
    }

    private func names(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        var names: [String] = []
        var i = 0
        while let item = list[i] {
            names.append(String(cString: item))
            i += 1
        }
        return names
    }
}

extension RasterCategory {
    public static func components(_ hex: String) -> (Int16, Int16, Int16, Int16) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        let value = UInt32(digits, radix: 16) ?? 0
        if digits.count == 8 {
            return (Int16((value >> 24) & 255), Int16((value >> 16) & 255), Int16((value >> 8) & 255), Int16(value & 255))
        }
        return (Int16((value >> 16) & 255), Int16((value >> 8) & 255), Int16(value & 255), 255)
    }
}
