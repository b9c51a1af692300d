// The passes of spot's tail fit (Grimshaw's method) over its excesses: four excesses side by
// side in the widest registers the CPU has (`target_clones`), with a logarithm of Seismo's own.
//
// No operation is fused and the logarithm calls no library, so every instruction set and every
// machine gives the same bits (glibc's log1p picks a build per CPU).
#ifndef SEISMO_TAIL_H
#define SEISMO_TAIL_H

#include <stddef.h>

/// ln(1 + t), within an ulp or so of the exact value, for 1 + t a positive normal number
/// (t > −1 + 2^−1022): what `seismo_tail_sums` adds, one lane of it. The logarithm is the
/// series 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + … at s = f/(2 + f), f = m − 1 for the mantissa m of
/// 1 + t scaled into [√2/2, √2) (|s| < 0.172: 11 terms), plus k·ln 2 for its exponent k, plus
/// the rounding error of 1 + t over 1 + t.
double seismo_log1p(double t);

/// Over the `n` excesses `y` at x, in four lanes (excess i in lane i mod 4) added lane by lane
/// and then ((lane 0 + lane 1) + (lane 2 + lane 3)): `sums[0]` = Σ 1/(1 + x·yᵢ), `sums[1]` =
/// Σ ln(1 + x·yᵢ) (`seismo_log1p`), `sums[2]` = Σ yᵢ/(1 + x·yᵢ), `sums[3]` = −Σ yᵢ/(1 + x·yᵢ)².
/// Every 1 + x·yᵢ must be a positive normal number.
void seismo_tail_sums(const double *y, size_t n, double x, double sums[4]);

/// For each of the `points` grid points i at x = `xs[i]`, adds the excesses from `counts[i]` on,
/// in order, to its sums: `us[i]` += 1/(1 + x·yⱼ) and `vs[i]` += `seismo_log1p`(x·yⱼ), as a loop
/// over them would; four points side by side. Every 1 + x·yⱼ must be a positive normal number.
void seismo_kept_sums(const double *y, size_t n, const double *xs, double *us, double *vs, const ptrdiff_t *counts,
                      size_t points);

#endif
