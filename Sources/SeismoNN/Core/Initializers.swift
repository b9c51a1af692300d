import SeismoSupport

/// Keras's default weight initialisers, drawn from a seeded generator.
public enum Initializers {
  /// Uniform in ±√(6 / (fanIn + fanOut)), row-major (fanIn, fanOut).
  public static func glorotUniform(fanIn: Int, fanOut: Int, random: inout SeededGenerator) -> [Float] {
    let limit = (6 / Double(fanIn + fanOut)).squareRoot()
    return (0..<fanIn * fanOut).map { _ in Float((random.nextUnit() * 2 - 1) * limit) }
  }

  /// A (rows, columns) matrix with orthonormal rows or columns (whichever are fewer), as Keras's
  /// `Orthogonal`: QR of a standard normal matrix, signs fixed by R's diagonal.
  public static func orthogonal(rows: Int, columns: Int, random: inout SeededGenerator) -> [Float] {
    // Orthonormalise the columns of a tall (n × k) normal matrix, n = max, k = min.
    let n = max(rows, columns)
    let k = min(rows, columns)
    var q = (0..<n * k).map { _ in random.nextGaussian() }  // column-major: column c at c*n
    for c in 0..<k {
      for p in 0..<c {  // modified Gram–Schmidt, twice for stability
        for _ in 0..<2 {
          var dot = 0.0
          for i in 0..<n { dot += q[p * n + i] * q[c * n + i] }
          for i in 0..<n { q[c * n + i] -= dot * q[p * n + i] }
        }
      }
      var norm = 0.0
      for i in 0..<n { norm += q[c * n + i] * q[c * n + i] }
      norm = norm.squareRoot()
      for i in 0..<n { q[c * n + i] /= norm }
    }
    // Tall case (rows ≥ columns): result[r][c] = q[c][r]. Wide case: the transpose.
    var out = [Float](repeating: 0, count: rows * columns)
    for r in 0..<rows {
      for c in 0..<columns {
        out[r * columns + c] = Float(rows >= columns ? q[c * n + r] : q[r * n + c])
      }
    }
    return out
  }
}
