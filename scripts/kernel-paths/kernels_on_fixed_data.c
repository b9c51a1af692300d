// Runs every C kernel on fixed data and prints every result, one per line:
// `<kernel> <index> <value>`, the value with 9 significant digits (enough to tell any two floats
// apart). scripts/check-kernel-paths.sh compares the output across instruction sets.
#include "seismo_kernels.h"
#include "seismo_profile.h"
#include "seismo_tail.h"
#include "seismo_tally.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print(const char *kernel, const float *values, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%s %zu %.9g\n", kernel, i, values[i]);
}

static float *filled(size_t n, float scale, float frequency, int cosine) {
  float *values = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) values[i] = scale * (cosine ? cosf(frequency * i) : sinf(frequency * i));
  return values;
}

// One LSTM step forward and back, batch 5, units 50 (a row of 16-lane vectors and a remainder).
static void cell(SeismoCellActivation activation) {
  const size_t batch = 5, units = 50, n = batch * units;
  float *gates = filled(4 * n, 3, 0.37f, 0), *previous = filled(n, 1, 0.11f, 1);
  float *hidden_gradient = filled(n, 1, 0.7f, 0), *output_gradient = filled(n, 1, 0.3f, 1);
  float *cell_gradient = filled(n, 0.5f, 0.2f, 0);
  float *cell = malloc(n * sizeof(float)), *activated = malloc(n * sizeof(float)), *hidden = malloc(n * sizeof(float));
  float *gate_gradients = malloc(4 * n * sizeof(float));
  char name[64];
  // Inference first (it leaves the gates as they were), then training.
  seismo_lstm_cell_forward(gates, previous, cell, NULL, hidden, batch, units, activation);
  snprintf(name, sizeof name, "cell-inference-%d-hidden", activation), print(name, hidden, n);
  seismo_lstm_cell_forward(gates, previous, cell, activated, hidden, batch, units, activation);
  seismo_lstm_cell_backward(gates, previous, activated, hidden_gradient, output_gradient, cell_gradient,
                            gate_gradients, batch, units, activation);
  snprintf(name, sizeof name, "cell-forward-%d-gates", activation), print(name, gates, 4 * n);
  snprintf(name, sizeof name, "cell-forward-%d-hidden", activation), print(name, hidden, n);
  snprintf(name, sizeof name, "cell-backward-%d-gates", activation), print(name, gate_gradients, 4 * n);
  snprintf(name, sizeof name, "cell-backward-%d-cell", activation), print(name, cell_gradient, n);
  free(gates), free(previous), free(hidden_gradient), free(output_gradient), free(cell_gradient);
  free(cell), free(activated), free(hidden), free(gate_gradients);
}

// Discord's profile over 400 rows of `features` features (feature-major), window 7, from row `from`: lags 7 to
// 200 in blocks (the last one partial), each lag's first pairs alone, the sums refreshed every
// 128 pairs. Prints each window's nearest distance (17 digits: a double) and start.
static void profile(size_t features, size_t from) {
  const size_t rows = 400, window = 7, windows = rows - window + 1, max_lag = 200;
  float *x = filled(rows * features, 1, 0.31f, 0);
  for (size_t i = 0; i < rows * features; i++) x[i] += 0.5f * sinf(0.017f * i * i);
  double *distance = malloc(windows * sizeof(double)), *ring = aligned_alloc(64, SEISMO_PROFILE_LANES * window * sizeof(double));
  ptrdiff_t *start = calloc(windows, sizeof(ptrdiff_t));
  for (size_t s = 0; s < windows; s++) distance[s] = INFINITY;
  for (size_t lag = window; lag <= max_lag; lag += SEISMO_PROFILE_LANES)
    seismo_profile_block(x, rows, features, window, lag, max_lag, from, windows, 128, ring, distance, start);
  char name[64];
  for (size_t s = 0; s < windows; s++) {
    snprintf(name, sizeof name, "profile-%zu-%zu-start", features, from);
    printf("%s %zu %td\n", name, s, start[s]);
    snprintf(name, sizeof name, "profile-%zu-%zu-distance", features, from);
    if (isfinite(distance[s])) printf("%s %zu %.17g\n", name, s, distance[s]);
  }
  free(x), free(distance), free(ring), free(start);
}

// The dynamic threshold's tally of 1,000 smoothed scores (a drift, bursts, a negative stretch)
// against 23 candidates: five blocks of four, the last with three.
static void tally(void) {
  double smoothed[1000], epsilons[23], out[5 * 23];
  for (int i = 0; i < 1000; i++) smoothed[i] = sin(0.05 * i) + 0.001 * i + (i % 97 < 3 ? 4.0 : 0.0) - (i > 600 && i < 650);
  for (int k = 0; k < 23; k++) epsilons[k] = -0.5 + 0.2 * k;
  seismo_threshold_tally(smoothed, 1000, epsilons, 23, out, out + 23, out + 46, out + 69, out + 92);
  for (int i = 0; i < 5 * 23; i++) printf("tally %d %.17g\n", i, out[i]);
}

// spot's tail passes over 1,003 excesses (a block of three at the end) at x on either side of 0,
// and a grid of 7 points (a block of four, then three) brought up to date from 0, 500 and 1,000
// excesses; and the logarithm alone, from near −1 to 1e6.
static void tail(void) {
  double y[1003], sums[4];
  for (int i = 0; i < 1003; i++) y[i] = 0.01 + 3.0 * (1.0 + sin(0.37 * i)) * (1.0 + 0.001 * i);
  const double xs[] = {-0.05, -1e-6, 1e-6, 0.3, 40.0};
  for (int k = 0; k < 5; k++) {
    seismo_tail_sums(y, 1003, xs[k], sums);
    for (int j = 0; j < 4; j++) printf("tail-sums %d %.17g\n", 4 * k + j, sums[j]);
  }
  double grid[7], us[7], vs[7];
  ptrdiff_t counts[7];
  for (int k = 0; k < 7; k++) grid[k] = -0.05 + 0.07 * k, us[k] = 0, vs[k] = 0, counts[k] = 0;
  seismo_kept_sums(y, 500, grid, us, vs, counts, 7);
  for (int k = 0; k < 7; k++) counts[k] = k % 3 == 0 ? 0 : k % 3 == 1 ? 500 : 1000;
  seismo_kept_sums(y, 1000, grid, us, vs, counts, 7);  // the points of 1,000 keep theirs
  for (int k = 0; k < 7; k++) printf("tail-kept %d %.17g\ntail-kept %d %.17g\n", 2 * k, us[k], 2 * k + 1, vs[k]);
  for (int i = 0; i < 200; i++) printf("tail-log %d %.17g\n", i, seismo_log1p(-1 + exp(-0.1 * i) + 1e-6 * i * i * i));
}

int main(void) {
  for (int activation = SeismoCellTanh; activation <= SeismoCellLinear; activation++) cell(activation);

  float x[1000], y[1000];
  for (int i = 0; i < 1000; i++) x[i] = (i - 500) * 0.02f;
  memcpy(y, x, sizeof y), seismo_tanh(y, 1000), print("tanh", y, 1000);
  memcpy(y, x, sizeof y), seismo_sigmoid(y, 1000), print("sigmoid", y, 1000);

  float *weights = filled(37, 1, 1, 0), *m = filled(37, 0.1f, 1, 1), *v = filled(37, 0.01f, 1, 0);
  float *gradients = filled(37, 1, 2, 1);
  for (int i = 0; i < 37; i++) v[i] += 0.01f;
  seismo_adam_update(weights, m, v, gradients, 37, 0.001f, 0.9f, 0.999f, 1e-7f);
  print("adam", weights, 37);

  // 13 rows (two 6-row blocks and one row) and 95 columns, which take every column path of
  // every build: a wide block, one vector and a partial one (AVX-512: 64 + 16 + 15 columns;
  // AVX2: 5 blocks of 16, then 8 + 7; the baseline: 11 blocks of 8, then 4 + 3).
  const size_t rows = 13, columns = 95, depth = 29;
  float *a = filled(rows * depth, 1, 0.1f, 0), *b = filled(depth * columns, 1, 0.07f, 1);
  float *bias = filled(columns, 1, 0.3f, 0), *c = malloc(rows * columns * sizeof(float));
  seismo_small_product(rows, columns, depth, a, depth, 1, b, columns, bias, 0, c, columns);
  print("product", c, rows * columns);
  // The same product as two terms (an LSTM step's x·W + h₋₁·U), split at depth 11.
  const SeismoProductTerm first = {a, depth, 1, b, columns, 11}, second = {a + 11, depth, 1, b + 11 * columns, columns, depth - 11};
  seismo_small_product_sum(rows, columns, first, second, bias, 0, c, columns);
  print("product-sum", c, rows * columns);

  for (size_t features = 1; features <= 3; features += 2) profile(features, 0), profile(features, 150);
  tally();
  tail();
  return 0;
}
