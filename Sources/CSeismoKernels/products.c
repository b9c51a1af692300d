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

// C[rows i..i+R, columns j..j+16·V] = D + A·B, R and V constants: R·V accumulators stay in
// registers while p runs over k, each step one broadcast of A per row and V loads of B.
#define BLOCK(R, V)                                                                                                    \
  do {                                                                                                                 \
    v16 acc[R][V];                                                                                                     \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) acc[r][q] = d ? LOAD(d + (i + r) * ldd + j + 16 * q) : (v16)0.0f;          \
    for (size_t p = 0; p < k; p++) {                                                                                   \
      v16 bq[V];                                                                                                       \
      for (int q = 0; q < V; q++) bq[q] = LOAD(b + p * ldb + j + 16 * q);                                              \
      for (int r = 0; r < R; r++) {                                                                                    \
        const v16 ar = a[(i + r) * a_row_stride + p * a_column_stride];                                                \
        for (int q = 0; q < V; q++) acc[r][q] += ar * bq[q];                                                           \
      }                                                                                                                \
    }                                                                                                                  \
    for (int r = 0; r < R; r++)                                                                                        \
      for (int q = 0; q < V; q++) STORE(c + (i + r) * ldc + j + 16 * q, acc[r][q]);                                    \
  } while (0)

// The last `rest` (< 16) columns, from `panel`: B's last columns copied to a k×16 panel padded
// with zeros, so the loop over k loads whole vectors; D and C move lane by lane, once per block.
#define PARTIAL_BLOCK(R, V)                                                                                            \
  do {                                                                                                                 \
    v16 acc[R];                                                                                                        \
    for (int r = 0; r < R; r++) {                                                                                      \
      acc[r] = (v16)0.0f;                                                                                              \
      if (d)                                                                                                           \
        for (size_t q = 0; q < rest; q++) acc[r][q] = d[(i + r) * ldd + j + q];                                        \
    }                                                                                                                  \
    for (size_t p = 0; p < k; p++) {                                                                                   \
      const v16 bq = LOAD(panel + 16 * p);                                                                             \
      for (int r = 0; r < R; r++) acc[r] += a[(i + r) * a_row_stride + p * a_column_stride] * bq;                      \
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

// Rows of B per pass: a pass's 64-column panel of B (64 KB) stays in the L2 cache while every
// row block of C runs over it. Later passes add to C; the sums still run over p in order.
#define K_CHUNK 256

// Rows of A per slab when A has more rows than B has columns: every column group of a slab runs
// while its rows of A (24 · K_CHUNK floats, 24 KB) stay in the L1 cache, so a tall A streams
// from memory once, not once per column group.
#define SLAB 24

// C = D + A·B for k ≤ K_CHUNK and rows i0..<m, with B's last `n mod 16` columns in `panel`.
INLINE void product_rows(size_t i0, size_t m, size_t n, size_t k, const float *restrict a, size_t a_row_stride,
                         size_t a_column_stride, const float *restrict b, size_t ldb, const float *restrict panel,
                         const float *d, size_t ldd, float *c, size_t ldc) {
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

WIDEST_AVAILABLE
void seismo_small_product(size_t m, size_t n, size_t k, const float *restrict a, size_t a_row_stride,
                          size_t a_column_stride, const float *restrict b, size_t ldb, const float *d, size_t ldd,
                          float *c, size_t ldc) {
  const size_t slab = m > n ? SLAB : m;
  const size_t last = n - n % 16;  // the partial columns' first
  float panel[16 * K_CHUNK];       // k ≤ K_CHUNK per pass: on the stack, no allocation per step
  size_t p0 = 0;
  do {
    const size_t chunk = k - p0 < K_CHUNK ? k - p0 : K_CHUNK;
    const float *pass_a = a + p0 * a_column_stride, *pass_b = b + p0 * ldb, *pass_d = p0 == 0 ? d : c;
    const size_t pass_ldd = p0 == 0 ? ldd : ldc;
    if (last < n) {
      // B's last columns, padded with zeros to a k×16 panel, so the loop over k loads whole vectors.
      for (size_t p = 0; p < chunk; p++) {
        for (size_t q = 0; q < 16; q++) panel[16 * p + q] = last + q < n ? pass_b[p * ldb + last + q] : 0.0f;
      }
    }
    for (size_t i0 = 0; i0 < m; i0 += slab) {
      product_rows(i0, i0 + slab < m ? i0 + slab : m, n, chunk, pass_a, a_row_stride, a_column_stride, pass_b, ldb,
                   panel, pass_d, pass_ldd, c, ldc);
    }
    p0 += chunk;
  } while (p0 < k);
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
