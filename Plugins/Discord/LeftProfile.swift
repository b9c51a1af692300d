import Foundation
import SeismoCore

/// The left matrix profile of a row-major series: for each window start s, the squared Euclidean
/// distance (summed over steps and features) to its nearest window starting at i ≤ s − exclusion
/// (and, with `history` > 0, i ≥ s − history), and that i. Of equally near windows, the latest.
///
/// Computed along the diagonals of the distance matrix: on diagonal L (pairs i, i + L) the
/// distance of the next pair is the last one minus the step that leaves plus the step that
/// enters, recomputed in full every `refresh` pairs to keep rounding from accumulating. Pair
/// (i, s) depends on rows up to s + window − 1 only, so appending rows changes no earlier entry.
/// The diagonals are dealt out to `threads` threads (alternately, so each gets as many pairs),
/// each keeping its own nearest windows; merging them gives the same profile for any number of
/// threads. With `from`, only the windows starting there or later are matched (the others keep
/// infinity): each diagonal starts at its first such pair, computed in full, and refreshes where
/// a whole scan does, so it gives the whole scan's distances up to rounding.
struct LeftProfile {
  /// Per window start: the squared distance to the nearest earlier window (infinity before
  /// `exclusion`) and that window's start.
  var nearest: [(distance: Double, start: Int)]

  static let refresh = 1024

  init(
    values x: [Float], featureCount f: Int, window m: Int, exclusion: Int, history: Int, from: Int = 0, threads: Int = 2
  ) {
    let n = x.count / f - m + 1  // window starts
    nearest = [(distance: Double, start: Int)](repeating: (.infinity, 0), count: max(n, 0))
    guard n > exclusion else { return }
    let lagCount = (history == 0 ? n - 1 : min(n - 1, history)) - exclusion + 1
    let parts = max(1, min(threads, lagCount))
    let found = UnsafeMutableBufferPointer<(distance: Double, start: Int)>.allocate(capacity: parts * n)
    defer { found.deallocate() }
    found.initialize(repeating: (.infinity, 0))
    x.withUnsafeBufferPointer { x in
      // Each thread writes its own n entries of `found`.
      let shared = UnsafeTransfer((x, found))
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        let (x, found) = shared.value
        let mine = UnsafeMutableBufferPointer(rebasing: found[(part * n)..<((part + 1) * n)])
        for lag in stride(from: exclusion + part, to: exclusion + lagCount, by: parts) {
          Self.scan(x, featureCount: f, window: m, lag: lag, pairs: min(max(0, from - lag), n - lag)..<(n - lag), into: mine)
        }
      }
    }
    for s in 0..<n {
      for part in 0..<parts {
        let candidate = found[part * n + s]
        // Equal distances: the latest window, as one thread scanning lags upwards keeps.
        if candidate.distance < nearest[s].distance
          || (candidate.distance == nearest[s].distance && candidate.start > nearest[s].start)
        {
          nearest[s] = candidate
        }
      }
    }
  }

  /// Diagonal `lag`: the distances of pairs (i, i + lag) for i in `pairs`, kept in `best` (indexed
  /// by the later window's start) where nearer than what it holds. Each step's squared difference
  /// is computed once and kept in a ring of `m` (oldest step next) until it leaves the window.
  private static func scan(
    _ x: UnsafeBufferPointer<Float>, featureCount f: Int, window m: Int, lag: Int, pairs: Range<Int>,
    into best: UnsafeMutableBufferPointer<(distance: Double, start: Int)>
  ) {
    /// Σ_f (x[p + lag, f] − x[p, f])², one step of the pair starting at (p, p + lag).
    func step(_ p: Int) -> Double {
      var sum = 0.0
      for j in 0..<f {
        let d = Double(x[(p + lag) * f + j]) - Double(x[p * f + j])
        sum += d * d
      }
      return sum
    }
    withUnsafeTemporaryAllocation(of: Double.self, capacity: m) { ring in
      var distance = 0.0
      var slot = 0  // the ring's slot of step i − 1, which leaves as step i + m − 1 enters
      for i in pairs {
        if i % refresh == 0 || i == pairs.lowerBound {
          distance = 0
          for k in 0..<m {
            ring[k] = step(i + k)
            distance += ring[k]
          }
          slot = 0
        } else {
          let entering = step(i + m - 1)
          distance += entering - ring[slot]
          ring[slot] = entering
          slot = slot + 1 == m ? 0 : slot + 1
        }
        let s = i + lag
        if distance < best[s].distance { best[s] = (distance, i) }  // lags rise: ties keep the later window
      }
    }
  }
}
