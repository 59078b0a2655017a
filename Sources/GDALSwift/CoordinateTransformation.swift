import CGDAL

/// A PROJ transformation between two CRSs, in traditional GIS axis order on both sides.
/// Not thread-safe: each worker thread creates its own.
public final class CoordinateTransformation {
    let handle: OGRCoordinateTransformationH
    public let source: SpatialReference
    public let target: SpatialReference

    public init(from source: SpatialReference, to target: SpatialReference) throws {
        self.source = source
        self.target = target
        self.handle = try GDALCall.handle(nil, "create transformation from \(source.name) to \(target.name)") {
            OCTNewCoordinateTransformation(source.handle, target.handle)
        }
    }

    deinit { OCTDestroyCoordinateTransformation(handle) }

    /// Transforms coordinate arrays in place; returns, for each point, whether it could be transformed
    /// (a point outside the projection's domain becomes infinite and `false`).
    @discardableResult
    public func transform(x: inout [Double], y: inout [Double]) throws -> [Bool] {
        precondition(x.count == y.count, "x and y must have the same length")
        if x.isEmpty { return [] }
        var success = [Int32](repeating: 0, count: x.count)
        var z = [Double](repeating: 0, count: x.count)
        GDALEnvironment.ensureInitialized()
        CPLErrorReset()
        _ = OCTTransformEx(handle, Int32(x.count), &x, &y, &z, &success)
        // Per-point failures are reported through `success`; only a failure of every point is an error.
        let flags = success.map { $0 != 0 }
        if !flags.contains(true) {
            throw GDALCall.lastError(nil, "transform \(x.count) point(s) from \(source.name) to \(target.name)")
        }
        CPLErrorReset()
        return flags
    }

    /// Transforms one point, throwing if it cannot be transformed.
    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        var xs = [x], ys = [y]
        try transform(x: &xs, y: &ys)
        return (xs[0], ys[0])
    }
}
