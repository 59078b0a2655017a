import CGDAL

/// A layer of a vector data source. Keeps its dataset open for as long as it lives; every call checks that
/// the dataset has not been closed since (a closed dataset's layer handles are freed).
public final class VectorLayer {
    public let dataset: Dataset
    let handle: OGRLayerH
    /// Fixed when the layer is opened.
    public let name: String

    init(dataset: Dataset, handle: OGRLayerH) {
        self.dataset = dataset
        self.handle = handle
        self.name = String(cString: OGR_L_GetName(handle))
    }

    private var path: String { dataset.path }

    private func liveHandle() throws -> OGRLayerH {
        guard dataset.isOpen else { throw GDALError(path: path, message: "layer \(name) used after its dataset was closed") }
        return handle
    }

    /// Number of features (GDAL counts them when the format does not store it).
    public var featureCount: Int {
        get throws {
            let h = try liveHandle()
            return Int(try GDALCall.run(path, "count features of layer \(name)") { OGR_L_GetFeatureCount(h, 1) })
        }
    }

    public var geometryTypeName: String {
        get throws { String(cString: OGRGeometryTypeToName(OGR_L_GetGeomType(try liveHandle()))) }
    }

    public func spatialReference() throws -> SpatialReference? {
        guard let ref = OGR_L_GetSpatialRef(try liveHandle()) else { return nil }
        return try SpatialReference(cloning: ref, path: path)
    }

    public var fields: [FieldDefinition] {
        get throws {
            let definition = OGR_L_GetLayerDefn(try liveHandle())
            return (0..<OGR_FD_GetFieldCount(definition)).compactMap { index in
                guard let field = OGR_FD_GetFieldDefn(definition, index) else { return nil }
                return FieldDefinition(name: String(cString: OGR_Fld_GetNameRef(field)), type: FieldType(OGR_Fld_GetType(field)))
            }
        }
    }

    /// Extent of the layer: (minX, maxX, minY, maxY), nil when empty or unknown.
    public func extent() throws -> (minX: Double, maxX: Double, minY: Double, maxY: Double)? {
        let h = try liveHandle()
        var e = OGREnvelope()
        let ok = OGR_L_GetExtent(h, &e, 1) == OGRERR_NONE
        CPLErrorReset()
        return ok ? (e.MinX, e.MaxX, e.MinY, e.MaxY) : nil
    }

    /// Starts reading from the first feature again.
    public func resetReading() throws {
        OGR_L_ResetReading(try liveHandle())
    }

    /// The next feature, nil at the end; a read error is thrown.
    public func nextFeature() throws -> Feature? {
        let handle = try liveHandle()
        let fields = try self.fields
        guard let feature = try GDALCall.run(path, "read feature of layer \(name)", { OGR_L_GetNextFeature(handle) }) else {
            return nil
        }
        defer { OGR_F_Destroy(feature) }
        var values: [FieldValue] = []
        values.reserveCapacity(fields.count)
        for (index, field) in fields.enumerated() {
            let i = Int32(index)
            if OGR_F_IsFieldSetAndNotNull(feature, i) == 0 {
                values.append(.null)
                continue
            }
            switch field.type {
            case .integer, .integer64: values.append(.integer(Int(OGR_F_GetFieldAsInteger64(feature, i))))
            case .real: values.append(.real(OGR_F_GetFieldAsDouble(feature, i)))
            default: values.append(.string(String(cString: OGR_F_GetFieldAsString(feature, i))))
            }
        }
        let geometry = OGR_F_StealGeometry(feature).map { Geometry(owning: $0) }
        return Feature(fid: Int(OGR_F_GetFID(feature)), fields: fields, values: values, geometry: geometry)
    }

    /// Every feature, from the first.
    public func readFeatures() throws -> [Feature] {
        try resetReading()
        var result: [Feature] = []
        while let feature = try nextFeature() { result.append(feature) }
        return result
    }

    public func createField(_ field: FieldDefinition, width: Int = 0) throws {
        let handle = try liveHandle()
        let definition = try GDALCall.handle(path, "define field \(field.name)") { OGR_Fld_Create(field.name, field.type.ogrType) }
        defer { OGR_Fld_Destroy(definition) }
        if width > 0 { OGR_Fld_SetWidth(definition, Int32(width)) }
        if !field.alternativeName.isEmpty { OGR_Fld_SetAlternativeName(definition, field.alternativeName) }
        try GDALCall.ogr(path, "create field \(field.name)") { OGR_L_CreateField(handle, definition, 1) }
    }

    /// Appends a feature; `values` follow the layer's field order.
    public func addFeature(values: [FieldValue], geometry: Geometry?) throws {
        let handle = try liveHandle()
        let feature = try GDALCall.handle(path, "create feature") { OGR_F_Create(OGR_L_GetLayerDefn(handle)) }
        defer { OGR_F_Destroy(feature) }
        for (index, value) in values.enumerated() {
            let i = Int32(index)
            switch value {
            case .null: OGR_F_SetFieldNull(feature, i)
            case .integer(let v): OGR_F_SetFieldInteger64(feature, i, GIntBig(v))
            case .real(let v): OGR_F_SetFieldDouble(feature, i, v)
            case .string(let v): OGR_F_SetFieldString(feature, i, v)
            }
        }
        if let geometry {
            try GDALCall.ogr(path, "set geometry") { OGR_F_SetGeometry(feature, geometry.handle) }
        }
        try GDALCall.ogr(path, "write feature") { OGR_L_CreateFeature(handle, feature) }
    }
}
