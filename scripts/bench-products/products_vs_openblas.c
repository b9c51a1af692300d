// One core: OpenBLAS's cblas_sgemm against seismo_small_product on the products an LSTM step
// makes, C = C + op(A)·B row-major, best of 3 rounds each, after one 512³ product warms
// OpenBLAS's buffers. Run by scripts/bench-products.sh.
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

// GFLOP/s of the best of 3 rounds of `repeats` products; side 0 OpenBLAS, 1 Seismo.
static double rate(int side, int trans_a, int m, int n, int k, const float *a, const float *b, float *c) {
  const int repeats = (int)(4e8 / (2.0 * m * n * k)) + 1;
  double best = 0;
  for (int round = 0; round < 3; round++) {
    const double start = now();
    for (int r = 0; r < repeats; r++) {
      if (side == 0) {
        cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1, a, trans_a ? m : k,
                    b, n, 1, c, n);
      } else {
        seismo_small_product(m, n, k, a, trans_a ? 1 : k, trans_a ? m : 1, b, n, c, n, c, n);
      }
    }
    const double gflops = 2.0 * m * n * k * repeats / (now() - start) / 1e9;
    if (gflops > best) best = gflops;
  }
  return best;
}

int main(void) {
  openblas_set_num_threads(1);
  const int big = 512;
  float *x = calloc(big * big, sizeof(float)), *y = calloc(big * big, sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, big, big, big, 1, x, big, x, big, 0, y, big);
  const struct {
    const char *what;
    int trans_a, m, n, k;
  } shapes[] = {
      {"autoencoder step, h·U (batch shard 16, units 64)", 0, 16, 256, 64},
      {"autoencoder step, dz·Uᵀ", 0, 16, 64, 256},
      {"autoencoder gradient, hᵀ·dz", 1, 64, 256, 464},
      {"autoencoder inference step (shard 32)", 0, 32, 256, 64},
      {"univariate step, layer 1 (shard 256, units 50)", 0, 256, 200, 50},
      {"univariate step, layer 1, dz·Uᵀ", 0, 256, 50, 200},
      {"univariate step, layer 2 (units 100)", 0, 256, 400, 100},
      {"univariate step, layer 2, dz·Uᵀ", 0, 256, 100, 400},
      {"univariate gradient, layer 2, hᵀ·dz (units 100)", 1, 100, 400, 12544},
      {"univariate input gradient, layer 2, dz·Wᵀ", 0, 12800, 50, 400},
  };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    const int m = shapes[s].m, n = shapes[s].n, k = shapes[s].k;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = calloc(m * n, sizeof(float));
    for (int i = 0; i < m * k; i++) a[i] = sinf(i) * 0.01f;
    for (int i = 0; i < k * n; i++) b[i] = cosf(i) * 0.01f;
    const double openblas = rate(0, shapes[s].trans_a, m, n, k, a, b, c);
    const double seismo = rate(1, shapes[s].trans_a, m, n, k, a, b, c);
    printf("%-52s %4d×%-5d·%5d×%-4d  OpenBLAS %6.1f  Seismo %6.1f GFLOP/s  (%.1f×)\n", shapes[s].what, m, k, k, n,
           openblas, seismo, seismo / openblas);
    free(a), free(b), free(c);
  }
  return 0;
}
