import Foundation

/// A path with shell wildcards (`data/*.csv`, `prices/20??.csv`, `[a-m]*.csv`), as a config's
/// `path` may give a folder of files, one per symbol.
enum PathPattern {
  /// Whether `path` holds a wildcard (`*`, `?` or `[`) and names no file as it is written.
  static func isPattern(_ path: String) -> Bool {
    path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) && !FileManager.default.fileExists(atPath: path)
  }

  /// What `pattern` matches, in name order (`glob(3)`), files apart from folders (a folder's
  /// name ends with a slash); both empty when nothing matches.
  static func matches(_ pattern: String) -> (files: [String], folders: [String]) {
    var found = glob_t()
    defer { globfree(&found) }
    guard glob(pattern, GLOB_MARK, nil, &found) == 0 else { return ([], []) }
    let all = (0..<Int(found.gl_pathc)).compactMap { k in found.gl_pathv[k].map { String(cString: $0) } }
    return (all.filter { !$0.hasSuffix("/") }, all.filter { $0.hasSuffix("/") })
  }

  /// Why `pattern`, as written, gives no file: it matches nothing, or only `folders` (named, and
  /// the pattern that would reach their files).
  static func matchesNoFile(_ pattern: String, folders: [String]) -> String {
    guard !folders.isEmpty else { return "matches no file" }
    let names = folders.prefix(3).map { URL(fileURLWithPath: $0).lastPathComponent + "/" } + (folders.count > 3 ? ["…"] : [])
    let deeper = (pattern.hasSuffix("/") ? pattern : pattern + "/") + "*.csv"
    return
      "matches folders only (\(names.joined(separator: ", "))); the files in them are matched by a pattern that goes on into them, as '\(deeper)' does"
  }
}
