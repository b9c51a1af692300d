#include "seismo_kernels.h"
#include "dispatch.h"

// Products may fuse multiply-adds (as OpenBLAS's do): their sums round differently on
// different instruction sets, by an ulp or so.
#pragma clang fp contract(fast)

// 16 floats: one AVX-512 register, two AVX2 ones or four SSE ones; loads need only float
// alignment.
typedef float v16 __attribute__((ext_vector_type(16), aligned(4)));
#define LOAD(p) (*(const v16 *)(p))
#define STORE(p, v) (*(v16 *)(p) = (v))

// acc[R][V] += A·B over one term's k rows, for C's rows i..i+R and columns j..j+16·V: each
// step one broadcast of A per row and V loads of B.
#define ACCUMULATE(R, V, T)                                                                                            \
  for (size_t p = 0; p < (T).k; p++) {                                                                                 \
    v16 bq[V];                                                                                                         \
    for (int q = 0; q < V; q++) bq[q] = LOAD((T).b + p * (T).ldb + j + 16 * q);                                        \
    for (int r = 0; r < R; r++) {                                                                                      \
      const v16 ar = (T).a[(i + r) * (T).row_stride + p * (T).column_stride];                                          \
      for (int q = 0; q < V; q++) acc[r][q] += ar * bq[q];                                                             \
    }                                                                                                                  \
  }

// C[rows i..i+R, columns j..j+16·V] = D + A₁·B₁ + A₂·B₂, R and V constants: R·V accumulators
// stay in registers while p runs over both terms' k.
#define BLOCK(R, V)                                                                                                    \
  do {                                                                                                                 \
    v16 acc[R][V];                                                                                                     \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) acc[r][q] = d ? LOAD(d + (i + r) * ldd + j + 16 * q) : (v16)0.0f;                   \
    ACCUMULATE(R, V, first)                                                                                            \
    if (two_terms) ACCUMULATE(R, V, second)                                                                            \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) STORE(c + (i + r) * ldc + j + 16 * q, acc[r][q]);                                    \
  } while (0)

// The last `rest` (< 16) columns, from `panel`: both terms' B rows, last columns copied to a
// (k₁ + k₂)×16 panel padded with zeros, so the loop over k loads whole vectors; D and C move
// lane by lane, once per block.
#define PARTIAL_BLOCK(R, V)                                                                                            \
  do {                                                                                                                 \
    v16 acc[R];                                                                                                        \
    for (int r = 0; r < R; r++) {                                                                                      \
      acc[r] = (v16)0.0f;                                                                                              \
      if (d)                                                                                                           \
        for (size_t q = 0; q < rest; q++) acc[r][q] = d[(i + r) * ldd + j + q];                                        \
    }                                                                                                                  \
    for (size_t p = 0; p < first.k; p++) {                                                                             \
      const v16 bq = LOAD(panel + 16 * p);                                                                             \
      for (int r = 0; r < R; r++) acc[r] += first.a[(i + r) * first.row_stride + p * first.column_stride] * bq;        \
    }                                                                                                                  \
    for (size_t p = 0; two_terms && p < second.k; p++) {                                                               \
      const v16 bq = LOAD(panel + 16 * (first.k + p));                                                                 \
      for (int r = 0; r < R; r++) acc[r] += second.a[(i + r) * second.row_stride + p * second.column_stride] * bq;     \
    }                                                                                                                  \
    for (int r = 0; r < R; r++)                                                                                        \
      for (size_t q = 0; q < rest; q++) c[(i + r) * ldc + j + q] = acc[r][q];                                          \
  } while (0)

// Rows FIRST..<m in blocks of R, then of 6, then one block of the 1–5 left. R·V is at most 24
// accumulators, within AVX-512's 32 registers with room for B's vectors and A's broadcast.
// Blocks narrower than 4 vectors take 8 rows rather than 6, for more independent sums per loaded
// vector of B; more than 8 rows ran slower (each row needs its own address register).
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

// Rows of B per pass, over both terms: a pass's 64-column panel of B (64 KB) stays in the L2
// cache while every row block of C runs over it. Later passes add to C; the sums still run over
// p in order, the first term's rows before the second's.
#define K_CHUNK SEISMO_PRODUCT_PASS_ROWS

// Rows of A per slab when A has more rows than B has columns: every column group of a slab runs
// while its rows of A (24 · K_CHUNK floats, 24 KB) stay in the L1 cache, so a tall A streams
// from memory once, not once per column group.
#define SLAB 24

// C = D + A₁·B₁ + A₂·B₂ for k₁ + k₂ ≤ K_CHUNK and rows i0..<m, with the B rows' last `n mod 16`
// columns in `panel`. `two_terms` is a constant: with 0, the second term's loops are compiled
// out, which keeps the single product's register allocation (with them, some of its shapes ran
// at half speed).
INLINE void product_rows(size_t i0, size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second,
                         const int two_terms, const float *restrict panel, const float *d, size_t ldd, float *c,
                         size_t ldc) {
  size_t j = 0;
  for (; j + 64 <= n; j += 64) ROWS(BLOCK, 4, 6, i0);
  // The 1–3 whole vectors left, in one block.
  switch ((n - j) / 16) {
  case 3: ROWS(BLOCK, 3, 8, i0); break;
  case 2: ROWS(BLOCK, 2, 8, i0); break;
  case 1: ROWS(BLOCK, 1, 8, i0); break;
  }
  j += (n - j) / 16 * 16;
  const size_t rest = n - j;
  if (rest > 0) ROWS(PARTIAL_BLOCK, 1, 8, i0);
}

// Rows `from..<from + count` of a term (count 0: an empty term, which reads nothing).
INLINE SeismoProductTerm term_rows(SeismoProductTerm t, size_t from, size_t count) {
  if (count == 0) return (SeismoProductTerm){t.a, t.row_stride, t.column_stride, t.b, t.ldb, 0};
  return (SeismoProductTerm){t.a + from * t.column_stride, t.row_stride, t.column_stride, t.b + from * t.ldb, t.ldb, count};
}

// The last columns (from `last`) of a term's B rows, padded with zeros, into panel rows.
INLINE void copy_partial_columns(SeismoProductTerm t, size_t last, size_t n, float *restrict panel) {
  for (size_t p = 0; p < t.k; p++) {
    for (size_t q = 0; q < 16; q++) panel[16 * p + q] = last + q < n ? t.b[p * t.ldb + last + q] : 0.0f;
  }
}

// C = D + A₁·B₁ + A₂·B₂ in passes of K_CHUNK rows of the two terms' k₁ + k₂.
INLINE void product_passes(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second, const int two_terms,
                           const float *d, size_t ldd, float *c, size_t ldc) {
  const size_t slab = m > n ? SLAB : m;
  const size_t last = n - n % 16;  // the partial columns' first
  const size_t k = first.k + second.k;
  float panel[16 * K_CHUNK];  // k ≤ K_CHUNK per pass: on the stack, no allocation per step
  size_t p0 = 0;
  do {
    const size_t chunk = k - p0 < K_CHUNK ? k - p0 : K_CHUNK;
    // This pass's rows p0..<p0 + chunk of the two terms' k₁ + k₂.
    const size_t from_first = p0 < first.k ? (first.k - p0 < chunk ? first.k - p0 : chunk) : 0;
    const SeismoProductTerm pass_first = term_rows(first, p0, from_first);
    const SeismoProductTerm pass_second = term_rows(second, p0 + from_first - first.k, chunk - from_first);
    const float *pass_d = p0 == 0 ? d : c;
    const size_t pass_ldd = p0 == 0 ? ldd : ldc;
    if (last < n) {
      copy_partial_columns(pass_first, last, n, panel);
      copy_partial_columns(pass_second, last, n, panel + 16 * pass_first.k);
    }
    for (size_t i0 = 0; i0 < m; i0 += slab) {
      product_rows(i0, i0 + slab < m ? i0 + slab : m, n, pass_first, pass_second, two_terms, panel, pass_d, pass_ldd, c,
                   ldc);
    }
    p0 += chunk;
  } while (p0 < k);
}

WIDEST_AVAILABLE
void seismo_small_product_sum(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second, const float *d,
                              size_t ldd, float *c, size_t ldc) {
  product_passes(m, n, first, second, 1, d, ldd, c, ldc);
}

WIDEST_AVAILABLE
void seismo_small_product(size_t m, size_t n, size_t k, const float *a, size_t a_row_stride, size_t a_column_stride,
                          const float *b, size_t ldb, const float *d, size_t ldd, float *c, size_t ldc) {
  const SeismoProductTerm first = {a, a_row_stride, a_column_stride, b, ldb, k}, none = {a, 0, 0, b, 0, 0};
  product_passes(m, n, first, none, 0, d, ldd, c, ldc);
}
WIDEST_AVAILABLE
float seismo_multiply_add_loop(size_t iterations) {
  v16 acc[12];
  for (int r = 0; r < 12; r++) acc[r] = (v16)(1.0f + 0.001f * (float)r);
  const v16 x = (v16)0.999999f, y = (v16)1e-6f;
  for (size_t t = 0; t < iterations; t++) {
    for (int r = 0; r < 12; r++) acc[r] = acc[r] * x + y;
  }
  v16 total = (v16)0.0f;
  for (int r = 0; r < 12; r++) total += acc[r];
  float sum = 0.0f;
  for (int lane = 0; lane < 16; lane++) sum += total[lane];
  return sum;
}
