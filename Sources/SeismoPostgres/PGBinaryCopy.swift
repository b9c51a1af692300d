import SeismoCore

/// Builds PostgreSQL binary COPY data (`COPY … FROM STDIN (FORMAT binary)`): no number printing
/// or parsing on either side, which roughly doubles bulk-write speed over text COPY for rows with
/// float arrays.
///
/// Layout: the signature `PGCOPY\n\xff\r\n\0`, flags and extension length (int32 0, 0); then per
/// row an int16 field count and, per field, an int32 byte length and the value in network byte
/// order; finally the int16 −1 trailer.
public struct PGBinaryCopy {
  public private(set) var bytes: [UInt8] = []

  /// Starts a stream (the header); call `row` for each row, then `finish`.
  public static func start() -> PGBinaryCopy {
    var copy = PGBinaryCopy()
    copy.bytes = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    copy.raw(UInt32(0))
    copy.raw(UInt32(0))
    return copy
  }

  /// Starts a continuation chunk (no header).
  public static func chunk(capacity: Int) -> PGBinaryCopy {
    var copy = PGBinaryCopy()
    copy.bytes.reserveCapacity(capacity)
    return copy
  }

  public mutating func row(fields: Int) { raw(UInt16(fields)) }

  public mutating func int64(_ v: Int64) {
    raw(UInt32(8))
    raw(UInt64(bitPattern: v))
  }

  public mutating func int32(_ v: Int32) {
    raw(UInt32(4))
    raw(UInt32(bitPattern: v))
  }

  public mutating func float4(_ v: Float) {
    raw(UInt32(4))
    raw(v.bitPattern)
  }

  /// A NULL field.
  public mutating func null() { raw(Int32(-1)) }

  public mutating func bool(_ v: Bool) {
    raw(UInt32(1))
    bytes.append(v ? 1 : 0)
  }

  public mutating func text(_ v: String) {
    let utf8 = Array(v.utf8)
    raw(UInt32(utf8.count))
    bytes += utf8
  }

  /// timestamptz: microseconds since 2000-01-01 00:00 UTC.
  public mutating func timestamptz(_ t: Timestamp) { int64((t - 946_684_800) * 1_000_000) }

  /// real[] (one dimension, no NULLs).
  public mutating func float4Array(_ values: ArraySlice<Float>) {
    float4Array(count: values.count) { values[values.startIndex + $0] }
  }

  /// real[] of `count` elements, element i being `element(i)`: a column of a member-major table
  /// written without gathering it into an array first.
  public mutating func float4Array(count: Int, _ element: (Int) -> Float) {
    raw(UInt32(20 + 8 * count))
    raw(UInt32(1))  // dimensions
    raw(UInt32(0))  // no NULLs
    raw(UInt32(700))  // element type: float4
    raw(UInt32(count))
    raw(UInt32(1))  // lower bound
    for i in 0..<count {
      raw(UInt32(4))
      raw(element(i).bitPattern)
    }
  }

  /// integer[] (one dimension, no NULLs).
  public mutating func int4Array(_ values: [Int32]) {
    raw(UInt32(20 + 8 * values.count))
    raw(UInt32(1))  // dimensions
    raw(UInt32(0))  // no NULLs
    raw(UInt32(23))  // element type: int4
    raw(UInt32(values.count))
    raw(UInt32(1))  // lower bound
    for value in values {
      raw(UInt32(4))
      raw(UInt32(bitPattern: value))
    }
  }

  /// Ends the stream (the trailer).
  public mutating func finish() { raw(UInt16(0xFFFF)) }

  private mutating func raw<T: FixedWidthInteger>(_ v: T) {
    withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) }
  }
}
