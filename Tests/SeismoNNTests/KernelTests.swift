import CSeismoKernels
import Foundation
import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// The kernels' exp-free activations stay within their documented error of Foundation's.
@Suite struct KernelActivationTests {
  /// Inputs over [−30, 30] in steps of 1/1024, with the extremes; 61,444 of them, so every
  /// vector path and a partial group run.
  static let inputs: [Float] =
    stride(from: -30.0, through: 30.0, by: 1.0 / 1024).map { Float($0) } + [
      -.greatestFiniteMagnitude, .greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude,
    ]

  static func worstError(_ kernel: (UnsafeMutablePointer<Float>, Int) -> Void, _ exact: (Double) -> Double) -> Double {
    var outputs = inputs
    kernel(&outputs, outputs.count)
    return zip(inputs, outputs).map { abs(Double($1) - exact(Double($0))) }.max()!
  }

  @Test func tanhIsWithinItsBound() {
    #expect(Self.worstError(seismo_tanh, Foundation.tanh) <= 5e-7)
  }

  @Test func sigmoidIsWithinItsBound() {
    #expect(Self.worstError(seismo_sigmoid) { 1 / (1 + Foundation.exp(-$0)) } <= 3e-7)
  }

  /// σ is ½·tanh(x/2) + ½ to the bit: the kernel folds the halvings into its coefficients.
  @Test func sigmoidIsTheHalvedTanhToTheBit() {
    let x = Self.inputs + [1e-20, -3e-38, 2e-38, Float.leastNormalMagnitude / 2, 15.999, 16, 16.001, -16.001]  // a subnormal
    var halves = x.map { 0.5 * $0 }
    seismo_tanh(&halves, halves.count)
    var sigmoids = x
    seismo_sigmoid(&sigmoids, sigmoids.count)
    let mismatched = x.indices.filter { k in
      sigmoids[k].bitPattern != Float(0.5).addingProduct(0.5, halves[k]).bitPattern
    }
    #expect(mismatched.count == 0, "first at x = \(mismatched.first.map { x[$0] } ?? 0)")
  }

  @Test func tanhIsRelativelyExactNearZero() {
    let x: [Float] = [1e-30, 1e-6, 1e-3, 0.05, -0.05]
    var y = x
    seismo_tanh(&y, y.count)
    for (x, y) in zip(x, y) { #expect(abs(Double(y) / Foundation.tanh(Double(x)) - 1) <= 5e-7, "x = \(x)") }
  }
}

/// The other element-wise kernels against hand-computed cases (Adam's: `OptimizerTests`).
@Suite struct ElementwiseKernelTests {
  @Test func addRowsSumsEachColumnInOrder() {
    let rows: [Float] = [1, 2, 3, 10, 20, 30, 100, 200, 300]
    var sum: [Float] = [0.5, 0.5, 0.5]
    seismo_add_rows(&sum, rows, 3, 3)
    #expect(sum == [111.5, 222.5, 333.5])
  }

  @Test func dropoutDropsDrawsBelowTheThreshold() {
    var values: [Float] = [1, 2, 3, 4]
    var mask = [Float](repeating: -1, count: 4)
    let draws: [UInt32] = [0, 99, 100, .max]
    seismo_dropout(&values, &mask, draws, 4, 100, 2)
    #expect(mask == [0, 0, 2, 2])
    #expect(values == [0, 0, 6, 8])
  }
}

/// `SmallProduct` against a plain triple loop in Double, on shapes that take every block path of
/// the build the CPU runs (6 rows and each remainder; wide blocks, 1–3 whole vectors and a
/// partial one: 64, 16 and 1–15 columns on AVX-512, 16, 8 and 1–7 on AVX2; k past one 256-row
/// pass), with A as is and transposed, and with no addend, C itself, and one row repeated (stride
/// 0, as the bias is added). scripts/check-kernel-paths.sh runs the other builds.
@Suite struct SmallProductTests {
  enum Addend: CaseIterable { case none, itself, repeatedRow }

  @Test(arguments: [
    (13, 83, 5), (16, 256, 64), (32, 64, 256), (1, 200, 30), (7, 15, 1), (5, 16, 0), (7, 83, 600),
    // 64 + 2 vectors of columns in 8-row blocks; more rows than columns, so slabs of 24 rows
    // (with 3 vectors and a partial one, and with 2 and a partial one past one 256-row pass).
    (9, 96, 4), (61, 50, 9), (70, 40, 300),
  ])
  func matchesThePlainProduct(_ shape: (Int, Int, Int)) {
    let (m, n, k) = shape
    var random = SeededGenerator(seed: UInt64(m * 1000 + n))
    let a = (0..<m * k).map { _ in Float(random.nextGaussian()) }
    let b = (0..<k * n).map { _ in Float(random.nextGaussian()) }
    let start = (0..<m * n).map { _ in Float(random.nextGaussian()) }
    let row = (0..<n).map { _ in Float(random.nextGaussian()) }
    let aTransposed = (0..<k * m).map { index in a[(index % m) * k + index / m] }
    for transA in [false, true] {
      for addend in Addend.allCases {
        var c = start
        row.withUnsafeBufferPointer { row in
          c.withUnsafeMutableBufferPointer { c in
            let d: UnsafePointer<Float>? =
              switch addend {
              case .none: nil
              case .itself: UnsafePointer(c.baseAddress!)
              case .repeatedRow: row.baseAddress!
              }
            SmallProduct.multiply(
              transA: transA, m: m, n: n, k: k, a: transA ? aTransposed : a, lda: transA ? m : k, b: b, ldb: n,
              plus: d, addendStride: addend == .repeatedRow ? 0 : n, c: c.baseAddress!, ldc: n)
          }
        }
        var worst = 0.0
        for i in 0..<m {
          for j in 0..<n {
            var sum =
              switch addend {
              case .none: 0.0
              case .itself: Double(start[i * n + j])
              case .repeatedRow: Double(row[j])
              }
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            worst = max(worst, abs(Double(c[i * n + j]) - sum) / (1 + abs(sum)))
          }
        }
        // Float sums of k products: allow their rounding to grow with k.
        #expect(worst < 1e-5 * max(1, Double(k) / 64), "\(m)×\(n)×\(k) transA \(transA) addend \(addend): \(worst)")
      }
    }
  }
}

/// `SmallProduct.multiplySum` (an LSTM step's z = b + x·W + h₋₁·U) gives the bits of one
/// product over both terms' k, wherever k is split: either term empty, a split inside or at the
/// end of the first 256-row pass, with partial columns and with the bias row repeated.
@Suite struct ProductSumTests {
  @Test(arguments: [
    (13, 83, 300, 0), (13, 83, 300, 40), (13, 83, 300, 256), (13, 83, 300, 280), (13, 83, 300, 300),
    (32, 256, 65, 1), (61, 50, 9, 4), (7, 400, 150, 50),
    // Partial columns in vectors of 8 and of 16 lanes (AVX-512: 32 + 8 and 64 + 16 + 15), past
    // the first pass.
    (9, 40, 300, 100), (13, 95, 300, 280),
  ])
  func isTheProductOverBothTerms(_ shape: (Int, Int, Int, Int)) {
    let (m, n, k, split) = shape
    var random = SeededGenerator(seed: UInt64(m * 1000 + k + split))
    let a = (0..<m * k).map { _ in Float(random.nextGaussian()) }
    let b = (0..<k * n).map { _ in Float(random.nextGaussian()) }
    let row = (0..<n).map { _ in Float(random.nextGaussian()) }
    var whole = [Float](repeating: 0, count: m * n)
    var sum = [Float](repeating: .nan, count: m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        SmallProduct.multiply(
          m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, plus: row, addendStride: 0, c: &whole, ldc: n)
        let first = SmallProduct.Term(a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, k: split)
        let second = SmallProduct.Term(a: a.baseAddress! + split, lda: k, b: b.baseAddress! + split * n, ldb: n, k: k - split)
        SmallProduct.multiplySum(m: m, n: n, first, second, plus: row, addendStride: 0, c: &sum, ldc: n)
      }
    }
    #expect(sum == whole, "\(m)×\(n)×\(k) split at \(split)")
  }
}

/// A Dense layer applies its activation: tanh and sigmoid through the kernels, relu in Swift.
@Suite struct DenseActivationTests {
  @Test(arguments: [ActivationFunction.tanh, .sigmoid, .relu, .linear])
  func outputIsTheActivatedProduct(_ activation: ActivationFunction) {
    var random = SeededGenerator(seed: 3)
    let dense = Dense(inputSize: 3, outputSize: 2, activation: activation, random: &random)
    let x: [Float] = [0.5, -1, 2, -3, 0.25, 1]
    var mode = ForwardMode.inference()
    let y = dense.forward(TimeMajorTensor(batchMajor: x, batch: 2, steps: 1, features: 3), mode: &mode).data
    for row in 0..<2 {
      for j in 0..<2 {
        var z = Double(dense.bias.value[j])
        for i in 0..<3 { z += Double(x[row * 3 + i]) * Double(dense.kernel.value[i * 2 + j]) }
        let expected =
          switch activation {
          case .tanh: Foundation.tanh(z)
          case .sigmoid: 1 / (1 + Foundation.exp(-z))
          case .relu: max(z, 0)
          case .linear: z
          }
        #expect(abs(Double(y[row * 2 + j]) - expected) < 1e-6, "\(activation) row \(row) unit \(j)")
      }
    }
  }
}

/// A Dense layer's products are the kernels' (`SmallProduct`): its output, weight gradient and
/// input gradient are sums in order, each step one fused multiply-add where the kernels are
/// optimised for AVX2 or AVX-512 (the same bits on every such machine), or a product and a sum
/// in an unoptimised build such as the tests'. OpenBLAS, which ran them before, sums in orders
/// of its own that vary with the CPU model (its output here was neither), and a model trained on
/// one machine flagged other days on another.
@Suite struct DenseProductTests {
  @Test func productsAreSumsInOrder() throws {
    try #require(KernelInstructionSet.current != "baseline", "the baseline build's sums are another test's")
    var random = SeededGenerator(seed: 5)
    let (d, o, rows) = (64, 3, 40)
    func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &random) } }
    let dense = Dense(inputSize: d, outputSize: o, random: &random)
    dense.bias.value = values(o)
    let (x, dy) = (values(rows * d), values(rows * o))
    var mode = ForwardMode(training: true, random: SeededGenerator(seed: 1))
    let y = dense.forward(TimeMajorTensor(steps: 1, batch: rows, features: d, data: x), mode: &mode).data
    let dx = try #require(dense.backward(TimeMajorTensor(steps: 1, batch: rows, features: o, data: dy), inputGradient: true)).data
    let w = dense.kernel.value
    /// The three, summed in order from `first` by `step`.
    func products(_ step: (Float, Float, Float) -> Float) -> [[Float]] {
      func sum(_ first: Float, _ pairs: [(Float, Float)]) -> Float { pairs.reduce(first) { step($0, $1.0, $1.1) } }
      return [
        (0..<rows * o).map { i in sum(dense.bias.value[i % o], (0..<d).map { (x[i / o * d + $0], w[$0 * o + i % o]) }) },
        (0..<d * o).map { i in sum(0, (0..<rows).map { (x[$0 * d + i / o], dy[$0 * o + i % o]) }) },
        (0..<rows * d).map { i in sum(0, (0..<o).map { (dy[i / d * o + $0], w[i % d * o + $0]) }) },
      ]
    }
    let fused = products { $0.addingProduct($1, $2) }
    let rounded = products { $0 + $1 * $2 }
    let dense3 = [y, dense.gradients[0], dx]
    #expect(dense3 == fused || dense3 == rounded, "output, weight gradient, input gradient: neither sums in order")
  }
}

/// `AlignedFloats` starts on a cache line at every size it grows to, zeroes on request, copies
/// rows to their padded places; `paddedStride` rounds to whole 16-float vectors; a padded transpose leaves each row
/// where its stride says.
@Suite struct AlignedFloatsTests {
  @Test func startsOnACacheLine() {
    let buffer = AlignedFloats()
    for count in [1, 3, 200, 17, 4096, 100_003] {
      buffer.prepare(count, zero: true)
      #expect(Int(bitPattern: buffer.base) % 64 == 0, "\(count) floats")
      #expect(buffer.count == count)
      #expect((0..<count).allSatisfy { buffer.base[$0] == 0 })
    }
    let values: [Float] = [1, -2, 3.5, 4, 5, 6]
    buffer.copy(values, columns: 3, stride: 16)
    #expect(buffer.count == 32 && Int(bitPattern: buffer.base) % 64 == 0)
    #expect(Array(UnsafeBufferPointer(start: buffer.base, count: 3)) == [1, -2, 3.5])
    #expect(Array(UnsafeBufferPointer(start: buffer.base + 16, count: 3)) == [4, 5, 6])
    #expect([1, 16, 17, 50, 64, 100].map(AlignedFloats.paddedStride) == [16, 16, 32, 64, 64, 112])
  }

  @Test func paddedTranspose() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
    var b = [Float](repeating: -1, count: 3 * 16)
    BLAS.transpose(a, rows: 2, columns: 3, into: &b, ldb: 16)
    #expect((0..<3).map { Array(b[$0 * 16..<$0 * 16 + 2]) } == [[1, 4], [2, 5], [3, 6]])
    #expect(b[2] == -1 && b[16 + 2] == -1)
  }

  /// Configured, OpenBLAS keeps no server threads spinning beside Seismo's own (the pthreads
  /// build starts one a core as it loads), and still transposes and multiplies on the caller's.
  @Test func openBLASKeepsNoServerThreads() throws {
    BLAS.configure()
    let running = try #require(BLAS.hasServerThreads, "this OpenBLAS does not say whether it has server threads")
    #expect(!running)
    #expect(BLAS.sgemmPeakGFLOPs(threads: 1, n: 64, repeats: 1) > 0)
    paddedTranspose()
  }
}

/// Inside `withSubnormalsFlushed` a kernel's subnormal results become zero (and subnormal
/// inputs count as zero); outside, and after it, they do not.
@Suite struct SubnormalFlushTests {
  #if arch(x86_64) || arch(i386)
    static let onX86 = true
  #else
    static let onX86 = false
  #endif

  static func sumOfSubnormals() -> Float {
    var sum: [Float] = [0]
    let rows: [Float] = [Float.leastNormalMagnitude / 4, Float.leastNormalMagnitude / 8]
    seismo_add_rows(&sum, rows, 2, 1)
    return sum[0]
  }

  @Test(.enabled(if: SubnormalFlushTests.onX86, "flushing is x86's MXCSR")) func flushesOnlyInside() {
    #expect(Self.sumOfSubnormals() == Float.leastNormalMagnitude * 3 / 8)
    #expect(withSubnormalsFlushed { Self.sumOfSubnormals() } == 0)
    #expect(Self.sumOfSubnormals() == Float.leastNormalMagnitude * 3 / 8)
  }
}

/// The loader binds the widest build of the kernels that the CPU's flags allow: a machine with
/// AVX2 that ran the baseline build would pass every other test, only slower.
@Suite struct KernelInstructionSetTests {
  #if arch(x86_64) && os(Linux)
    static let onX86Linux = true
  #else
    static let onX86Linux = false
  #endif

  @Test(.enabled(if: onX86Linux, "the builds are x86-64's")) func isTheWidestTheCPUAllows() throws {
    let flags = CPUFlags.current
    try #require(!flags.isEmpty, "no flags line in /proc/cpuinfo")
    // x86-64-v3 and v4 as the kernels' builds need them (/proc/cpuinfo calls lzcnt "abm").
    let v3: Set = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
    let v4: Set = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
    let expected = v3.isSubset(of: flags) ? (v4.isSubset(of: flags) ? "AVX-512" : "AVX2") : "baseline"
    #expect(KernelInstructionSet.current == expected, "flags: \(flags.sorted().joined(separator: " "))")
  }
}
