import Foundation
import Testing

@testable import SeismoPostgres

/// Passwords never reach a message, even in URLs libpq cannot parse. No server needed: every
/// target here refuses the connection or is refused before connecting.
@Suite struct ConnectionRedactionTests {
  func message(_ url: String) -> String {
    do {
      _ = try PGConnection(url)
      return "connected"
    } catch {
      return "\(error)"
    }
  }

  @Test func malformedURLsNeverShowThePassword() {
    // A '%' that is no percent-encoding: libpq would echo the token with the password in it.
    let percent = message("postgresql://u:secret%zzpw@127.0.0.1:1/db?connect_timeout=2")
    #expect(!percent.contains("secret") && !percent.contains("zzpw"), "\(percent)")
    #expect(percent.contains("%25"), "the message says how to write a literal %: \(percent)")
    // An unencoded '@' in the password: libpq would take part of it for the host.
    let at = message("postgresql://u:se@cret@127.0.0.1:1/db?connect_timeout=2")
    #expect(!at.contains("cret") && at.contains("%40"), "\(at)")
    // A well-formed URL to a closed port: the password is still nowhere.
    let refused = message("postgresql://u:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2")
    #expect(refused.contains("cannot connect") && !refused.contains("s3cr3t"), "\(refused)")
    let conninfo = message("host=127.0.0.1 port=1 user=u password='p4ss word' connect_timeout=2")
    #expect(!conninfo.contains("p4ss"), "\(conninfo)")
  }

  @Test func redactionKeepsTheRest() {
    #expect(PGConnection.redact("postgresql://u:s3cret@h/db") == "postgresql://u:***@h/db")
    #expect(PGConnection.redact("postgresql://u:se@cret@h:5/db") == "postgresql://u:***@h:5/db")
    #expect(PGConnection.redact("host=h password=s3cret user=u") == "host=h password=*** user=u")
    #expect(PGConnection.redact("token \"s%zz\" bad", hiding: "s%zz") == "token \"***\" bad")
    #expect(PGConnection.password(in: "postgres://a:b%40c@h/d") == "b%40c")
    #expect(PGConnection.password(in: "host=h password='x y'") == "x y")
  }
}
