/// Seismo's version, written into every run summary.
public enum SeismoVersion {
  public static let current = "0.1.0"
}
