/// A float buffer that starts on a 64-byte boundary (a cache line, one AVX-512 vector) and keeps
/// its memory across batches.
///
/// Swift arrays start 32 bytes into a 16-byte-aligned allocation, so every 64-byte vector load
/// from one straddles two cache lines. The product kernel loads B by whole vectors, so the LSTM
/// keeps B aligned, with its rows a multiple of 16 floats apart (`paddedStride`);
/// `scripts/bench-against.sh` measures a build against the one before.
final class AlignedFloats {
  /// Bytes of alignment.
  static let alignment = 64

  private(set) var count = 0
  private var capacity = 0
  /// The first float; valid for `count` floats until the next `prepare`.
  private(set) var base: UnsafeMutablePointer<Float>

  init() {
    base = .allocate(capacity: 0)
  }

  deinit { base.deallocate() }

  /// Makes room for `count` floats, reusing the memory when it is large enough; the contents are
  /// unspecified unless `zero` is set.
  func prepare(_ count: Int, zero: Bool = false) {
    if count > capacity {
      base.deallocate()
      base = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: Self.alignment)
        .bindMemory(to: Float.self, capacity: count)
      capacity = count
    }
    self.count = count
    if zero { base.update(repeating: 0, count: count) }
  }

  /// Makes this buffer a copy of the row-major matrix `values` with `columns` columns, each row
  /// starting `stride` floats after the one before (the padding is left unspecified).
  func copy(_ values: [Float], columns: Int, stride: Int) {
    let rows = values.count / max(columns, 1)
    prepare(rows * stride)
    values.withUnsafeBufferPointer { from in
      for r in 0..<rows { (base + r * stride).update(from: from.baseAddress! + r * columns, count: columns) }
    }
  }

  /// `columns` rounded up to a whole number of 16-float vectors: a row stride that keeps every
  /// row of an aligned matrix aligned (200 floats, a units-50 LSTM's gates, become 208).
  static func paddedStride(_ columns: Int) -> Int { (columns + 15) / 16 * 16 }
}
