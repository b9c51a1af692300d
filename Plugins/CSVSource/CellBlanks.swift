/// The blanks around a cell that the CSV source reads past: spaces, tabs and carriage returns
/// (a file written on Windows ends each line's last cell with one).
enum CellBlanks {
  /// Whether `byte` is one of them.
  static func contains(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

  /// `cell`'s indices without the blanks at either end; empty when it holds nothing else.
  static func trimmed(_ cell: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var (start, end) = (0, cell.count)
    while start < end, contains(cell[start]) { start += 1 }
    while end > start, contains(cell[end - 1]) { end -= 1 }
    return start..<end
  }
}
