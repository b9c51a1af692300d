import Foundation

/// How a large CSV file is cut into parts read at once (`CSVFileParts`): at most `most` parts,
/// each of at least `smallest` bytes.
public struct PartedReading: Sendable {
  public var most: Int
  public var smallest: Int

  public init(most: Int, smallest: Int) {
    self.most = most
    self.smallest = smallest
  }

  /// A part a core, of at least 8 MiB (about 100,000 rows of a few columns): below that, the
  /// threads cost more than they save.
  public static let standard = PartedReading(most: ProcessInfo.processInfo.activeProcessorCount, smallest: 8 << 20)
}
