import CSeismoKernels
import Dispatch

/// The machine's arithmetic ceiling, the rate no real computation can pass.
public enum ArithmeticPeak {
  /// GFLOP/s of `threads` threads at once, each running 12 independent chains of multiply-adds
  /// with no memory traffic (`seismo_multiply_add_loop`, on the widest instruction set the CPU
  /// has, 384 FLOPs per iteration), the best of three rounds. Benchmarks quote their share of the larger of
  /// this and `BLAS.sgemmPeakGFLOPs`: on some machines OpenBLAS reaches a small part of it.
  public static func gflops(threads: Int, iterations: Int = 10_000_000) -> Double {
    var best = 0.0
    for _ in 0..<3 {
      let started = DispatchTime.now().uptimeNanoseconds
      DispatchQueue.concurrentPerform(iterations: threads) { _ in
        _ = seismo_multiply_add_loop(iterations)
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
      best = max(best, Double(iterations) * 384 * Double(threads) / seconds / 1e9)
    }
    return best
  }
}
