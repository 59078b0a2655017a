import CGDAL

/// Receives a fraction done in [0, 1]; returns false to cancel the operation.
public typealias ProgressHandler = (Double) -> Bool

private final class ProgressBox {
    let handler: ProgressHandler
    init(_ handler: @escaping ProgressHandler) { self.handler = handler }
}

private func gdalProgressTrampoline(
    _ fraction: Double, _ message: UnsafePointer<CChar>?, _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let argument else { return 1 }
    let box = Unmanaged<ProgressBox>.fromOpaque(argument).takeUnretainedValue()
    return box.handler(fraction) ? 1 : 0
}

/// Bridges a Swift progress closure to GDAL's `GDALProgressFunc` + argument pair for the duration of `body`.
func withGDALProgress<R>(
    _ handler: ProgressHandler?, _ body: (GDALProgressFunc?, UnsafeMutableRawPointer?) throws -> R
) rethrows -> R {
    guard let handler else { return try body(nil, nil) }
    let box = ProgressBox(handler)
    return try withExtendedLifetime(box) {
        try body(gdalProgressTrampoline, Unmanaged.passUnretained(box).toOpaque())
    }
}
