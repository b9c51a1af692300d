import Foundation
import SeismoCore

/// Reading a large file in parts at once, a core each (`CSVFileParts`): parsing its cells was
/// most of loading a file of a million rows.
extension CSVSource {
  /// The file's cells collected by a collector a part, at once, and then joined as one read of
  /// the whole file collects them; nil when the file is not cut into parts (`CSVFileParts`), or
  /// when a part meets any error: the caller then reads it whole, and meets the error a whole
  /// read meets. `observer` hears the bytes read of all the parts.
  func collectInParts(inDoubles: Bool, observer: ProgressObserver?) -> ColumnCollector? {
    let reader = recordReader
    guard let cuts = CSVFileParts(reader, parts) else { return nil }
    let collectors = (0..<cuts.count).map { _ in collector(inDoubles: inDoubles) }
    let heard = observer.map { PartsProgress(parts: cuts.count, size: cuts.bounds.last!, observer: $0) }
    let lines = cuts.read(reader, into: collectors) { k in heard.map { $0.observer(of: k) } }  // nil: the part failed
    heard?.finish()
    let whole = collectors[0]
    // Every part read, and the first data line the first row, as the later parts took it to be.
    guard var before = lines[0], whole.lines.first == Int32(cuts.firstRowLine) else { return nil }
    for k in 1..<cuts.count {
      guard let own = lines[k] else { return nil }
      whole.appendPart(collectors[k], lineOffset: Int32(before - CSVFileParts.prefixLines))
      before += own - CSVFileParts.prefixLines
    }
    return whole
  }
}

/// The bytes the parts of a file read at once have read, told to one observer (from the first
/// part's thread, and once at the end), as a whole read tells them.
private final class PartsProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var done: [Int]
  private let size: Int
  private let heard: ProgressObserver

  init(parts: Int, size: Int, observer: @escaping ProgressObserver) {
    done = Array(repeating: 0, count: parts)
    self.size = size
    heard = observer
  }

  /// What part `k`'s reader tells: its own bytes read.
  func observer(of k: Int) -> ProgressObserver {
    { [self] count in
      lock.lock()
      done[k] = count.done
      let total = done.reduce(0, +)
      lock.unlock()
      if k == 0 { heard(ProgressCount(total, of: size, .bytes)) }
    }
  }

  /// Tells that every byte was read.
  func finish() { heard(ProgressCount(size, of: size, .bytes)) }
}
