/// Interleavings of two 16-byte vectors, each of which the compiler emits as one unpack instruction (SSE2's
/// `punpckl`/`punpckh`): shared by the GeoTIFF block decoder (GDALSwift's DeflateFloat32Blocks), which
/// assembles values from byte planes, and the hazard sampler (ExposureCore's HazardSampling), which puts many
/// hazards' codes side by side.
extension SIMD16 where Scalar == UInt8 {
    /// The bytes of the first halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedLow8(_ other: Self) -> Self {
        let a = self, b = other
        return Self(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    /// The bytes of the second halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedHigh8(_ other: Self) -> Self {
        let a = self, b = other
        return Self(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
    }

    /// The 16-bit lanes of the first halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedLow16(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD8<UInt16>.self), y = unsafeBitCast(other, to: SIMD8<UInt16>.self)
        return unsafeBitCast(SIMD8<UInt16>(x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3]), to: Self.self)
    }

    /// The 16-bit lanes of the second halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedHigh16(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD8<UInt16>.self), y = unsafeBitCast(other, to: SIMD8<UInt16>.self)
        return unsafeBitCast(SIMD8<UInt16>(x[4], y[4], x[5], y[5], x[6], y[6], x[7], y[7]), to: Self.self)
    }

    /// The 32-bit lanes of the first halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedLow32(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD4<UInt32>.self), y = unsafeBitCast(other, to: SIMD4<UInt32>.self)
        return unsafeBitCast(SIMD4<UInt32>(x[0], y[0], x[1], y[1]), to: Self.self)
    }

    /// The 32-bit lanes of the second halves of `self` and `other`, alternately.
    @inlinable @inline(__always)
    public func interleavedHigh32(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD4<UInt32>.self), y = unsafeBitCast(other, to: SIMD4<UInt32>.self)
        return unsafeBitCast(SIMD4<UInt32>(x[2], y[2], x[3], y[3]), to: Self.self)
    }

    /// The first halves of `self` and `other`.
    @inlinable @inline(__always)
    public func interleavedLow64(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD2<UInt64>.self), y = unsafeBitCast(other, to: SIMD2<UInt64>.self)
        return unsafeBitCast(SIMD2<UInt64>(x[0], y[0]), to: Self.self)
    }

    /// The second halves of `self` and `other`.
    @inlinable @inline(__always)
    public func interleavedHigh64(_ other: Self) -> Self {
        let x = unsafeBitCast(self, to: SIMD2<UInt64>.self), y = unsafeBitCast(other, to: SIMD2<UInt64>.self)
        return unsafeBitCast(SIMD2<UInt64>(x[1], y[1]), to: Self.self)
    }
}
