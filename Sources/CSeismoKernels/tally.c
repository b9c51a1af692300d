#include "seismo_tally.h"
#include "dispatch.h"

#include <math.h>

// The sums must be a scalar loop's: no multiply-add is fused.
#pragma clang fp contract(off)

// Candidates side by side, a pass over the scores for each block of this many: an AVX2 vector
// of doubles. Each sum is a chain of additions that waits on the one before; blocks of 8 left
// AVX2's build short of registers, and a chain that waited on the stack took 14 cycles a score.
#define TALLY_LANES 4

typedef double tally_lanes_t __attribute__((ext_vector_type(TALLY_LANES)));

WIDEST_AVAILABLE
void seismo_threshold_tally(const double *smoothed, size_t n, const double *epsilons, size_t count, double *above,
                            double *runs, double *below_count, double *below_sum, double *below_squares) {
  for (size_t first = 0; first < count; first += TALLY_LANES) {
    tally_lanes_t limit = INFINITY;  // lanes past the last candidate: every score below, not stored
    for (size_t k = 0; k < TALLY_LANES && first + k < count; k++) limit[k] = epsilons[first + k];
    // Four chains of additions: the count below is n less the count above.
    tally_lanes_t up_count = 0, run_count = 0, low_sum = 0, low_squares = 0, before = 0;
    for (size_t i = 0; i < n; i++) {
      const double e = smoothed[i];
      const tally_lanes_t up = e > limit ? (tally_lanes_t)1.0 : (tally_lanes_t)0.0;  // 1 where above
      up_count += up;
      run_count += up > before ? (tally_lanes_t)1.0 : (tally_lanes_t)0.0;  // above, and the score before not
      low_sum += e > limit ? (tally_lanes_t)0.0 : (tally_lanes_t)e;
      low_squares += e > limit ? (tally_lanes_t)0.0 : (tally_lanes_t)(e * e);
      before = up;
    }
    const tally_lanes_t low_count = (double)n - up_count;
    for (size_t k = 0; k < TALLY_LANES && first + k < count; k++) {
      above[first + k] = up_count[k];
      runs[first + k] = run_count[k];
      below_count[first + k] = low_count[k];
      below_sum[first + k] = low_sum[k];
      below_squares[first + k] = low_squares[k];
    }
  }
}
