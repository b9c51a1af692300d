#include "seismo_tail.h"
#include "dispatch.h"

#include <stdint.h>
#include <string.h>

// Every lane must round as a scalar loop would: no multiply-add is fused.
#pragma clang fp contract(off)

#define TAIL_LANES 4

typedef double tail_lanes_t __attribute__((ext_vector_type(TAIL_LANES)));
typedef int64_t tail_bits_t __attribute__((ext_vector_type(TAIL_LANES)));

// ln 2 in two parts: the high one has 32 significant bits, so k·LN2_HIGH is exact for any
// exponent k of a double.
static const double LN2_HIGH = 0x1.62e42feep-1;
static const double LN2_LOW = 0x1.a39ef35793c76p-33;
static const double SQRT2 = 0x1.6a09e667f3bcdp+0;

// ln(1 + t) (see `seismo_log1p`) and q = 1/(1 + t) as rounded, which the sums take too: the
// same operations for a double and for each lane of a vector (REAL; BITS, its lanes as
// integers, where a comparison's true is 1 or −1, either selecting the first of `?:`), so that
// a lane gives the scalar's bits. (Pointers: a vector argument would change the ABI between the
// instruction sets' builds.)
#define DEFINE_LOG1P(NAME, REAL, BITS)                                                                   \
  INLINE void NAME(const REAL *lanes, REAL *logs, REAL *q) {                                             \
    const REAL t = *lanes;                                                                               \
    const REAL p = 1.0 + t;                                                                              \
    /* p + c = 1 + t exactly (two-sum, whichever of 1 and t is larger). */                               \
    const REAL back = p - 1.0;                                                                           \
    const REAL c = (1.0 - (p - back)) + (t - back);                                                      \
    *q = 1.0 / p;                                                                                        \
    /* p = 2^e · m, m in [1, 2), then in [√2/2, √2). */                                                  \
    BITS bits;                                                                                           \
    memcpy(&bits, &p, sizeof bits);                                                                      \
    const BITS exponent_field = (bits >> 52) & 0x7ff;                                                    \
    const BITS one_bits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;                          \
    REAL m;                                                                                              \
    memcpy(&m, &one_bits, sizeof m);                                                                     \
    /* The exponent as a double: its field under the exponent of 2^52 (exact below 2^52). */            \
    const BITS magic_bits = exponent_field | 0x4330000000000000LL;                                       \
    REAL e;                                                                                              \
    memcpy(&e, &magic_bits, sizeof e);                                                                   \
    e = e - 0x1p52 - 1023.0;                                                                             \
    const BITS high = m > SQRT2;                                                                         \
    m = high ? m * 0.5 : m;                                                                              \
    e = high ? e + 1.0 : e;                                                                              \
    /* ln m = 2·atanh(s) = 2s + s·R, R = Σ_{j=1..11} 2·z^j/(2j + 1), z = s²; written as */              \
    /* f − (f²/2 − s·(f²/2 + R)), whose first terms are exact or nearly. R/z by Estrin's */             \
    /* scheme: pairs, then pairs of pairs by z², z⁴ and z⁸, a short chain of dependent steps. */         \
    const REAL f = m - 1.0;                                                                              \
    const REAL s = f / (2.0 + f);                                                                        \
    const REAL z = s * s;                                                                                \
    const REAL z2 = z * z;                                                                               \
    const REAL z4 = z2 * z2;                                                                             \
    const REAL z8 = z4 * z4;                                                                             \
    const REAL p01 = 2.0 / 3.0 + z * (2.0 / 5.0), p23 = 2.0 / 7.0 + z * (2.0 / 9.0);                     \
    const REAL p45 = 2.0 / 11.0 + z * (2.0 / 13.0), p67 = 2.0 / 15.0 + z * (2.0 / 17.0);                 \
    const REAL p89 = 2.0 / 19.0 + z * (2.0 / 21.0);                                                      \
    const REAL p0123 = p01 + z2 * p23, p4567 = p45 + z2 * p67, p8910 = p89 + z2 * (2.0 / 23.0);          \
    const REAL r = z * ((p0123 + z4 * p4567) + z8 * p8910);                                              \
    const REAL half_square = 0.5 * f * f;                                                                \
    /* ln(1 + t) = ln p + ln(1 + c/p) ≈ e·ln 2 + ln m + c/p. */                                          \
    *logs = e * LN2_HIGH + (f - (half_square - (s * (half_square + r) + (e * LN2_LOW + c * *q))));       \
  }

DEFINE_LOG1P(log1p_one, double, int64_t)
DEFINE_LOG1P(log1p_lanes, tail_lanes_t, tail_bits_t)

double seismo_log1p(double t) {
  double logs, q;
  log1p_one(&t, &logs, &q);
  return logs;
}

WIDEST_AVAILABLE
void seismo_tail_sums(const double *y, size_t n, double x, double sums[4]) {
  tail_lanes_t u = 0, v = 0, dv = 0, du = 0;
  size_t i = 0;
  for (; i + TAIL_LANES <= n; i += TAIL_LANES) {
    tail_lanes_t yi;
    memcpy(&yi, y + i, sizeof yi);
    const tail_lanes_t t = x * yi;
    tail_lanes_t logs, q;
    log1p_lanes(&t, &logs, &q);
    v += logs;
    u += q;
    dv += yi * q;
    du -= yi * q * q;
  }
  // The last excesses, each in its own lane as above; the other lanes add +0.0 (see below).
  if (i < n) {
    tail_lanes_t yi = 0;
    for (size_t k = 0; i + k < n; k++) yi[k] = y[i + k];
    const tail_lanes_t t = x * yi;
    tail_lanes_t logs, q;
    log1p_lanes(&t, &logs, &q);
    const tail_bits_t used = (tail_bits_t){0, 1, 2, 3} < (int64_t)(n - i);
    // A lane past the end adds +0.0 to its sums (du takes +0.0 away), which leaves each as it was.
    const tail_lanes_t none = 0.0;
    v += used ? logs : none;
    u += used ? q : none;
    dv += used ? yi * q : none;
    du -= used ? yi * q * q : none;
  }
  sums[0] = (u[0] + u[1]) + (u[2] + u[3]);
  sums[1] = (v[0] + v[1]) + (v[2] + v[3]);
  sums[2] = (dv[0] + dv[1]) + (dv[2] + dv[3]);
  sums[3] = (du[0] + du[1]) + (du[2] + du[3]);
}

WIDEST_AVAILABLE
void seismo_kept_sums(const double *y, size_t n, const double *xs, double *us, double *vs, const ptrdiff_t *counts,
                      size_t points) {
  for (size_t first = 0; first < points; first += TAIL_LANES) {
    const size_t lanes = points - first < TAIL_LANES ? points - first : TAIL_LANES;
    // A lane past the last point: x = 0 and no excess of its own (its sums are not stored).
    tail_lanes_t x = 0, u = 0, v = 0;
    tail_bits_t from = (tail_bits_t)(int64_t)n;
    for (size_t k = 0; k < lanes; k++) {
      x[k] = xs[first + k];
      u[k] = us[first + k];
      v[k] = vs[first + k];
      from[k] = counts[first + k];
    }
    int64_t start = (int64_t)n;
    for (size_t k = 0; k < lanes; k++) start = from[k] < start ? from[k] : start;
    const tail_lanes_t none = 0.0;
    for (int64_t j = start; j < (int64_t)n; j++) {
      const tail_lanes_t t = x * y[j];
      tail_lanes_t logs, q;
      log1p_lanes(&t, &logs, &q);
      // A point that has this excess already adds +0.0, which leaves its sums as they were.
      const tail_bits_t adds = (tail_bits_t)j >= from;
      u += adds ? q : none;
      v += adds ? logs : none;
    }
    for (size_t k = 0; k < lanes; k++) {
      us[first + k] = u[k];
      vs[first + k] = v[k];
    }
  }
}
