#include "SIMDKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <math.h>
#endif

int exposure_simd_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

#if defined(__x86_64__) || defined(__i386__)

#define AVX2 __attribute__((target("avx2")))

// The sum modulo 256 of `count` bytes.
AVX2 static uint8_t byte_sum(const uint8_t *bytes, long count) {
    __m256i sums = _mm256_setzero_si256();
    long k = 0;
    for (; k + 32 <= count; k += 32) {
        sums = _mm256_add_epi64(sums, _mm256_sad_epu8(_mm256_loadu_si256((const __m256i *)(bytes + k)), _mm256_setzero_si256()));
    }
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, sums);
    uint8_t sum = (uint8_t)(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    for (; k < count; k++) sum = (uint8_t)(sum + bytes[k]);
    return sum;
}

// Each 16-byte half of `v` replaced by its running sum (modulo 256): within 64-bit lanes by shifts of 8, 16
// and 32 bits, then the first lane's total (its byte 7) added to every byte of the second.
AVX2 static inline __m256i running_sums(__m256i v) {
    const __m256i lowTotal = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, 7, 7, 7, 7, 7, 7, 7, 7,
                                              -1, -1, -1, -1, -1, -1, -1, -1, 7, 7, 7, 7, 7, 7, 7, 7);
    v = _mm256_add_epi8(v, _mm256_slli_epi64(v, 8));
    v = _mm256_add_epi8(v, _mm256_slli_epi64(v, 16));
    v = _mm256_add_epi8(v, _mm256_slli_epi64(v, 32));
    return _mm256_add_epi8(v, _mm256_shuffle_epi8(v, lowTotal));
}

// As the portable version (DeflateFloat32Blocks.assembleRow), two planes to a register: `a` holds plane 3's
// 16 bytes in its low half and plane 1's in its high half, `b` planes 2 and 0, so that every step stays
// within 128-bit halves and the byte interleaving gives the values' bytes least significant first.
AVX2 void exposure_assemble_row_avx2(const uint8_t *row, long w, float *out) {
    const uint8_t *p0 = row, *p1 = row + w, *p2 = row + 2 * w, *p3 = row + 3 * w;
    uint8_t s0 = byte_sum(p0, w), s1 = byte_sum(p1, w), s2 = byte_sum(p2, w);
    // The running sum where each plane starts, in every byte of its half.
    __m256i ca = _mm256_setr_m128i(_mm_set1_epi8((char)(uint8_t)(s0 + s1 + s2)), _mm_set1_epi8((char)s0));
    __m256i cb = _mm256_setr_m128i(_mm_set1_epi8((char)(uint8_t)(s0 + s1)), _mm_setzero_si128());
    const __m256i last = _mm256_set1_epi8(15);
    long k = 0;
    for (; k + 16 <= w; k += 16) {
        __m256i a = _mm256_setr_m128i(_mm_loadu_si128((const __m128i *)(p3 + k)), _mm_loadu_si128((const __m128i *)(p1 + k)));
        __m256i b = _mm256_setr_m128i(_mm_loadu_si128((const __m128i *)(p2 + k)), _mm_loadu_si128((const __m128i *)(p0 + k)));
        a = running_sums(a);
        b = running_sums(b);
        __m256i va = _mm256_add_epi8(a, ca), vb = _mm256_add_epi8(b, cb);
        // The next carries from the vectors' own totals (byte 15 of each half).
        ca = _mm256_add_epi8(ca, _mm256_shuffle_epi8(a, last));
        cb = _mm256_add_epi8(cb, _mm256_shuffle_epi8(b, last));
        // Low half: (plane 3, plane 2) byte pairs; high half: (plane 1, plane 0).
        __m256i low = _mm256_unpacklo_epi8(va, vb), high = _mm256_unpackhi_epi8(va, vb);
        // [pairs 32 of values 0-7 | of 8-15] and [pairs 10 of values 0-7 | of 8-15].
        __m256i pairs32 = _mm256_permute2x128_si256(low, high, 0x20), pairs10 = _mm256_permute2x128_si256(low, high, 0x31);
        // [values 0-3 | 8-11] and [values 4-7 | 12-15].
        __m256i even = _mm256_unpacklo_epi16(pairs32, pairs10), odd = _mm256_unpackhi_epi16(pairs32, pairs10);
        _mm256_storeu_si256((__m256i *)(out + k), _mm256_permute2x128_si256(even, odd, 0x20));
        _mm256_storeu_si256((__m256i *)(out + k + 8), _mm256_permute2x128_si256(even, odd, 0x31));
    }
    uint8_t t0 = (uint8_t)_mm256_extract_epi8(cb, 16), t1 = (uint8_t)_mm256_extract_epi8(ca, 16);
    uint8_t t2 = (uint8_t)_mm256_extract_epi8(cb, 0), t3 = (uint8_t)_mm256_extract_epi8(ca, 0);
    for (; k < w; k++) {
        t0 = (uint8_t)(t0 + p0[k]);
        t1 = (uint8_t)(t1 + p1[k]);
        t2 = (uint8_t)(t2 + p2[k]);
        t3 = (uint8_t)(t3 + p3[k]);
        uint32_t bits = (uint32_t)t0 << 24 | (uint32_t)t1 << 16 | (uint32_t)t2 << 8 | (uint32_t)t3;
        __builtin_memcpy(out + k, &bits, 4);
    }
}

// As the portable version (GDALHazardReader.classify), 32 values at a time: each threshold's comparison
// subtracts its mask (-1 or 0) from 32-bit counts; nodata and NaN take the unknown code by a blend. An
// infinity is found from the largest magnitude of the values that are not nodata (NaNs are nodata here):
// the bits of a finite Float32's magnitude are below infinity's.
AVX2 int exposure_classify_avx2(const float *values, long n, const float *thresholds, long thresholdCount,
                                float noData, uint8_t unknown, uint8_t *codes) {
    const __m256 noDataValues = _mm256_set1_ps(noData);
    const __m256i unknownCounts = _mm256_set1_epi32(unknown);
    const __m256i signless = _mm256_set1_epi32(0x7fffffff), infinity = _mm256_set1_epi32(0x7f800000);
    // The thresholds in registers' form once (compared from memory in the loop); more than 16 are compared
    // by the tail loop alone.
    __m256 levels[16];
    long vectorEnd = thresholdCount <= 16 ? n : 0;
    for (long t = 0; t < thresholdCount && t < 16; t++) levels[t] = _mm256_set1_ps(thresholds[t]);
    // packs work within 128-bit halves: the 32-bit lanes' order after two packs, put back.
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i largest = _mm256_setzero_si256();
    long i = 0;
    for (; i + 32 <= vectorEnd; i += 32) {
        __m256i counts[4];
        for (int part = 0; part < 4; part++) {
            __m256 v = _mm256_loadu_ps(values + i + 8 * part);
            __m256i count = _mm256_setzero_si256();
            for (long t = 0; t < thresholdCount; t++) {
                __m256 at = _mm256_cmp_ps(v, levels[t], _CMP_GE_OQ);
                count = _mm256_sub_epi32(count, _mm256_castps_si256(at));
            }
            __m256i isNoData = _mm256_castps_si256(_mm256_or_ps(_mm256_cmp_ps(v, noDataValues, _CMP_EQ_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
            counts[part] = _mm256_blendv_epi8(count, unknownCounts, isNoData);
            __m256i magnitude = _mm256_and_si256(_mm256_castps_si256(v), signless);
            largest = _mm256_max_epu32(largest, _mm256_andnot_si256(isNoData, magnitude));
        }
        // Codes are 0 to 255: signed packs to 16 bits keep them, unsigned packs to bytes too.
        __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(counts[0], counts[1]), _mm256_packs_epi32(counts[2], counts[3]));
        _mm256_storeu_si256((__m256i *)(codes + i), _mm256_permutevar8x32_epi32(bytes, order));
    }
    int infiniteInTail = 0;
    for (; i < n; i++) {
        float v = values[i];
        if (v == noData || isnan(v)) {
            codes[i] = unknown;
        } else {
            uint8_t code = 0;
            for (long t = 0; t < thresholdCount; t++) code = (uint8_t)(code + (v >= thresholds[t]));
            codes[i] = code;
            if (isinf(v)) infiniteInTail = 1;
        }
    }
    __m256i infinite = _mm256_cmpeq_epi32(_mm256_max_epu32(largest, infinity), largest);
    return infiniteInTail || !_mm256_testz_si256(infinite, infinite);
}

#else

// Other processors (arm64) never have AVX2: exposure_simd_has_avx2() is 0 and these are not called.
void exposure_assemble_row_avx2(const uint8_t *row, long width, float *out) { __builtin_trap(); }
int exposure_classify_avx2(const float *values, long count, const float *thresholds, long thresholdCount,
                           float noData, uint8_t unknown, uint8_t *codes) { __builtin_trap(); }

#endif
