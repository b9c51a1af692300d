// One instruction set's build of the small products and the multiply-add loop. products.c
// includes this file once per set, each time defining:
//   VECTOR, LANES  one register of the set, LANES floats;
//   WIDE           registers per row in the widest block of C, whose 6·WIDE accumulators, WIDE
//                  vectors of B and A's broadcast fit the register file (6·4 of AVX-512's 32,
//                  6·2 of AVX2's and SSE's 16);
//   TARGET         the attribute that compiles a function for the set (empty for the baseline);
//   NAMED(name)    the build's name for a function;
//   SET_NAME       the set's name, as `seismo_kernel_instruction_set` returns it.
// The file undefines them at its end, ready for the next build.

// C = D + A₁·B₁ + A₂·B₂ for k₁ + k₂ ≤ K_CHUNK and rows i0..<m, with the B rows' last
// `n mod LANES` columns in `panel`. `two_terms` is a constant: with 0, the second term's loops
// are compiled out, which keeps the single product's register allocation (with them, some of its
// shapes ran at half speed). Blocks narrower than WIDE registers take 8 rows rather than 6, for
// more independent sums per loaded vector of B; more than 8 rows ran slower (each row needs its
// own address register).
TARGET INLINE void NAMED(product_rows)(size_t i0, size_t m, size_t n, SeismoProductTerm first,
                                       SeismoProductTerm second, const int two_terms, const float *restrict panel,
                                       const float *d, size_t ldd, float *c, size_t ldc) {
  size_t j = 0;
  for (; j + WIDE * LANES <= n; j += WIDE * LANES) ROWS(BLOCK, WIDE, 6, i0);
  // The 1 to WIDE − 1 whole vectors left, in one block.
  switch ((n - j) / LANES) {
  case 3:
    if (WIDE > 3) ROWS(BLOCK, 3, 8, i0);
    break;
  case 2:
    if (WIDE > 2) ROWS(BLOCK, 2, 8, i0);
    break;
  case 1: ROWS(BLOCK, 1, 8, i0); break;
  }
  j += (n - j) / LANES * LANES;
  const size_t rest = n - j;
  switch (rest == 0 ? 0 : TAIL_LANES(rest)) {
  case 4: ROWS(PARTIAL_BLOCK, 4, 8, i0); break;
  case 8:
    if (LANES >= 8) ROWS(PARTIAL_BLOCK, 8, 8, i0);
    break;
  case 16:
    if (LANES >= 16) ROWS(PARTIAL_BLOCK, 16, 8, i0);
    break;
  }
}

// The last columns (from `last`) of a term's B rows, padded with zeros, into panel rows of
// TAIL_LANES(n − last) floats.
TARGET INLINE void NAMED(copy_partial_columns)(SeismoProductTerm t, size_t last, size_t n, float *restrict panel) {
  const size_t width = TAIL_LANES(n - last);
  for (size_t p = 0; p < t.k; p++) {
    for (size_t q = 0; q < width; q++) panel[width * p + q] = last + q < n ? t.b[p * t.ldb + last + q] : 0.0f;
  }
}

// C = D + A₁·B₁ + A₂·B₂ in passes of K_CHUNK rows of the two terms' k₁ + k₂.
TARGET INLINE void NAMED(product_passes)(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second,
                                         const int two_terms, const float *d, size_t ldd, float *c, size_t ldc) {
  const size_t slab = m > n ? SLAB : m;
  const size_t last = n - n % LANES;  // the partial columns' first
  const size_t k = first.k + second.k;
  float panel[LANES * K_CHUNK];  // k ≤ K_CHUNK per pass: on the stack, no allocation per step
  size_t p0 = 0;
  do {
    const size_t chunk = k - p0 < K_CHUNK ? k - p0 : K_CHUNK;
    // This pass's rows p0..<p0 + chunk of the two terms' k₁ + k₂.
    const size_t from_first = p0 < first.k ? (first.k - p0 < chunk ? first.k - p0 : chunk) : 0;
    const SeismoProductTerm pass_first = term_rows(first, p0, from_first);
    const SeismoProductTerm pass_second = term_rows(second, p0 + from_first - first.k, chunk - from_first);
    const float *pass_d = p0 == 0 ? d : c;
    const size_t pass_ldd = p0 == 0 ? ldd : ldc;
    if (last < n) {
      NAMED(copy_partial_columns)(pass_first, last, n, panel);
      NAMED(copy_partial_columns)(pass_second, last, n, panel + TAIL_LANES(n - last) * pass_first.k);
    }
    for (size_t i0 = 0; i0 < m; i0 += slab) {
      NAMED(product_rows)(i0, i0 + slab < m ? i0 + slab : m, n, pass_first, pass_second, two_terms, panel, pass_d,
                          pass_ldd, c, ldc);
    }
    p0 += chunk;
  } while (p0 < k);
}

// The build's entry points, bound by products.c. External, not static: as static functions,
// whose every call clang sees, the AVX-512 build compiled to a different schedule from the one
// its blocking was measured with.
TARGET void NAMED(small_product_sum)(size_t m, size_t n, SeismoProductTerm first, SeismoProductTerm second,
                                            const float *d, size_t ldd, float *c, size_t ldc) {
  NAMED(product_passes)(m, n, first, second, 1, d, ldd, c, ldc);
}

TARGET void NAMED(small_product)(size_t m, size_t n, size_t k, const float *a, size_t a_row_stride,
                                        size_t a_column_stride, const float *b, size_t ldb, const float *d, size_t ldd,
                                        float *c, size_t ldc) {
  const SeismoProductTerm first = {a, a_row_stride, a_column_stride, b, ldb, k}, none = {a, 0, 0, b, 0, 0};
  NAMED(product_passes)(m, n, first, none, 0, d, ldd, c, ldc);
}

// 384 FLOPs per iteration on every set: 12 independent chains of multiply-adds, each 16 lanes'
// worth (16 / LANES registers) per iteration.
TARGET float NAMED(multiply_add_loop)(size_t iterations) {
  VECTOR acc[12];
  for (int r = 0; r < 12; r++) acc[r] = (VECTOR)(1.0f + 0.001f * (float)r);
  const VECTOR x = (VECTOR)0.999999f, y = (VECTOR)1e-6f;
  for (size_t t = 0; t < iterations; t++) {
    for (int s = 0; s < 16 / LANES; s++) {
      for (int r = 0; r < 12; r++) acc[r] = acc[r] * x + y;
    }
  }
  VECTOR total = (VECTOR)0.0f;
  for (int r = 0; r < 12; r++) total += acc[r];
  float sum = 0.0f;
  for (int lane = 0; lane < LANES; lane++) sum += total[lane];
  return sum;
}

TARGET const char *NAMED(kernel_instruction_set)(void) { return SET_NAME; }

#undef VECTOR
#undef LANES
#undef WIDE
#undef TARGET
#undef NAMED
#undef SET_NAME
