import COpenBLAS
import Foundation

/// Row-major single-precision matrix products through OpenBLAS (`cblas_sgemm`).
///
/// OpenBLAS runs single-threaded: Seismo parallelises across batch shards itself, which wins for
/// the small per-step products an LSTM makes.
public enum BLAS {
  /// Picks the kernels, then one thread; runs once. Kernel selection may `setenv`, which is not
  /// thread-safe: programs call `configure()` in `main` before any thread starts (Dense layers
  /// also touch it, for library users, before their first product).
  static let configured: Void = {
    selectKernels()
    openblas_set_num_threads(1)
  }()

  /// Configures OpenBLAS now (idempotent); see `configured`.
  public static func configure() { _ = configured }

  /// OpenBLAS runs small products, like a Dense layer's on one batch, at about a third of their speed
  /// until one large product has run in the packing buffer the call draws from OpenBLAS's pool;
  /// threads multiplying at the same time draw different buffers. So before the first Dense layer
  /// multiplies, one 512³ product runs on a thread per core, all at once (about 10 ms, once).
  static let warmedUp: Void = {
    configure()
    let n = 512
    let zeros = [Float](repeating: 0, count: n * n)
    let done = DispatchGroup()
    for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
      done.enter()
      // Threads of their own, so the products overlap even when the caller is a busy shard.
      Thread {
        var product = [Float](repeating: 0, count: n * n)
        zeros.withUnsafeBufferPointer { a in
          product.withUnsafeMutableBufferPointer { c in
            gemm(m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: a.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
          }
        }
        done.leave()
      }.start()
    }
    done.wait()
  }()

  /// Configures OpenBLAS and warms its buffers (idempotent); see `warmedUp`. Dense layers
  /// call it before their first product (an LSTM's products are `SmallProduct`'s).
  public static func warmUp() { _ = warmedUp }

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
              for _ in 0..<repeats {
                gemm(
                  m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!,
                  ldc: n)
              }
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

  /// C(m×n) = alpha · op(A) · op(B) + beta · C, all row-major with the given leading dimensions.
  /// `op(A)` is m×k (A is k×m when `transA`), `op(B)` is k×n (B is n×k when `transB`).
  @inline(__always)
  static func gemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
