// One core: OpenBLAS's cblas_sgemm against seismo_small_product(_sum) on the products an LSTM
// makes, C = C + op(A)·B row-major on 64-byte-aligned buffers, after one 512³ product warms
// OpenBLAS's buffers. The two sides alternate, ROUNDS rounds each, and each reports its best
// round, so the neighbours' noise drops out. Run by scripts/bench-products.sh.
#include "seismo_kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

enum { ROUNDS = 40 };

// Seconds for `repeats` products C = C + op(A)·B with A m×k and B k×n; side 0 OpenBLAS, 1 Seismo.
// With `split` > 0 (an LSTM step's x·W + h₋₁·U) the product is two terms, A's first `split`
// columns with B's first rows and the rest with the rest: two sgemm calls for OpenBLAS, one
// seismo_small_product_sum for Seismo.
static double seconds(int side, int trans_a, int m, int n, int k, int split, int repeats, const float *a,
                      const float *b, float *c) {
  const int lda = trans_a ? m : k;
  const double start = now();
  for (int r = 0; r < repeats; r++) {
    if (side == 0 && split > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, split, 1, a, lda, b, n, 1, c, n);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k - split, 1, a + split, lda, b + split * n, n, 1, c,
                  n);
    } else if (side == 0) {
      cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1, a, lda, b, n, 1, c, n);
    } else if (split > 0) {
      const SeismoProductTerm first = {a, lda, 1, b, n, split}, second = {a + split, lda, 1, b + split * n, n, k - split};
      seismo_small_product_sum(m, n, first, second, c, n, c, n);
    } else {
      seismo_small_product(m, n, k, a, trans_a ? 1 : k, trans_a ? m : 1, b, n, c, n, c, n);
    }
  }
  return now() - start;
}

// `count` floats on a 64-byte boundary, as the LSTM keeps its operands (AlignedFloats.swift).
static float *aligned_floats(size_t count) { return aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64); }

int main(void) {
  openblas_set_num_threads(1);
  const int big = 512;
  float *x = calloc(big * big, sizeof(float)), *y = calloc(big * big, sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, big, big, big, 1, x, big, x, big, 0, y, big);
  const struct {
    const char *what;
    int trans_a, m, n, k, split;
  } shapes[] = {
      {"autoencoder encoder step, x·W + h₋₁·U (shard 16)", 0, 16, 256, 65, 1},
      {"autoencoder decoder step, h₋₁·U", 0, 16, 256, 64, 0},
      {"autoencoder step, dz·Uᵀ", 0, 16, 64, 256, 0},
      {"autoencoder gradient, hᵀ·dz (one 256-row chunk)", 1, 64, 256, 256, 0},
      {"autoencoder inference step (shard 32)", 0, 32, 256, 65, 1},
      {"univariate step, layer 1 (shard 256, units 50)", 0, 256, 200, 51, 1},
      {"univariate step, layer 1, dz·Uᵀ", 0, 256, 50, 200, 0},
      {"univariate step, layer 2 (units 100)", 0, 256, 400, 150, 50},
      {"univariate step, layer 2, dz·Uᵀ", 0, 256, 100, 400, 0},
      {"univariate gradient, layer 2, hᵀ·dz (one chunk)", 1, 100, 400, 256, 0},
      {"univariate input gradient, layer 2, dz·Wᵀ (one chunk)", 0, 256, 50, 400, 0},
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int m = shapes[s].m, n = shapes[s].n, k = shapes[s].k;
    float *a = aligned_floats(m * k), *b = aligned_floats(k * n), *c = aligned_floats(m * n);
    for (int i = 0; i < m * k; i++) a[i] = sinf(i) * 0.01f;
    for (int i = 0; i < k * n; i++) b[i] = cosf(i) * 0.01f;
    for (int i = 0; i < m * n; i++) c[i] = 0;
    const int repeats = (int)(2e8 / (2.0 * m * n * k)) + 1;
    double best[2] = {INFINITY, INFINITY};
    for (int round = 0; round < ROUNDS; round++) {
      for (int side = 0; side < 2; side++) {
        const double t = seconds(side, shapes[s].trans_a, m, n, k, shapes[s].split, repeats, a, b, c);
        if (t < best[side]) best[side] = t;
      }
    }
    const double openblas = 2.0 * m * n * k * repeats / best[0] / 1e9, seismo = 2.0 * m * n * k * repeats / best[1] / 1e9;
    printf("%-56s %4d×%-4d·%4d×%-4d  OpenBLAS %6.1f  Seismo %6.1f GFLOP/s  (%.1f×)\n", shapes[s].what, m, k, k, n,
           openblas, seismo, seismo / openblas);
    free(a), free(b), free(c);
  }
  return 0;
}
