// Seismo's element-wise kernels: the LSTM cell's fused per-step work and the Adam update.
//
// They are C, not Swift, for one reason: on x86-64 each is compiled for AVX-512, AVX2 and the
// baseline, and the loader picks the widest the CPU has (`target_clones`; the products, blocked
// for each set's registers, have a build per set). Swift compiles a function for one
// instruction set only, the baseline's 4-lane SSE. Multiply-adds are fused on AVX2 and AVX-512,
// so those two paths give the same bits; the baseline's differ by an ulp or so.
//
// Layouts for one LSTM step, row-major: `gates` (batch, 4·units), gate blocks i, f, g, o;
// `cell`, `activated_cell`, `hidden` and their gradients (batch, units).
#ifndef SEISMO_KERNELS_H
#define SEISMO_KERNELS_H

#include <stddef.h>

/// The LSTM's candidate and cell activation (`act`); the gates always use the sigmoid.
typedef enum {
  SeismoCellTanh = 0,
  SeismoCellRelu = 1,
  SeismoCellSigmoid = 2,
  SeismoCellLinear = 3,
} SeismoCellActivation;

/// Activates the pre-activations in `gates` in place (σ, σ, act, σ) and computes
/// c = f⊙c₋₁ + i⊙g, act(c) and h = o⊙act(c). `previous_cell` NULL means c₋₁ = 0.
/// `activated_cell` NULL (inference) keeps nothing for the backward pass: act(c) is not stored;
/// `gates`, `cell` and `hidden` are the same.
void seismo_lstm_cell_forward(float *gates, const float *previous_cell, float *cell, float *activated_cell,
                              float *hidden, size_t batch, size_t units, SeismoCellActivation activation);

/// From dh (`hidden_gradient`, the recurrent part, plus `output_gradient` when not NULL) and dc
/// (`cell_gradient`, recurrent), writes the pre-activation gradients `gate_gradients`
/// (batch, 4·units) and replaces `cell_gradient` with dc₋₁ = dc⊙f. `gates` holds activated gates.
void seismo_lstm_cell_backward(const float *gates, const float *previous_cell, const float *activated_cell,
                               const float *hidden_gradient, const float *output_gradient, float *cell_gradient,
                               float *gate_gradients, size_t batch, size_t units, SeismoCellActivation activation);

/// sum[j] += Σ_r rows[r·width + j] over `count` rows, row by row in order (the sums of a plain
/// loop). `sum` must not overlap `rows`.
void seismo_add_rows(float *sum, const float *rows, size_t count, size_t width);

/// Inverted dropout's mask: element k is dropped when the k-th 32-bit draw (`draws`, two per
/// 64-bit random word, low half first) is below `threshold`; kept elements are scaled by `keep`.
/// Writes the mask (0 or `keep`) and multiplies `values` by it.
void seismo_dropout(float *values, float *mask, const unsigned int *draws, size_t n, unsigned int threshold, float keep);

/// tanh and σ in place on n values, by the kernels' exp-free approximation (for Dense layers).
void seismo_tanh(float *values, size_t n);
void seismo_sigmoid(float *values, size_t n);

/// One Adam update of n weights, Keras 3's form: m += (g − m)(1 − β₁), v += (g² − v)(1 − β₂),
/// w −= α·m / (√v + ε), with α the step size already corrected for bias.
void seismo_adam_update(float *weights, float *m, float *v, const float *gradients, size_t n, float alpha,
                        float beta1, float beta2, float epsilon);

/// Rows of B that `seismo_small_product` takes per pass (its k runs in passes of this many).
#define SEISMO_PRODUCT_PASS_ROWS 256

/// C = D + A·B (D NULL: C = A·B; D = C: C += A·B) for the small, skinny products of an LSTM
/// step, where OpenBLAS runs at a fraction of its large-matrix speed. C is m×n with row stride
/// `ldc`, D m×n with row stride `ldd`; B is k×n with row stride `ldb`; A(i, p) is
/// a[i·a_row_stride + p·a_column_stride], so a transposed A is a stride swap. Sums run over p in
/// order; they may use fused multiply-adds. A and B must not overlap C.
void seismo_small_product(size_t m, size_t n, size_t k, const float *a, size_t a_row_stride, size_t a_column_stride,
                          const float *b, size_t ldb, const float *d, size_t ldd, float *c, size_t ldc);

/// One term A·B of `seismo_small_product_sum`: A(i, p) = a[i·row_stride + p·column_stride] and
/// B's row p at b + p·ldb, for p < k.
typedef struct {
  const float *a;
  size_t row_stride, column_stride;
  const float *b;
  size_t ldb, k;
} SeismoProductTerm;

/// C = D + A₁·B₁ + A₂·B₂, as `seismo_small_product` with k₁ + k₂ rows, the first term's before
/// the second's, and with the same bits; an LSTM step's z = b + x·W + h₋₁·U in one pass over C.
/// A term with k = 0 reads nothing.
void seismo_small_product_sum(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second, const float *d,
                              size_t ldd, float *c, size_t ldc);

/// 12 independent chains of multiply-adds in the widest registers, 16 lanes' worth per chain
/// and step, `iterations` steps (384 floating-point operations per step): the core's arithmetic
/// peak on the widest instruction set, with no memory traffic and no spills (AVX2's 16 registers
/// hold the 12 chains). Returns a value that depends on every step, so the loop cannot be skipped.
float seismo_multiply_add_loop(size_t iterations);

/// The instruction set whose build of the products the loader bound: "AVX-512", "AVX2" or
/// "baseline" (SSE on x86-64; every other architecture).
const char *seismo_kernel_instruction_set(void);

/// Sets this thread to flush subnormal floats to zero, as results (FTZ) and as inputs (DAZ), and
/// returns the previous setting for `seismo_restore_float_mode`. Subnormals (below 1.2e-38) cost
/// a microcode assist of about a hundred cycles per operation on x86; an optimizer's moment
/// estimates decay through them for thousands of steps. (TensorFlow flushes them too.) No-op
/// elsewhere.
unsigned int seismo_flush_subnormals(void);

/// Restores the floating-point mode `seismo_flush_subnormals` returned.
void seismo_restore_float_mode(unsigned int mode);

/// Tells the core that this thread is spinning on a flag (x86 `pause`, Arm `yield`): the loop
/// runs slower and leaves the core's shared resources to other work. Nothing elsewhere.
static inline void seismo_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield");
#endif
}

#endif
