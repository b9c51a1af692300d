// One core: what training's kept steps cost an LSTM layer. Replays, with Seismo's kernels, the
// calls `LSTM.forward` and `LSTM.backward` make for one shard of the univariate seed's layers
// (256 windows of 50 steps; units 100 on 50 inputs, and the first layer, units 50 on 1 input),
// twice each:
//   forward   - as training runs it: every step's gates, cell, act(cell) and hidden state written
//               to arrays that keep all steps (7·units floats per window-step, far past the caches);
//             - nothing kept: every step written to the same one-step buffers, which stay in cache
//               (the work of inference, with training's arithmetic);
//   backward  - as training runs it: each step reads its kept gates, cells and hidden states;
//             - every step reads step 0's, which stay in cache.
// The variants alternate, 40 times each; each prints its best time, so the neighbours' noise
// drops out. The difference between a pair is what moving the kept steps to and from memory
// costs. Run by scripts/bench-products.sh.
#include "seismo_kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { WINDOWS = 256, STEPS = 50, ROUNDS = 40 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// n floats on a cache line, small values of both signs.
static float *buffer(size_t n) {
  float *p = aligned_alloc(64, sizeof(float) * ((n + 15) / 16 * 16));
  for (size_t i = 0; i < n; i++) p[i] = (float)((i * 7919) % 1000) * 2e-4f - 0.1f;
  return p;
}

static size_t padded(size_t n) { return (n + 15) / 16 * 16; }

typedef struct {
  size_t units, inputs;
  int input_gradient;  // 0 for a first layer, whose input gradient training skips
  float *x, *w, *u, *bias, *gates, *cells, *activated, *hidden;  // forward
  float *u_t, *w_t, *dz, *dh, *dc, *du, *dw, *db, *dx;            // backward
} Layer;

static Layer layer(size_t units, size_t inputs, int input_gradient) {
  const size_t g4 = 4 * units, n = WINDOWS * STEPS;
  return (Layer){units, inputs, input_gradient, buffer(n * inputs), buffer(inputs * g4), buffer(units * g4), buffer(g4),
                 buffer(n * g4), buffer(n * units), buffer(n * units), buffer(n * units), buffer(g4 * padded(units)),
                 buffer(g4 * padded(inputs)), buffer(WINDOWS * g4), buffer(WINDOWS * units), buffer(WINDOWS * units),
                 buffer(units * g4), buffer(inputs * g4), buffer(g4), buffer(n * inputs)};
}

// Step t's slot in the kept arrays, or slot 0 (kept == 0) for every step.
static size_t slot(int kept, size_t t) { return kept ? t : 0; }

// Step t's cell state: slot t, or one of two slots (the current and the previous), as inference.
static size_t cell_slot(int kept, size_t t) { return kept ? t : t % 2; }

// z = b + x·W + h₋₁·U in one pass, then the cell update, for every step: LSTM.forward in training.
static void forward(const Layer *l, int kept) {
  const size_t h = l->units, g4 = 4 * h, d = l->inputs;
  for (size_t t = 0; t < STEPS; t++) {
    float *z = l->gates + slot(kept, t) * WINDOWS * g4;
    const float *previous_hidden = l->hidden + slot(kept, t > 0 ? t - 1 : 0) * WINDOWS * h;
    const SeismoProductTerm input = {l->x + t * WINDOWS * d, d, 1, l->w, g4, d};
    const SeismoProductTerm recurrent = {previous_hidden, h, 1, l->u, g4, t > 0 ? h : 0};
    seismo_small_product_sum(WINDOWS, g4, input, recurrent, l->bias, 0, z, g4);
    const float *previous_cell = t > 0 ? l->cells + cell_slot(kept, t - 1) * WINDOWS * h : NULL;
    seismo_lstm_cell_forward(z, previous_cell, l->cells + cell_slot(kept, t) * WINDOWS * h,
                             l->activated + slot(kept, t) * WINDOWS * h, l->hidden + slot(kept, t) * WINDOWS * h,
                             WINDOWS, h, SeismoCellTanh);
  }
}

// The steps backwards in one-step chunks, as LSTM.backward runs a 256-window shard: the cell's
// gate gradients dz, dh₋₁ = dz·Uᵀ, dU += h₋₁ᵀ·dz, db, dW += xᵀ·dz and, but for a first layer,
// dx = dz·Wᵀ.
static void backward(const Layer *l, int kept) {
  const size_t h = l->units, g4 = 4 * h, d = l->inputs;
  memset(l->dh, 0, sizeof(float) * WINDOWS * h);
  memset(l->dc, 0, sizeof(float) * WINDOWS * h);
  for (size_t t = STEPS; t-- > 0;) {
    const size_t s = slot(kept, t), previous = slot(kept, t > 0 ? t - 1 : 0);
    seismo_lstm_cell_backward(l->gates + s * WINDOWS * g4, t > 0 ? l->cells + previous * WINDOWS * h : NULL,
                              l->activated + s * WINDOWS * h, l->dh, NULL, l->dc, l->dz, WINDOWS, h, SeismoCellTanh);
    if (t > 0) {
      seismo_small_product(WINDOWS, h, g4, l->dz, g4, 1, l->u_t, padded(h), NULL, 0, l->dh, h);
      seismo_small_product(h, g4, WINDOWS, l->hidden + previous * WINDOWS * h, 1, h, l->dz, g4, l->du, g4, l->du, g4);
    }
    seismo_add_rows(l->db, l->dz, WINDOWS, g4);
    seismo_small_product(d, g4, WINDOWS, l->x + t * WINDOWS * d, 1, d, l->dz, g4, l->dw, g4, l->dw, g4);
    if (l->input_gradient)
      seismo_small_product(WINDOWS, d, g4, l->dz, g4, 1, l->w_t, padded(d), NULL, 0, l->dx + s * WINDOWS * d, d);
  }
}

int main(void) {
  const size_t shapes[][3] = {{100, 50, 1}, {50, 1, 0}};  // units, inputs, input gradient
  printf("one shard of %d windows of %d steps; best of %d, variants alternating\n", WINDOWS, STEPS, ROUNDS);
  double total[2] = {0, 0};  // [nothing kept, kept], both layers and passes
  for (size_t k = 0; k < 2; k++) {
    const Layer l = layer(shapes[k][0], shapes[k][1], (int)shapes[k][2]);
    const double kept_floats = 7.0 * l.units * WINDOWS * STEPS;
    double best[2][2] = {{1e9, 1e9}, {1e9, 1e9}};  // [forward, backward][nothing kept, kept]
    for (int round = 0; round < ROUNDS; round++) {
      for (int kept = 1; kept >= 0; kept--) {
        double start = now();
        forward(&l, kept);
        const double middle = now();
        backward(&l, kept);
        const double end = now();
        if (middle - start < best[0][kept]) best[0][kept] = middle - start;
        if (end - middle < best[1][kept]) best[1][kept] = end - middle;
      }
    }
    printf("units %zu on %zu inputs (kept steps %.1f MB):\n", l.units, l.inputs, kept_floats * 4 / 1e6);
    const char *passes[2] = {"forward ", "backward"};
    for (int pass = 0; pass < 2; pass++) {
      printf("  %s  kept %6.2f ms, in cache %6.2f ms: the kept steps cost %4.1f %% of the pass\n", passes[pass],
             best[pass][1] * 1e3, best[pass][0] * 1e3, 100 * (1 - best[pass][0] / best[pass][1]));
      total[0] += best[pass][0];
      total[1] += best[pass][1];
    }
  }
  printf("both layers, both passes: kept %.2f ms, in cache %.2f ms: the kept steps cost %.1f %%\n", total[1] * 1e3,
         total[0] * 1e3, 100 * (1 - total[0] / total[1]));
  return 0;
}
