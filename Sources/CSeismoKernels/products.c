#include "seismo_kernels.h"

// Products may fuse multiply-adds (as OpenBLAS's do): their sums round differently on
// different instruction sets, by an ulp or so.
#pragma clang fp contract(fast)

#if defined(__x86_64__) && defined(__linux__)
#define WIDEST_AVAILABLE __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WIDEST_AVAILABLE
#endif

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

// Rows i..<m in blocks of 6, then one block of the 1–5 left (6 rows by 4 vectors is 24
// accumulators, within AVX-512's 32 registers).
#define ROWS(V)                                                                                                        \
  do {                                                                                                                 \
    size_t i = 0;                                                                                                      \
    for (; i + 6 <= m; i += 6) BLOCK(6, V);                                                                            \
    switch (m - i) {                                                                                                   \
    case 5: BLOCK(5, V); break;                                                                                        \
    case 4: BLOCK(4, V); break;                                                                                        \
    case 3: BLOCK(3, V); break;                                                                                        \
    case 2: BLOCK(2, V); break;                                                                                        \
    case 1: BLOCK(1, V); break;                                                                                        \
    }                                                                                                                  \
  } while (0)

WIDEST_AVAILABLE
void seismo_small_product(size_t m, size_t n, size_t k, const float *restrict a, size_t a_row_stride,
                          size_t a_column_stride, const float *restrict b, size_t ldb, const float *d, size_t ldd,
                          float *c, size_t ldc) {
  size_t j = 0;
  for (; j + 64 <= n; j += 64) ROWS(4);
  for (; j + 16 <= n; j += 16) ROWS(1);
  // Fewer than 16 columns left: one at a time.
  for (; j < n; j++) {
    for (size_t i = 0; i < m; i++) {
      float sum = d ? d[i * ldd + j] : 0.0f;
      for (size_t p = 0; p < k; p++) sum += a[i * a_row_stride + p * a_column_stride] * b[p * ldb + j];
      c[i * ldc + j] = sum;
    }
  }
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
