extension Frame {
  /// A 32-bit digest of row `row`'s values: FNV-1a over their bit patterns, in feature order.
  /// Equal rows give equal digests in every process, so a digest stored with a row's score tells
  /// whether the row has changed since (a restated print in a table).
  public func digest(ofRow row: Int) -> Int32 {
    var hash: UInt32 = 2_166_136_261
    for value in values[row * featureCount..<(row + 1) * featureCount] {
      var bits = value.bitPattern
      for _ in 0..<4 {
        hash = (hash ^ (bits & 0xff)) &* 16_777_619
        bits >>= 8
      }
    }
    return Int32(bitPattern: hash)
  }
}
