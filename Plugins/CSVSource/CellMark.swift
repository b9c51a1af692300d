/// A cell text read as a value of its own instead of a number: a missing-value mark
/// (`missing: ['.']`) is NaN, a gap; a labels file's `True` is 1.
struct CellMark: Sendable {
  /// The text, spaces around it aside, as bytes.
  let text: [UInt8]
  let value: Double

  init(_ text: String, value: Double) {
    self.text = Array(text.trimmingCharacters(in: .whitespaces).utf8)
    self.value = value
  }

  /// How pandas (`True`), R and spreadsheets (`TRUE`) and JSON (`true`) write a boolean, as 1 and 0.
  static let booleans =
    ["True", "TRUE", "true"].map { CellMark($0, value: 1) }
    + ["False", "FALSE", "false"].map { CellMark($0, value: 0) }
}
