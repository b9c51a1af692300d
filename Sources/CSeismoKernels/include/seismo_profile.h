// Discord's nearest-window search: a block of diagonals of the distance matrix of a left matrix
// profile, side by side in the widest registers the CPU has (`target_clones`).
//
// No operation is fused, so every instruction set gives the same bits.
#ifndef SEISMO_PROFILE_H
#define SEISMO_PROFILE_H

#include <stddef.h>

/// Diagonals per block: `seismo_profile_block` runs this many side by side.
#define SEISMO_PROFILE_LANES 8

/// For the later window starts s in [`from`, `windows`), the squared Euclidean distance between
/// the windows of `window` rows starting at s − lag and s (in Double: each step's squares summed
/// over the features, then the steps), for each lag in [`first_lag`, `first_lag` + SEISMO_PROFILE_LANES) up to `max_lag`
/// with s − lag ≥ 0. Where one is below `best_distance[s]`, it is written there with its earlier
/// window's start in `best_start[s]`; of equal ones, the lowest lag's (the later window).
///
/// `x` is feature-major: `features` × `rows` (a feature's rows side by side), `rows` at least
/// `windows` + `window` − 1. `ring` is
/// scratch for SEISMO_PROFILE_LANES × `window` doubles, aligned to SEISMO_PROFILE_LANES doubles.
///
/// The lanes run together from s = max(the block's last lag, `from`); each lag's pairs before
/// that are summed in full. Running together, each lane's sum adds the step that enters and takes
/// off the one that leaves, and starts again in full at every s that is a multiple of `refresh`.
/// Where sums start depends on the lags and `from` only, never on `windows`: appending rows
/// changes no earlier distance.
void seismo_profile_block(const float *x, size_t rows, size_t features, size_t window, size_t first_lag, size_t max_lag,
                          size_t from, size_t windows, size_t refresh, double *ring, double *best_distance,
                          ptrdiff_t *best_start);

#endif
