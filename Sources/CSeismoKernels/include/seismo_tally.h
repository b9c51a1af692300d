// The dynamic threshold's choice of ε: what each candidate makes of a window of smoothed
// scores, every candidate in one pass, side by side in the widest registers the CPU has
// (`target_clones`).
//
// No operation is fused, so every instruction set gives the same bits, and each sum adds the
// same scores in the same order as a pass per candidate would.
#ifndef SEISMO_TALLY_H
#define SEISMO_TALLY_H

#include <stddef.h>

/// For each of the `count` candidates `epsilons[k]`, over the `n` scores `smoothed` in order:
/// `above[k]`, the scores above it (> ε); `runs[k]`, their runs of consecutive scores; and
/// `below_count[k]`, `below_sum[k]` and `below_squares[k]`, the count, sum and sum of squares of
/// the others, each added in order (a score above ε adds +0.0, which leaves a sum as it was).
/// Counts are doubles, exact up to 2^53.
void seismo_threshold_tally(const double *smoothed, size_t n, const double *epsilons, size_t count, double *above,
                            double *runs, double *below_count, double *below_sum, double *below_squares);

#endif
