import COpenBLAS
import Foundation

/// OpenBLAS, for what is not a layer's arithmetic: the transposes of an LSTM's weights (copies),
/// and the single-precision matrix-product rate that benchmarks quote a share of. The layers'
/// products are Seismo's own (`SmallProduct`), whose bits do not depend on the CPU model.
///
/// OpenBLAS runs single-threaded: Seismo parallelises across batch shards itself.
public enum BLAS {
  /// Picks the kernels, then one thread, and stops OpenBLAS's idle server threads; runs once.
  /// Kernel selection may `setenv`, which is not thread-safe: programs call `configure()` in
  /// `main` before any thread starts.
  static let configured: Void = {
    selectKernels()
    openblas_set_num_threads(1)
    stopServerThreads()
  }()

  /// The pthreads build of OpenBLAS (Debian's default) starts a server thread a core as it
  /// loads, and each spins on `sched_yield` a while before it sleeps, beside the work of the
  /// process's first moments: a 10,000-row `detect` used 82 ms of CPU with them and 55 ms
  /// without (`scripts/bench-process.sh`). Setting one thread leaves them spinning, so they are
  /// shut down (`blas_thread_shutdown_`, looked up, as OpenBLAS's other builds may lack it);
  /// OpenBLAS runs single-threaded calls on the caller's thread without them.
  static func stopServerThreads() {
    guard let shutdown = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
    _ = unsafeBitCast(shutdown, to: (@convention(c) () -> Int32).self)()
  }

  /// Whether OpenBLAS has server threads (nil: this build of it does not say).
  static var hasServerThreads: Bool? {
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_server_avail").map { $0.load(as: Int32.self) != 0 }
  }

  /// Configures OpenBLAS now (idempotent); see `configured`.
  public static func configure() { _ = configured }

  /// The kernel set OpenBLAS uses (e.g. "SkylakeX", "Haswell", "Prescott").
  public static var kernelName: String { String(cString: openblas_get_corename()) }

  /// OpenBLAS 0.3.21 (Debian 12) does not recognise recent or virtualised Xeons and falls back to
  /// its SSE3 "Prescott" kernels, about 3× slower here. When that happens, and the user has not
  /// chosen with `OPENBLAS_CORETYPE`, choose from the CPU's feature flags and re-run selection.
  static func selectKernels() {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, kernelName.lowercased() == "prescott"
    else { return }
    let flags = CPUFlags.current
    let choice: String
    if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) {
      choice = "SkylakeX"
    } else if flags.isSuperset(of: ["avx2", "fma"]) {
      choice = "Haswell"
    } else {
      return
    }
    setenv("OPENBLAS_CORETYPE", choice, 1)
    gotoblas_dynamic_quit()
    gotoblas_dynamic_init()
    unsetenv("OPENBLAS_CORETYPE")
  }

  /// The machine's single-precision matrix-product rate, GFLOP/s: `threads` threads each
  /// multiplying n×n matrices `repeats` times (OpenBLAS single-threaded in each, as Seismo runs
  /// it), the best of three rounds. The ceiling benchmarks quote their share of.
  public static func sgemmPeakGFLOPs(threads: Int, n: Int = 1024, repeats: Int = 4) -> Double {
    configure()
    let count = n * n
    let a = [Float](repeating: 0.5, count: count)
    let b = [Float](repeating: 0.25, count: count)
    var best = 0.0
    for _ in 0..<3 {
      let started = DispatchTime.now().uptimeNanoseconds
      DispatchQueue.concurrentPerform(iterations: threads) { _ in
        var c = [Float](repeating: 0, count: count)
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
              for _ in 0..<repeats { gemm(n: n, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!) }
            }
          }
        }
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
      best = max(best, 2 * pow(Double(n), 3) * Double(repeats * threads) / seconds / 1e9)
    }
    return best
  }

  /// B = Aᵀ: A is `rows`×`columns`, dense, and B `columns`×`rows` with row stride `ldb` (at least
  /// `rows`), both row-major.
  static func transpose(_ a: UnsafePointer<Float>, rows: Int, columns: Int, into b: UnsafeMutablePointer<Float>, ldb: Int) {
    cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, a, Int32(columns), b, Int32(ldb))
  }

  /// C = A·B, all n×n and row-major: the product `sgemmPeakGFLOPs` times.
  private static func gemm(n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
    let size = Int32(n)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, a, size, b, size, 0, c, size)
  }
}

extension Array where Element: Numeric {
  /// Resizes to `count` zeros only when the size changes; otherwise zero-fills in place when
  /// `zero` is set. Keeps buffers allocated across batches.
  mutating func prepare(_ count: Int, zero: Bool = false) {
    if self.count != count {
      self = [Element](repeating: 0, count: count)
    } else if zero {
      withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
  }
}
