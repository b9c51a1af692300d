import Testing

@testable import SeismoPostgres

/// `PGText.array`, the text[] literal every array parameter is sent as (features, events, digests).
struct PGTextArrayTests {
  /// Elements that need escaping, an empty one and multi-byte characters.
  let items = ["a", "", #"say "hi""#, #"C:\dir\"#, "é€ 📈", #"\""#, "{x,y}"]

  @Test func elementsAreQuotedWithQuotesAndBackslashesEscaped() {
    #expect(PGText.array([]) == "{}")
    #expect(PGText.array(items) == #"{"a","","say \"hi\"","C:\\dir\\","é€ 📈","\\\"","{x,y}"}"#)
  }

  @Test(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
  func theServerReadsBackEachElement() throws {
    let rows = try PGConnection(postgresURL ?? "").execute(
      "SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, k) ORDER BY k", [PGText.array(items)]
    ).rows
    #expect(rows.map { $0.first ?? nil } == items)
  }
}
