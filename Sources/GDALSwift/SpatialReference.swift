import CGDAL

/// A coordinate reference system. Always uses the traditional GIS axis order (x = easting/longitude,
/// y = northing/latitude), whatever the authority says, so EPSG:4326 coordinates are (lon, lat).
public final class SpatialReference {
    let handle: OGRSpatialReferenceH

    private init(owning handle: OGRSpatialReferenceH) {
        self.handle = handle
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    /// A copy of a CRS owned by something else (a dataset or a layer).
    init(cloning other: OGRSpatialReferenceH, path: String?) throws {
        self.handle = try GDALCall.handle(path, "copy CRS") { OSRClone(other) }
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRRelease(handle) }

    /// The CRS with this EPSG code.
    public convenience init(epsg: Int) throws {
        let handle = try GDALCall.handle(nil, "create CRS") { OSRNewSpatialReference(nil) }
        let srs = SpatialReference(owning: handle)
        try GDALCall.ogr(nil, "EPSG:\(epsg) is not a known CRS") { OSRImportFromEPSG(handle, Int32(epsg)) }
        self.init(owning: OSRClone(srs.handle))
    }

    /// A CRS from anything a user may type: `EPSG:4326`, WKT, a PROJ string, PROJJSON, or a file with a CRS.
    public convenience init(definition: String) throws {
        let handle = try GDALCall.handle(nil, "create CRS") { OSRNewSpatialReference(nil) }
        let srs = SpatialReference(owning: handle)
        do {
            try GDALCall.ogr(nil, "read CRS") { OSRSetFromUserInput(handle, definition) }
        } catch let error as GDALError {
            throw GDALError(path: nil, message: "'\(definition)' is not a CRS GDAL understands: \(error.message)")
        }
        self.init(owning: OSRClone(srs.handle))
    }

    /// The CRS stored in a raster or (first layer of a) vector file, nil when it has none.
    public static func of(file path: String) throws -> SpatialReference? {
        let dataset = try Dataset.open(path)
        if dataset.bandCount > 0 { return try dataset.spatialReference() }
        if dataset.layerCount > 0 { return try dataset.layer(at: 0).spatialReference() }
        return nil
    }

    public var name: String {
        OSRGetName(handle).map { String(cString: $0) } ?? "unnamed"
    }

    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }
    public var isProjected: Bool { OSRIsProjected(handle) != 0 }

    /// Metres per linear unit of a projected CRS (1 for metres).
    public var linearUnitsInMetres: Double { OSRGetLinearUnits(handle, nil) }

    /// WKT2 (2019) text.
    public func wkt() throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        try withConstCStringList(["FORMAT=WKT2_2019", "MULTILINE=NO"]) { options in
            try GDALCall.ogr(nil, "export CRS to WKT") { OSRExportToWktEx(handle, &text, options) }
        }
        defer { VSIFree(text) }
        return text.map { String(cString: $0) } ?? ""
    }

    /// PROJ string (may lose information; for display).
    public func projString() throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        try GDALCall.ogr(nil, "export CRS to PROJ") { OSRExportToProj4(handle, &text) }
        defer { VSIFree(text) }
        return text.map { String(cString: $0) } ?? ""
    }

    /// The EPSG code of this CRS, or nil when none can be identified with confidence.
    public var epsgCode: Int? {
        if let code = authorityCode(of: handle) { return code }
        // Files often carry a CRS without its code (e.g. a shapefile's .prj): ask PROJ for a match.
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>?
        guard let matches = OSRFindMatches(handle, nil, &count, &confidences) else {
            CPLErrorReset()
            return nil
        }
        defer {
            OSRFreeSRSArray(matches)
            VSIFree(confidences)
        }
        var best: (code: Int, confidence: Int32)?
        for index in 0..<Int(count) {
            guard let match = matches[index], let confidence = confidences?[index], confidence >= 90,
                  let code = authorityCode(of: match)
            else { continue }
            if best == nil || confidence > best!.confidence { best = (code, confidence) }
        }
        return best?.code
    }

    private func authorityCode(of srs: OGRSpatialReferenceH) -> Int? {
        guard let authority = OSRGetAuthorityName(srs, nil), String(cString: authority) == "EPSG",
              let code = OSRGetAuthorityCode(srs, nil)
        else { return nil }
        return Int(String(cString: code))
    }

    /// WGS 84 longitude and latitude (`SetWellKnownGeogCS("WGS84")`), the CRS of RFC 7946 GeoJSON.
    public static func wgs84() throws -> SpatialReference {
        let handle = try GDALCall.handle(nil, "create CRS") { OSRNewSpatialReference(nil) }
        let srs = SpatialReference(owning: handle)
        try GDALCall.ogr(nil, "create the WGS 84 CRS") { OSRSetWellKnownGeogCS(handle, "WGS84") }
        return srs
    }

    /// The number of axes (3 for a geographic 3D or a compound CRS with heights).
    public var axisCount: Int { Int(OSRGetAxesCount(handle)) }

    /// `OSRIsSameEx` with these options (`CRITERION=...`, `IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES`).
    public func isSame(as other: SpatialReference, options: [String]) -> Bool {
        withConstCStringList(options) { OSRIsSameEx(handle, other.handle, $0) != 0 }
    }

    /// Whether both describe the same CRS (ignoring axis-order metadata).
    public func isSame(as other: SpatialReference) -> Bool {
        isSame(as: other, options: ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS"])
    }
}
