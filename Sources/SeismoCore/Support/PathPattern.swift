import Foundation

/// A path with shell wildcards (`data/*.csv`, `prices/20??.csv`, `[a-m]*.csv`), as a config's
/// `path` may give a folder of files, one per symbol.
enum PathPattern {
  /// Whether `path` holds a wildcard (`*`, `?` or `[`) and names no file as it is written.
  static func isPattern(_ path: String) -> Bool {
    path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) && !FileManager.default.fileExists(atPath: path)
  }

  /// The files (not folders) that `pattern` matches, in name order (`glob(3)`); empty when none.
  static func files(matching pattern: String) -> [String] {
    var found = glob_t()
    defer { globfree(&found) }
    guard glob(pattern, GLOB_MARK, nil, &found) == 0 else { return [] }
    return (0..<Int(found.gl_pathc)).compactMap { k in
      found.gl_pathv[k].map { String(cString: $0) }
    }.filter { !$0.hasSuffix("/") }  // GLOB_MARK ends a folder's name with a slash
  }
}
