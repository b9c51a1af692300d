import Foundation

/// Passwords in connection strings: hidden in messages, removed before anything is stored.
///
/// Recognises a URL's `user:password@` (the password runs to the last `@` before the host, so
/// it may itself contain `@`), a `password=` query parameter, and a conninfo's
/// `password=value` or `password='quoted value'`.
public enum Secrets {
  /// `text` with every password replaced by `replacement` (messages: `***`).
  public static func redact(_ text: String, with replacement: String = "***") -> String {
    var out = text
    out = replace(#"(://[^:/@\s]*:)[^/\s]*@"#, in: out, template: "$1\(replacement)@")
    out = replace(#"([?&]password=)[^&\s]*"#, in: out, template: "$1\(replacement)", ignoringCase: true)
    out = replace(#"(password\s*=\s*)('[^']*'|[^&\s]+)"#, in: out, template: "$1\(replacement)", ignoringCase: true)
    return out
  }

  /// `text` with every password removed, keeping the rest usable: `postgresql://u:pw@h/db` →
  /// `postgresql://u@h/db`, `host=h password=pw` → `host=h`. What runs, models and tables store.
  public static func strip(_ text: String) -> String {
    var out = text
    out = replace(#"(://[^:/@\s]*):[^/\s]*@"#, in: out, template: "$1@")
    out = replace(#"\?password=[^&\s]*&?"#, in: out, template: "?", ignoringCase: true)
    out = replace(#"&password=[^&\s]*"#, in: out, template: "", ignoringCase: true)
    out = replace(#"\s*\bpassword\s*=\s*('[^']*'|\S+)"#, in: out, template: "", ignoringCase: true)
    if out.hasSuffix("?") { out.removeLast() }
    return out
  }

  private static func replace(_ pattern: String, in text: String, template: String, ignoringCase: Bool = false) -> String {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: ignoringCase ? [.caseInsensitive] : []) else {
      return text
    }
    return regex.stringByReplacingMatches(
      in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
  }
}

extension Parameters {
  /// These parameters with every password removed from their text values (`Secrets.strip`).
  public var withoutSecrets: Parameters {
    Parameters(
      values.mapValues { value in
        switch value {
        case .text(let text): return .text(Secrets.strip(text))
        case .textList(let list): return .textList(list.map(Secrets.strip))
        default: return value
        }
      })
  }
}

extension PluginChoice {
  /// This choice with every password removed from its parameters.
  public var withoutSecrets: PluginChoice { PluginChoice(plugin: plugin, parameters: parameters.withoutSecrets) }
}

extension RunConfig {
  /// This config as it may be stored (summary.json, model files, `seismo.runs`): no passwords.
  public var withoutSecrets: RunConfig {
    RunConfig(
      source: source.withoutSecrets, split: split, detector: detector.withoutSecrets, threshold: threshold.withoutSecrets,
      events: events, importance: importance?.withoutSecrets, sinks: sinks.map(\.withoutSecrets),
      ensemble: ensemble?.map {
        EnsembleMember(detector: $0.detector.withoutSecrets, threshold: $0.threshold.withoutSecrets)
      })
  }
}
