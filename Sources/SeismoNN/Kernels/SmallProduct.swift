import CSeismoKernels

/// Seismo's own matrix product for an LSTM's small, skinny matrices (`seismo_small_product`):
/// per-step products such as (32 × 64)·(64 × 256) run several times faster than through
/// OpenBLAS, whose kernels are built for large matrices. `scripts/bench.sh` shows the rate.
enum SmallProduct {
  /// Rows of B the kernel takes per pass: a product whose k is at most this is one pass.
  static let passRows = Int(SEISMO_PRODUCT_PASS_ROWS)

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

  /// A term A·B of `multiplySum`: A m×k with row stride `lda`, B k×n with row stride `ldb`.
  typealias Term = SeismoProductTerm

  /// C (m×n) = D + A₁·B₁ + A₂·B₂, with the bits of one product over both terms' k (the first
  /// term's rows first), in one pass over C; D as in `multiply`.
  @inline(__always)
  static func multiplySum(
    m: Int, n: Int, _ first: Term, _ second: Term, plus addend: UnsafePointer<Float>?, addendStride: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    seismo_small_product_sum(m, n, first, second, addend, addendStride, c, ldc)
  }
}

extension SeismoProductTerm {
  /// A (m×k, row stride `lda`) times B (k×n, row stride `ldb`).
  init(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, k: Int) {
    self.init(a: a, row_stride: lda, column_stride: 1, b: b, ldb: ldb, k: k)
  }

  /// A term that adds nothing.
  static var none: Self { Self(a: nil, row_stride: 0, column_stride: 0, b: nil, ldb: 0, k: 0) }
}
