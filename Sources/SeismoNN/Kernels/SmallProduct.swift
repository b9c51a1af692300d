import CSeismoKernels

/// Seismo's own matrix product for an LSTM's small, skinny matrices (`seismo_small_product`):
/// per-step products such as (32 × 64)·(64 × 256) run several times faster than through
/// OpenBLAS, whose kernels are built for large matrices. `scripts/bench.sh` shows the rate.
enum SmallProduct {
  /// C (m×n) = D + op(A)·B, all row-major; D is `addend` with row stride `addendStride` (0
  /// repeats one row), or zero when nil, and may be C itself. op(A) is m×k: A itself with row
  /// stride `lda`, or, when `transA`, the transpose of A (k×m, row stride `lda`).
  @inline(__always)
  static func multiply(
    transA: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    plus addend: UnsafePointer<Float>?, addendStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    seismo_small_product(m, n, k, a, transA ? 1 : lda, transA ? lda : 1, b, ldb, addend, addendStride, c, ldc)
  }
}
