/// Overlapping windows of consecutive rows, the input shape of sequence models.
///
/// Window `w` covers rows `w ..< w + length`. From `rows` rows there are `rows − length + 1`
/// windows. Copies are laid out `(window, time, feature)` — "NLD" — contiguous, so a batch of
/// windows is one block of memory.
public struct SlidingWindows: Sendable {
  public let length: Int
  public let featureCount: Int
  public let count: Int
  /// The source values, row-major `(rows, features)`.
  private let values: [Float]

  /// - Throws: when there are fewer rows than one window.
  public init(values: [Float], featureCount: Int, length: Int, context: String = "data") throws {
    let rows = values.count / featureCount
    guard length >= 1 else { throw SeismoError.invalidInput("the window length must be at least 1") }
    guard rows >= length else {
      throw SeismoError.invalidInput("\(context) has \(rows) rows, fewer than one window of \(length)")
    }
    self.values = values
    self.featureCount = featureCount
    self.length = length
    self.count = rows - length + 1
  }

  /// Windows `range` copied into `buffer` as `(range.count, length, featureCount)`.
  public func copy(_ range: Range<Int>, into buffer: inout [Float]) {
    let span = length * featureCount
    buffer.removeAll(keepingCapacity: true)
    buffer.reserveCapacity(range.count * span)
    values.withUnsafeBufferPointer { src in
      for w in range {
        buffer.append(contentsOf: src[w * featureCount..<w * featureCount + span])
      }
    }
  }

  /// Windows `range` as a new array `(range.count, length, featureCount)`.
  public func batch(_ range: Range<Int>) -> [Float] {
    var buffer: [Float] = []
    copy(range, into: &buffer)
    return buffer
  }
}
