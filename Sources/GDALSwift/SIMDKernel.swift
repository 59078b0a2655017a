import Foundation
import SIMDKernels

/// Which versions of the SIMD inner loops run: the AVX2 ones of SIMDKernels on processors that have AVX2, the
/// portable Swift ones (SSE2, baseline x86-64, and every other processor) otherwise. Both give the same values
/// (DirectBlockReadingTests, HazardCodeBlocksTests). `EXPOSURE_SIMD=portable` in the environment keeps to the
/// portable ones (to compare, or to rule the AVX2 code out).
public enum SIMDKernel {
    public static let avx2: Bool = ProcessInfo.processInfo.environment["EXPOSURE_SIMD"] != "portable"
        && exposure_simd_has_avx2() != 0
}
