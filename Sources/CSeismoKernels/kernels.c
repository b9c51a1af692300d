#include "seismo_kernels.h"
#include "dispatch.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

// A multiply followed by an add in one expression is one fused multiply-add where the instruction
// set has them (AVX2, AVX-512: the same bits on both) and two operations on the baseline, whose
// results differ by an ulp or so. Fusing cuts the cell step's operations by a third.
#pragma clang fp contract(on)

// Rows are short (units 50–128): interleaving vectors would need more lanes than a row has and
// leave the row to the scalar remainder loop.
#define ONE_VECTOR_AT_A_TIME _Pragma("clang loop vectorize(enable) interleave_count(1)")

// tanh(x) ≈ x·P(x²)/Q(x²) on [−8, 8], x clamped there (tanh is within 2.3e-7 of ±1 beyond).
// Coefficients from scripts/fit_tanh.py: largest absolute error 4.9e-7 in float arithmetic.
#define TANH_P4 (-6.142625075e-9f)
#define TANH_P3 7.162684142e-6f
#define TANH_P2 2.696434269e-3f
#define TANH_P1 1.271233559e-1f
#define TANH_P0 9.999997616e-1f
#define TANH_Q3 1.967483549e-4f
#define TANH_Q2 2.285040542e-2f
#define TANH_Q1 4.604549706e-1f

INLINE float tanh_approx(float x) {
  x = x > 8.0f ? 8.0f : x;
  x = x < -8.0f ? -8.0f : x;
  const float y = x * x;
  const float p = (((TANH_P4 * y + TANH_P3) * y + TANH_P2) * y + TANH_P1) * y + TANH_P0;
  const float q = ((TANH_Q3 * y + TANH_Q2) * y + TANH_Q1) * y + 1.0f;
  return x * p / q;
}

// σ(x) = ½·tanh(x/2) + ½, largest absolute error 2.7e-7, with both halvings folded into the
// coefficients: u = x/2 gives u² = x²/4, and each Horner step of P(x²/4) equals one of a P
// whose coefficients are scaled by powers of two, which round alike, so this gives the bits of
// 0.5f * tanh_approx(0.5f * x) + 0.5f with one multiplication fewer and an addition for the
// multiply-add (`KernelTests` checks the bits).
INLINE float sigmoid_approx(float x) {
  x = x > 16.0f ? 16.0f : x;
  x = x < -16.0f ? -16.0f : x;
  const float y = x * x;
  const float p = (((TANH_P4 * 0x1p-10f * y + TANH_P3 * 0x1p-8f) * y + TANH_P2 * 0x1p-6f) * y + TANH_P1 * 0x1p-4f) * y +
                  TANH_P0 * 0x1p-2f;
  const float q = ((TANH_Q3 * 0x1p-6f * y + TANH_Q2 * 0x1p-4f) * y + TANH_Q1 * 0x1p-2f) * y + 1.0f;
  return x * p / q + 0.5f;
}

INLINE float activate(float x, SeismoCellActivation a) {
  switch (a) {
  case SeismoCellTanh: return tanh_approx(x);
  case SeismoCellRelu: return x > 0.0f ? x : 0.0f;
  case SeismoCellSigmoid: return sigmoid_approx(x);
  case SeismoCellLinear: return x;
  }
  return x;
}

// f′ from f's output y.
INLINE float derivative(float y, SeismoCellActivation a) {
  switch (a) {
  case SeismoCellTanh: return 1.0f - y * y;
  case SeismoCellRelu: return y > 0.0f ? 1.0f : 0.0f;
  case SeismoCellSigmoid: return y * (1.0f - y);
  case SeismoCellLinear: return 1.0f;
  }
  return 1.0f;
}

// Runs CALL with `a` a constant equal to `activation`, so each activation gets its own loops.
#define SPECIALISED_CASE(value, CALL)                                                                                  \
  case value: {                                                                                                        \
    const SeismoCellActivation a = value;                                                                              \
    CALL;                                                                                                              \
    break;                                                                                                             \
  }
#define SPECIALISED(activation, CALL)                                                                                  \
  switch (activation) {                                                                                                \
    SPECIALISED_CASE(SeismoCellTanh, CALL)                                                                             \
    SPECIALISED_CASE(SeismoCellRelu, CALL)                                                                             \
    SPECIALISED_CASE(SeismoCellSigmoid, CALL)                                                                          \
    SPECIALISED_CASE(SeismoCellLinear, CALL)                                                                           \
  }

// One batch row, in two loops: the gates' activations in place, then the cell. `a` is a
// constant at every call site, so each activation gets its own loops; the gate blocks come as
// separate restrict pointers, and a row without a previous cell state has its own loop, so the
// vectoriser needs no run-time overlap checks. Without `act_c` (inference) act(c) is not stored.
// Two loops rather than one: the gates' activations wait for nothing but their pre-activations,
// and on a Zen 1 the split ran the forward passes in `scripts/bench-products.sh` 2–4 % faster.
INLINE void forward_row(float *restrict zi, float *restrict zf, float *restrict zg, float *restrict zo,
                        const float *restrict c_prev, float *restrict c, float *restrict act_c,
                        float *restrict h_out, size_t h, SeismoCellActivation a) {
  ONE_VECTOR_AT_A_TIME
  for (size_t j = 0; j < h; j++) {
    zi[j] = sigmoid_approx(zi[j]);
    zf[j] = sigmoid_approx(zf[j]);
    zg[j] = activate(zg[j], a);
    zo[j] = sigmoid_approx(zo[j]);
  }
  ONE_VECTOR_AT_A_TIME
  for (size_t j = 0; j < h; j++) {
    const float cell = c_prev ? zf[j] * c_prev[j] + zi[j] * zg[j] : zi[j] * zg[j];
    const float activated = activate(cell, a);
    if (act_c) act_c[j] = activated;
    c[j] = cell;
    h_out[j] = zo[j] * activated;
  }
}

// Each combination of present and absent previous state and kept activations is its own loop.
INLINE void forward_rows(float *z, const float *c_prev, float *c, float *act_c, float *h_out, size_t batch, size_t h,
                         SeismoCellActivation a) {
  for (size_t b = 0; b < batch; b++) {
    float *row = z + b * 4 * h, *zi = row, *zf = row + h, *zg = row + 2 * h, *zo = row + 3 * h;
    const float *prev = c_prev ? c_prev + b * h : NULL;
    float *cb = c + b * h, *hb = h_out + b * h;
    if (prev && act_c) {
      forward_row(zi, zf, zg, zo, prev, cb, act_c + b * h, hb, h, a);
    } else if (prev) {
      forward_row(zi, zf, zg, zo, prev, cb, NULL, hb, h, a);
    } else if (act_c) {
      forward_row(zi, zf, zg, zo, NULL, cb, act_c + b * h, hb, h, a);
    } else {
      forward_row(zi, zf, zg, zo, NULL, cb, NULL, hb, h, a);
    }
  }
}

WIDEST_AVAILABLE
void seismo_lstm_cell_forward(float *gates, const float *previous_cell, float *cell, float *activated_cell,
                              float *hidden, size_t batch, size_t units, SeismoCellActivation activation) {
  SPECIALISED(activation, forward_rows(gates, previous_cell, cell, activated_cell, hidden, batch, units, a));
}

// `gates` and `d` hold blocks i, f, g, o of `h` each.
INLINE void backward_row(const float *restrict z, const float *restrict c_prev, const float *restrict act_c,
                         const float *restrict dh_next, const float *restrict dy, float *restrict dc_next,
                         float *restrict di, float *restrict df, float *restrict dg, float *restrict d_o, size_t h,
                         SeismoCellActivation a) {
  ONE_VECTOR_AT_A_TIME
  for (size_t j = 0; j < h; j++) {
    const float dh = dy ? dh_next[j] + dy[j] : dh_next[j];
    const float i = z[j], f = z[h + j], g = z[2 * h + j], o = z[3 * h + j];
    const float activated = act_c[j];
    const float dc = dc_next[j] + dh * o * derivative(activated, a);
    di[j] = dc * g * i * (1.0f - i);
    df[j] = c_prev ? dc * c_prev[j] * f * (1.0f - f) : 0.0f;
    dg[j] = dc * i * derivative(g, a);
    d_o[j] = dh * activated * o * (1.0f - o);
    dc_next[j] = dc * f;
  }
}

INLINE void backward_rows(const float *z, const float *c_prev, const float *act_c, const float *dh_next,
                          const float *dy, float *dc_next, float *d, size_t batch, size_t h, SeismoCellActivation a) {
  for (size_t b = 0; b < batch; b++) {
    const float *zb = z + b * 4 * h, *act = act_c + b * h, *dhb = dh_next + b * h;
    float *db = d + b * 4 * h, *dcb = dc_next + b * h;
    const float *prev = c_prev ? c_prev + b * h : NULL, *dyb = dy ? dy + b * h : NULL;
    // The four combinations of present and absent inputs, each its own loop.
    if (prev && dyb) {
      backward_row(zb, prev, act, dhb, dyb, dcb, db, db + h, db + 2 * h, db + 3 * h, h, a);
    } else if (prev) {
      backward_row(zb, prev, act, dhb, NULL, dcb, db, db + h, db + 2 * h, db + 3 * h, h, a);
    } else if (dyb) {
      backward_row(zb, NULL, act, dhb, dyb, dcb, db, db + h, db + 2 * h, db + 3 * h, h, a);
    } else {
      backward_row(zb, NULL, act, dhb, NULL, dcb, db, db + h, db + 2 * h, db + 3 * h, h, a);
    }
  }
}

WIDEST_AVAILABLE
void seismo_lstm_cell_backward(const float *gates, const float *previous_cell, const float *activated_cell,
                               const float *hidden_gradient, const float *output_gradient, float *cell_gradient,
                               float *gate_gradients, size_t batch, size_t units, SeismoCellActivation activation) {
  SPECIALISED(activation, backward_rows(gates, previous_cell, activated_cell, hidden_gradient, output_gradient,
                                        cell_gradient, gate_gradients, batch, units, a));
}

WIDEST_AVAILABLE
void seismo_add_rows(float *restrict sum, const float *restrict rows, size_t count, size_t width) {
  for (size_t r = 0; r < count; r++) {
    const float *row = rows + r * width;
    ONE_VECTOR_AT_A_TIME
    for (size_t j = 0; j < width; j++) sum[j] += row[j];
  }
}

WIDEST_AVAILABLE
void seismo_dropout(float *restrict values, float *restrict mask, const unsigned int *restrict draws, size_t n,
                    unsigned int threshold, float keep) {
  ONE_VECTOR_AT_A_TIME
  for (size_t k = 0; k < n; k++) {
    mask[k] = draws[k] >= threshold ? keep : 0.0f;
    values[k] *= mask[k];
  }
}

WIDEST_AVAILABLE
void seismo_tanh(float *values, size_t n) {
  ONE_VECTOR_AT_A_TIME
  for (size_t k = 0; k < n; k++) values[k] = tanh_approx(values[k]);
}

WIDEST_AVAILABLE
void seismo_sigmoid(float *values, size_t n) {
  ONE_VECTOR_AT_A_TIME
  for (size_t k = 0; k < n; k++) values[k] = sigmoid_approx(values[k]);
}

WIDEST_AVAILABLE
void seismo_adam_update(float *restrict weights, float *restrict m, float *restrict v, const float *restrict gradients,
                        size_t n, float alpha, float beta1, float beta2, float epsilon) {
  ONE_VECTOR_AT_A_TIME
  for (size_t k = 0; k < n; k++) {
    const float g = gradients[k];
    m[k] += (g - m[k]) * (1.0f - beta1);
    v[k] += (g * g - v[k]) * (1.0f - beta2);
    // The elementwise builtin is sqrtf without errno, so the loop vectorises.
    weights[k] -= alpha * m[k] / (__builtin_elementwise_sqrt(v[k]) + epsilon);
  }
}

// MXCSR bits: flush to zero (15) and denormals are zero (6).
#define FLUSH_SUBNORMALS 0x8040u

unsigned int seismo_flush_subnormals(void) {
#if defined(__x86_64__) || defined(__i386__)
  const unsigned int mode = _mm_getcsr();
  _mm_setcsr(mode | FLUSH_SUBNORMALS);
  return mode;
#else
  return 0;
#endif
}

void seismo_restore_float_mode(unsigned int mode) {
#if defined(__x86_64__) || defined(__i386__)
  _mm_setcsr(mode);
#else
  (void)mode;
#endif
}
