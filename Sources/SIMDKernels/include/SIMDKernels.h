#ifndef EXPOSURE_SIMD_KERNELS_H
#define EXPOSURE_SIMD_KERNELS_H

#include <stdint.h>

// The two inner loops of a run with many hazards, in AVX2 for the processors that have it, chosen at run
// time (the Swift code is built for baseline x86-64, SSE2, and holds the portable versions): the Float32
// predictor's row assembly (GDALSwift's DeflateFloat32Blocks.assembleRow) and the classing of Float32 hazard
// values (ExposureAdapters' GDALHazardReader.classify). Each gives exactly what its portable version gives;
// the tests compare them on row widths 1 to 1024, on 1 to 250 thresholds and on NaNs, nodata and infinities.

/// 1 when this processor and system run AVX2 code (checked once, by the compiler's cpu model).
int exposure_simd_has_avx2(void);

/// One row of a Float32 block stored with the floating-point predictor: `row` holds four planes of `width`
/// bytes (most significant first), each byte stored as its difference from the byte before it in the row;
/// writes the `width` values to `out`. AVX2 only: call when exposure_simd_has_avx2().
void exposure_assemble_row_avx2(const uint8_t *row, long width, float *out);

/// The code of each of `count` values (how many of `thresholds` are at or below it), `unknown` for nodata and
/// NaN; returns 1 when some value that is not nodata is infinite. AVX2 only.
int exposure_classify_avx2(const float *values, long count, const float *thresholds, long thresholdCount,
                           float noData, uint8_t unknown, uint8_t *codes);

#endif
