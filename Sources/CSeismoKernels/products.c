#include "seismo_kernels.h"
#include "dispatch.h"

// Products may fuse multiply-adds (as OpenBLAS's do): their sums round differently on
// different instruction sets, by an ulp or so.
#pragma clang fp contract(fast)

// One register of each instruction set: AVX-512's 16 floats, AVX2's 8, SSE's (and NEON's) 4.
// Loads need only float alignment.
typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));
typedef float v8 __attribute__((ext_vector_type(8), aligned(4)));
typedef float v4 __attribute__((ext_vector_type(4), aligned(4)));

// The blocks below fit any register width: each build (products_for_target.h) defines VECTOR,
// one register of LANES floats, before it uses them.
#define LOAD(p) (*(const VECTOR *)(p))
#define STORE(p, v) (*(VECTOR *)(p) = (v))

// acc[R][V] += A·B over one term's k rows, for C's rows i..i+R and columns j..j+LANES·V: each
// step one broadcast of A per row and V loads of B.
#define ACCUMULATE(R, V, T)                                                                                            \
  for (size_t p = 0; p < (T).k; p++) {                                                                                 \
    VECTOR bq[V];                                                                                                      \
    for (int q = 0; q < V; q++) bq[q] = LOAD((T).b + p * (T).ldb + j + LANES * q);                                     \
    for (int r = 0; r < R; r++) {                                                                                      \
      const VECTOR ar = (T).a[(i + r) * (T).row_stride + p * (T).column_stride];                                       \
      for (int q = 0; q < V; q++) acc[r][q] += ar * bq[q];                                                             \
    }                                                                                                                  \
  }

// C[rows i..i+R, columns j..j+LANES·V] = D + A₁·B₁ + A₂·B₂, R and V constants: R·V
// accumulators stay in registers while p runs over both terms' k.
#define BLOCK(R, V)                                                                                                    \
  do {                                                                                                                 \
    VECTOR acc[R][V];                                                                                                  \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) acc[r][q] = d ? LOAD(d + (i + r) * ldd + j + LANES * q) : (VECTOR)0.0f;             \
    ACCUMULATE(R, V, first)                                                                                            \
    if (two_terms) ACCUMULATE(R, V, second)                                                                            \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) STORE(c + (i + r) * ldc + j + LANES * q, acc[r][q]);                                 \
  } while (0)

// The last `rest` (< LANES) columns, from `panel`: both terms' B rows, last columns copied to a
// (k₁ + k₂)×W panel padded with zeros, so the loop over k loads whole vectors of W lanes (4, 8
// or 16: the narrowest that holds `rest`); D and C move lane by lane, once per block. A narrow
// vector does the same sums in the same order, and costs less where a wide one takes two passes
// through the multiply-add units (AVX-512 on Zen 4, AVX2 on Zen 1).
#define PARTIAL_BLOCK(R, W)                                                                                            \
  do {                                                                                                                 \
    v##W acc[R];                                                                                                       \
    for (int r = 0; r < R; r++) {                                                                                      \
      acc[r] = (v##W)0.0f;                                                                                             \
      if (d)                                                                                                           \
        for (size_t q = 0; q < rest; q++) acc[r][q] = d[(i + r) * ldd + j + q];                                        \
    }                                                                                                                  \
    for (size_t p = 0; p < first.k; p++) {                                                                             \
      const v##W bq = *(const v##W *)(panel + W * p);                                                                  \
      for (int r = 0; r < R; r++) acc[r] += first.a[(i + r) * first.row_stride + p * first.column_stride] * bq;        \
    }                                                                                                                  \
    for (size_t p = 0; two_terms && p < second.k; p++) {                                                               \
      const v##W bq = *(const v##W *)(panel + W * (first.k + p));                                                      \
      for (int r = 0; r < R; r++) acc[r] += second.a[(i + r) * second.row_stride + p * second.column_stride] * bq;     \
    }                                                                                                                  \
    for (int r = 0; r < R; r++)                                                                                        \
      for (size_t q = 0; q < rest; q++) c[(i + r) * ldc + j + q] = acc[r][q];                                          \
  } while (0)

// The width of the partial block's vectors for `rest` (< LANES) columns.
#define TAIL_LANES(rest) ((rest) <= 4 ? 4 : (rest) <= 8 ? 8 : 16)

// Rows FIRST..<m in blocks of R, then of 6, then one block of the 1–5 left.
#define ROWS(BLOCK_KIND, V, R, FIRST)                                                                                  \
  do {                                                                                                                 \
    size_t i = FIRST;                                                                                                  \
    for (; i + R <= m; i += R) BLOCK_KIND(R, V);                                                                       \
    for (; i + 6 <= m; i += 6) BLOCK_KIND(6, V);                                                                       \
    switch (m - i) {                                                                                                   \
    case 5: BLOCK_KIND(5, V); break;                                                                                   \
    case 4: BLOCK_KIND(4, V); break;                                                                                   \
    case 3: BLOCK_KIND(3, V); break;                                                                                   \
    case 2: BLOCK_KIND(2, V); break;                                                                                   \
    case 1: BLOCK_KIND(1, V); break;                                                                                   \
    }                                                                                                                  \
  } while (0)

// Rows of B per pass, over both terms: a pass's panel of B (K_CHUNK rows of one column group, 64
// KB on AVX-512) stays in the L2 cache while every row block of C runs over it. Later passes add
// to C; the sums still run over p in order, the first term's rows before the second's.
#define K_CHUNK SEISMO_PRODUCT_PASS_ROWS

// Rows of A per slab when A has more rows than B has columns: every column group of a slab runs
// while its rows of A (24 · K_CHUNK floats, 24 KB) stay in the L1 cache, so a tall A streams
// from memory once, not once per column group.
#define SLAB 24

// Rows `from..<from + count` of a term (count 0: an empty term, which reads nothing).
INLINE SeismoProductTerm term_rows(SeismoProductTerm t, size_t from, size_t count) {
  if (count == 0) return (SeismoProductTerm){t.a, t.row_stride, t.column_stride, t.b, t.ldb, 0};
  return (SeismoProductTerm){t.a + from * t.column_stride, t.row_stride, t.column_stride, t.b + from * t.ldb, t.ldb, count};
}

// One build per instruction set, each blocked for its registers: the same sums in the same
// order, so the builds differ only where one fuses multiply-adds and another cannot. The
// baseline, four lanes wide (SSE's and NEON's registers), is every architecture's fallback.
#define VECTOR v4
#define LANES 4
#define WIDE 2
#define TARGET
#define NAMED(name) seismo_##name##_baseline
#define SET_NAME "baseline"
#include "products_for_target.h"

#if defined(__x86_64__) && defined(__linux__)

#define VECTOR v16
#define LANES 16
#define WIDE 4
#define TARGET __attribute__((target(X86_64_V4)))
#define NAMED(name) seismo_##name##_avx512
#define SET_NAME "AVX-512"
#include "products_for_target.h"

#define VECTOR v8
#define LANES 8
#define WIDE 2
#define TARGET __attribute__((target(X86_64_V3)))
#define NAMED(name) seismo_##name##_avx2
#define SET_NAME "AVX2"
#include "products_for_target.h"

// The widest build the CPU runs, bound once as the program loads (a GNU indirect function).
#define WIDEST_BUILD(name)                                                                                             \
  static __typeof__(seismo_##name##_baseline) *widest_##name(void) {                                                  \
    __builtin_cpu_init();                                                                                              \
    if (__builtin_cpu_supports("x86-64-v4")) return seismo_##name##_avx512;                                            \
    if (__builtin_cpu_supports("x86-64-v3")) return seismo_##name##_avx2;                                              \
    return seismo_##name##_baseline;                                                                                   \
  }
WIDEST_BUILD(small_product)
WIDEST_BUILD(small_product_sum)
WIDEST_BUILD(multiply_add_loop)
WIDEST_BUILD(kernel_instruction_set)

void seismo_small_product(size_t m, size_t n, size_t k, const float *a, size_t a_row_stride, size_t a_column_stride,
                          const float *b, size_t ldb, const float *d, size_t ldd, float *c, size_t ldc)
    __attribute__((ifunc("widest_small_product")));
void seismo_small_product_sum(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second, const float *d,
                              size_t ldd, float *c, size_t ldc) __attribute__((ifunc("widest_small_product_sum")));
float seismo_multiply_add_loop(size_t iterations) __attribute__((ifunc("widest_multiply_add_loop")));
const char *seismo_kernel_instruction_set(void) __attribute__((ifunc("widest_kernel_instruction_set")));

#else

// Other architectures: the baseline build.
void seismo_small_product(size_t m, size_t n, size_t k, const float *a, size_t a_row_stride, size_t a_column_stride,
                          const float *b, size_t ldb, const float *d, size_t ldd, float *c, size_t ldc) {
  seismo_small_product_baseline(m, n, k, a, a_row_stride, a_column_stride, b, ldb, d, ldd, c, ldc);
}
void seismo_small_product_sum(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second, const float *d,
                              size_t ldd, float *c, size_t ldc) {
  seismo_small_product_sum_baseline(m, n, first, second, d, ldd, c, ldc);
}
float seismo_multiply_add_loop(size_t iterations) { return seismo_multiply_add_loop_baseline(iterations); }
const char *seismo_kernel_instruction_set(void) { return seismo_kernel_instruction_set_baseline(); }

#endif
