/// The left matrix profile of a row-major series: for each window start s, the squared Euclidean
/// distance (summed over steps and features) to its nearest window starting at i ≤ s − exclusion
/// (and, with `history` > 0, i ≥ s − history), and that i.
///
/// Computed along the diagonals of the distance matrix: on diagonal L (pairs i, i + L) the
/// distance of the next pair is the last one minus the step that leaves plus the step that
/// enters, recomputed in full every `refresh` pairs to keep rounding from accumulating. Pair
/// (i, s) depends on rows up to s + window − 1 only, so appending rows changes no earlier entry.
struct LeftProfile {
  /// Per window start: the squared distance to the nearest earlier window (infinity before
  /// `exclusion`) and that window's start.
  var nearest: [(distance: Double, start: Int)]

  static let refresh = 1024

  init(values x: [Float], featureCount f: Int, window m: Int, exclusion: Int, history: Int) {
    let n = x.count / f - m + 1  // window starts
    nearest = [(distance: Double, start: Int)](repeating: (.infinity, 0), count: max(n, 0))
    guard n > exclusion else { return }
    let lastLag = history == 0 ? n - 1 : min(n - 1, history)
    x.withUnsafeBufferPointer { x in
      /// Σ_f (x[p + lag, f] − x[p, f])², one step of the pair starting at (p, p + lag).
      func step(_ p: Int, _ lag: Int) -> Double {
        var sum = 0.0
        for j in 0..<f {
          let d = Double(x[(p + lag) * f + j]) - Double(x[p * f + j])
          sum += d * d
        }
        return sum
      }
      for lag in exclusion...lastLag {
        var distance = 0.0
        for i in 0..<(n - lag) {
          if i % Self.refresh == 0 {
            distance = 0
            for p in i..<(i + m) { distance += step(p, lag) }
          } else {
            distance += step(i + m - 1, lag) - step(i - 1, lag)
          }
          let s = i + lag
          if distance < nearest[s].distance { nearest[s] = (distance, i) }
        }
      }
    }
  }
}
