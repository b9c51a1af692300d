#include "seismo_profile.h"
#include "dispatch.h"

#include <math.h>
#include <string.h>

// Every instruction set rounds alike: no multiply-add is fused.
#pragma clang fp contract(off)

typedef double lanes_t __attribute__((ext_vector_type(SEISMO_PROFILE_LANES)));
typedef float float_lanes_t __attribute__((ext_vector_type(SEISMO_PROFILE_LANES)));
typedef long lane_masks_t __attribute__((ext_vector_type(SEISMO_PROFILE_LANES)));

// One step of a pair of windows: Σ_f (x[f, p] − x[f, p − lag])², `x` feature-major.
INLINE double pair_step(const float *x, size_t rows, size_t features, size_t p, size_t lag) {
  double sum = 0;
  for (size_t j = 0; j < features; j++) {
    const double d = (double)x[j * rows + p] - (double)x[j * rows + p - lag];
    sum += d * d;
  }
  return sum;
}

// The step at later row p of every lane, lane k's lag being `last` − k: its earlier row is
// p − last + k, so each feature's earlier rows lie side by side.
// (Written to `steps`: a vector return would change the baseline build's calling convention.)
INLINE void lane_steps(const float *x, size_t rows, size_t features, size_t p, size_t last, lanes_t *steps) {
  lanes_t sum = 0;
  for (size_t j = 0; j < features; j++) {
    float_lanes_t earlier;
    memcpy(&earlier, x + j * rows + p - last, sizeof earlier);
    const lanes_t d = (lanes_t)(double)x[j * rows + p] - __builtin_convertvector(earlier, lanes_t);
    sum += d * d;
  }
  *steps = sum;
}

// `seismo_profile_block`, inlined into it twice: for one feature (a constant, so the loop keeps
// no per-feature pointers) and for any number.
INLINE void profile_block(const float *x, size_t rows, size_t features, size_t window, size_t first_lag, size_t max_lag,
                          size_t from, size_t windows, size_t refresh, double *ring, double *best_distance,
                          ptrdiff_t *best_start) {
  const size_t last = first_lag + SEISMO_PROFILE_LANES - 1;  // lane 0's lag
  const size_t together = last > from ? last : from;           // where every lane has a pair
  const size_t alone_end = together < windows ? together : windows;
  // Before `together`, each lag's few pairs in full, lowest lag first: ties keep the later window.
  for (size_t lag = first_lag; lag <= last && lag <= max_lag; lag++) {
    for (size_t s = lag > from ? lag : from; s < alone_end; s++) {
      double distance = 0;
      for (size_t k = 0; k < window; k++) distance += pair_step(x, rows, features, s + k, lag);
      if (distance < best_distance[s]) {
        best_distance[s] = distance;
        best_start[s] = (ptrdiff_t)(s - lag);
      }
    }
  }
  if (together >= windows) return;
  lanes_t absent;  // +∞ on the lanes past `max_lag`, which keeps them from ever being nearer
  for (size_t k = 0; k < SEISMO_PROFILE_LANES; k++) absent[k] = last - k > max_lag ? INFINITY : 0;
  lanes_t *steps = (lanes_t *)ring;  // the window's steps, oldest at `slot`
  lanes_t distance = 0;
  size_t slot = 0;
  size_t to_refresh = 0;  // pairs until the running sums start again in full
  for (size_t s = together; s < windows; s++) {
    if (s == together || to_refresh == 0) {
      distance = 0;
      for (size_t k = 0; k < window; k++) {
        lane_steps(x, rows, features, s + k, last, &steps[k]);
        distance += steps[k];
      }
      slot = 0;
      to_refresh = refresh - s % refresh;
    } else {
      lanes_t entering;
      lane_steps(x, rows, features, s + window - 1, last, &entering);
      distance += entering - steps[slot];
      steps[slot] = entering;
      slot = slot + 1 == window ? 0 : slot + 1;
    }
    to_refresh--;
    const lanes_t present = distance + absent;
    const lane_masks_t nearer = present < (lanes_t)best_distance[s];
    if (!__builtin_reduce_or(nearer)) continue;
    // The nearest lane; of equal ones, the lowest lag (the last lane).
    size_t lane = SEISMO_PROFILE_LANES;
    double nearest = best_distance[s];
    for (size_t k = SEISMO_PROFILE_LANES; k-- > 0;) {
      if (present[k] < nearest) {
        nearest = present[k];
        lane = k;
      }
    }
    best_distance[s] = nearest;
    best_start[s] = (ptrdiff_t)(s - (last - lane));
  }
}

WIDEST_AVAILABLE
void seismo_profile_block(const float *x, size_t rows, size_t features, size_t window, size_t first_lag, size_t max_lag,
                          size_t from, size_t windows, size_t refresh, double *ring, double *best_distance,
                          ptrdiff_t *best_start) {
  if (features == 1) {
    profile_block(x, rows, 1, window, first_lag, max_lag, from, windows, refresh, ring, best_distance, best_start);
  } else {
    profile_block(x, rows, features, window, first_lag, max_lag, from, windows, refresh, ring, best_distance, best_start);
  }
}
