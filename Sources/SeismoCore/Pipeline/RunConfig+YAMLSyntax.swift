import Foundation
import Yams

extension RunConfig {
  /// The config error for text that is not valid YAML, located as other config errors are
  /// (`run.yaml:LINE:COLUMN: (yaml): …`, 1-based), with the usual cause named: a tab in the
  /// indentation, or a key given twice (located at its second use, with the line of its first).
  static func yamlSyntaxError(_ error: YamlError, yaml: String, origin: String) -> SeismoError {
    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let line = mark.line >= 1 && mark.line <= lines.count ? lines[mark.line - 1] : ""
      let tab =
        line.prefix { $0 == " " || $0 == "\t" }.contains("\t")
        ? " (a tab in the indentation: YAML indents with spaces only)" : ""
      return SeismoError.config(
        key: "(yaml)", location: "\(origin):\(mark.line):\(mark.column)",
        message: "\(problem)\(context.map { " \($0.text)" } ?? "")\(tab)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.sorted().first ?? ""
      let uses = keyLines(key, in: lines, from: context.mark.line)
      guard uses.count >= 2 else {
        return SeismoError.config(
          key: key, location: "\(origin):\(context.mark.line):\(context.mark.column)",
          message: "given twice in one mapping; keep one")
      }
      return SeismoError.config(
        key: path(to: key, at: uses[1], in: lines), location: "\(origin):\(uses[1].line):\(uses[1].column)",
        message: "given twice in one mapping (first at line \(uses[0].line)); keep one")
    default:
      let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "not valid YAML"
      return SeismoError.config(key: "(yaml)", location: origin, message: first)
    }
  }

  /// `key`, after the keys of the block mappings and the items of the block sequences that hold
  /// the line at `use` (`detector.window`, `ensemble[2].detector.window`), as other config errors
  /// name a key.
  private static func path(to key: String, at use: (line: Int, column: Int), in lines: [Substring]) -> String {
    var path = [key]
    var indent = use.column - 1
    var item: Int?  // the 1-based item of a sequence met on the way up, until its key is met
    for line in lines.prefix(use.line - 1).reversed() where indent > 0 {
      let own = line.prefix { $0 == " " }.count
      let rest = line.dropFirst(own)
      guard own < indent, !rest.isEmpty, !rest.hasPrefix("#") else { continue }
      if rest.hasPrefix("- ") {
        let items = lines.prefix(use.line - 1).reversed().prefix { other in
          let otherIndent = other.prefix { $0 == " " }.count
          return otherIndent >= own || other.allSatisfy { $0 == " " }
        }
        item = items.filter { $0.prefix { $0 == " " }.count == own && $0.dropFirst(own).hasPrefix("- ") }.count
        let content = rest.dropFirst(2).drop { $0 == " " }
        // The item's inline key holds the line only when the line is indented deeper than it;
        // at its depth, the line is a sibling key of the item's mapping.
        if let colon = content.firstIndex(of: ":"), line.count - content.count < indent {
          path.insert(String(content[..<colon]).trimmingCharacters(in: .whitespaces), at: 0)
        }
        indent = own
        continue
      }
      guard let colon = rest.firstIndex(of: ":") else { continue }
      let name = String(rest[..<colon]).trimmingCharacters(in: .whitespaces)
      path.insert(item.map { "\(name)[\($0)]" } ?? name, at: 0)
      item = nil
      indent = own
    }
    return path.joined(separator: ".")
  }

  /// Where `key` starts a `key:` entry on the lines from `first` on (1-based line and column),
  /// at the indentation of its first such entry: the block mapping's own keys, not a nested
  /// mapping's.
  private static func keyLines(_ key: String, in lines: [Substring], from first: Int) -> [(line: Int, column: Int)] {
    var found: [(line: Int, column: Int)] = []
    for number in max(1, first)...max(1, lines.count) where number <= lines.count {
      let line = lines[number - 1]
      let indent = line.prefix { $0 == " " }.count
      let rest = line.dropFirst(indent)
      guard rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") else { continue }
      if let previous = found.first, previous.column != indent + 1 { continue }
      found.append((number, indent + 1))
    }
    return found
  }
}
