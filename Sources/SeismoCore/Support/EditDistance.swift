import Foundation

/// "Did you mean" suggestions for misspelt names (config keys, plugins, columns).
public enum EditDistance {
  /// Levenshtein distance between two strings.
  public static func between(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }

  /// `" (did you mean 'x'?)"` for the known name `name` is a typo of (`nearest`), or `""`.
  /// Names joined by commas, each known, are a list written as one name (`--set
  /// source.columns=a,b`, or `[a, b` without its closing bracket): the suggestion is to write it
  /// as a list.
  public static func suggestion(for name: String, among known: [String]) -> String {
    if let parts = listed(name), parts.allSatisfy(known.contains) {
      return " (a list? write it [\(parts.joined(separator: ", "))])"
    }
    return nearest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
  }

  /// The closest known name that differs from `name` only in case, or within distance 2 and by
  /// fewer edits than `name` has characters (`b` is not a typo of `a`); nil for none.
  public static func nearest(to name: String, among known: [String]) -> String? {
    func distance(_ candidate: String) -> Int {
      candidate.lowercased() == name.lowercased() ? 0 : between(candidate, name)
    }
    guard let best = known.min(by: { distance($0) < distance($1) }), best != name,
      distance(best) == 0 || distance(best) <= min(2, name.count - 1)
    else { return nil }
    return best
  }

  /// The names in `name` when it is several joined by commas (`a,b`, `[a, b`), as a list setting
  /// written as one name reads; nil for one name.
  public static func listed(_ name: String) -> [String]? {
    let parts = name.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
      .map { $0.trimmingCharacters(in: .whitespaces) }
    return parts.count > 1 ? parts : nil
  }

  /// The known names, for a message after a suggestion: all of them, or the first 12 and how
  /// many there are in all.
  public static func listing(_ names: [String]) -> String {
    names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", … (\(names.count) in all)"
  }
}
