import CSeismoKernels
import Foundation
import SeismoCore
import Synchronization

/// The left matrix profile of a row-major series: for each window start s, the squared Euclidean
/// distance (summed over steps and features) to its nearest window starting at i ≤ s − exclusion
/// (and, with `history` > 0, i ≥ s − history), and that i. Of equally near windows, the latest.
///
/// Computed along the diagonals of the distance matrix: on diagonal L (pairs i, i + L) the
/// distance of the next pair is the last one minus the step that leaves plus the step that
/// enters, recomputed in full at every s a multiple of `refresh` to keep rounding from
/// accumulating. Pair (i, s) depends on rows up to s + window − 1 only, so appending rows changes
/// no earlier entry. The diagonals run in blocks of `SEISMO_PROFILE_LANES`, side by side in
/// vector registers (`seismo_profile_block`, in C for the widest the CPU has), and the blocks
/// are dealt out to `threads` threads (alternately, so each gets as many pairs), each keeping
/// its own nearest windows; merging them gives the same profile for any number of threads. With
/// `from`, only the windows starting there or later are matched (the others keep infinity): a
/// block starts there, computed in full, and refreshes where a whole scan does, so it gives the
/// whole scan's distances up to rounding. `progress` hears the pairs compared so far, from the
/// thread of the first part only, after its blocks, at each hundredth of the pairs.
struct LeftProfile {
  /// Per window start: the squared distance to the nearest earlier window (infinity before
  /// `exclusion`) and that window's start.
  var nearest: [(distance: Double, start: Int)]

  static let refresh = 1024

  init(
    values x: [Float], featureCount f: Int, window m: Int, exclusion: Int, history: Int, from: Int = 0, threads: Int = 2,
    progress: ProgressObserver? = nil
  ) {
    let n = x.count / f - m + 1  // window starts
    nearest = [(distance: Double, start: Int)](repeating: (.infinity, 0), count: max(n, 0))
    guard n > exclusion else { return }
    let lastLag = history == 0 ? n - 1 : min(n - 1, history)
    let lanes = Int(SEISMO_PROFILE_LANES)
    let blockCount = (lastLag - exclusion + lanes) / lanes
    let parts = max(1, min(threads, blockCount))
    /// The pairs of block `b`: each of its lags' from its first later window (s ≥ lag, s ≥ from) on.
    @Sendable func pairs(ofBlock b: Int) -> Int {
      let lags = (exclusion + b * lanes)...min(exclusion + b * lanes + lanes - 1, lastLag)
      return lags.reduce(0) { $0 + max(0, n - max($1, from)) }
    }
    let total = progress == nil ? 0 : (0..<blockCount).reduce(0) { $0 + pairs(ofBlock: $1) }
    let compared = Atomic(0)
    // Each thread's nearest windows: n distances, then n starts.
    var distances = [Double](repeating: .infinity, count: parts * n)
    var starts = [Int](repeating: 0, count: parts * n)
    let rows = x.count / f
    // Feature-major, as the kernel reads them: each feature's rows side by side.
    let columns = f == 1 ? x : (0..<f).flatMap { j in (0..<rows).lazy.map { x[$0 * f + j] } }
    columns.withUnsafeBufferPointer { x in
      distances.withUnsafeMutableBufferPointer { distances in
        starts.withUnsafeMutableBufferPointer { starts in
          // Each thread writes its own n entries of each.
          let shared = UnsafeTransfer((x, distances, starts, progress))
          DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (x, distances, starts, progress) = shared.value
            var heard = 0  // the hundredths of the pairs heard
            let ring = UnsafeMutableRawPointer.allocate(
              byteCount: lanes * m * MemoryLayout<Double>.stride, alignment: lanes * MemoryLayout<Double>.stride)
            defer { ring.deallocate() }
            for block in stride(from: part, to: blockCount, by: parts) {
              seismo_profile_block(
                x.baseAddress, rows, f, m, exclusion + block * lanes, lastLag, from, n, Self.refresh,
                ring.assumingMemoryBound(to: Double.self), distances.baseAddress! + part * n,
                starts.baseAddress! + part * n)
              guard let progress else { continue }
              let done = compared.add(pairs(ofBlock: block), ordering: .relaxed).newValue
              // Heard at each hundredth of the pairs, not after each of the (many thousand) blocks.
              if part == 0, total > 0, done * 100 / total > heard {
                heard = done * 100 / total
                progress(ProgressCount(done, of: total, .windowPairs))
              }
            }
          }
        }
      }
    }
    for s in 0..<n {
      for part in 0..<parts {
        let candidate = (distance: distances[part * n + s], start: starts[part * n + s])
        // Equal distances: the latest window, as one thread scanning lags upwards keeps.
        if candidate.distance < nearest[s].distance
          || (candidate.distance == nearest[s].distance && candidate.start > nearest[s].start)
        {
          nearest[s] = candidate
        }
      }
    }
  }
}
