/// The lines of files read one after another (`combine: append`), counted on past the lines of
/// the files before: which file a line is in, and its line there, for errors.
final class AppendedLines {
  private var starts: [(offset: Int32, path: String)] = []

  /// `path`'s lines start after `offset` lines.
  func append(_ path: String, after offset: Int32) { starts.append((offset, path)) }

  /// The file and line of `line`.
  func place(of line: Int32) -> (path: String, line: Int) {
    let start = starts.last { $0.offset <= line } ?? starts[0]
    return (start.path, Int(line - start.offset))
  }
}
