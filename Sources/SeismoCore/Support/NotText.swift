import Foundation

/// Why a file given as CSV is not UTF-8 text, from its first bytes: a spreadsheet saved as
/// "Unicode text" (UTF-16), a workbook, a compressed file. Read as text, each would fail on
/// its first cell with an error about garbled bytes.
enum NotText {
  /// The reason the file starting with `start` (its first bytes, up to a chunk) cannot be read
  /// as CSV text, with what to do; nil when it may be text.
  static func reason(_ start: UnsafeRawBufferPointer) -> String? {
    let bytes = start.prefix(4)
    func begins(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
    if begins([0xFF, 0xFE]) || begins([0xFE, 0xFF]) {
      return
        "is UTF-16 text (a spreadsheet's \"Unicode text\"), not UTF-8: save it as CSV UTF-8, or convert it with iconv -f UTF-16 -t UTF-8"
    }
    if begins([0x50, 0x4B, 0x03, 0x04]) {
      return "is a zip archive (an Excel .xlsx workbook is one), not CSV text: save the sheet as CSV UTF-8"
    }
    if begins([0xD0, 0xCF, 0x11, 0xE0]) {
      return "is an Excel 97–2003 workbook (.xls), not CSV text: save the sheet as CSV UTF-8"
    }
    if begins([0x1F, 0x8B]) { return "is gzip-compressed: decompress it first (gunzip)" }
    let firstLine = start.prefix { $0 != 0x0A }
    if firstLine.contains(0) {
      return "holds a NUL byte on line 1: UTF-16 text without a byte-order mark, or not a text file; save it as CSV UTF-8"
    }
    return nil
  }
}
