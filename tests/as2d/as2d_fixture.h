// Fixture of the as2d tests: certificates made by the `openssl` command, configuration
// files, an as2d child process per test (loopback, ephemeral port, killed at the end), and
// a small HTTP client.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include <payload/as2/pack.h>

#include "support/temp_dir.h"

namespace as2d::test {

using payload::test::TempDir;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The daemon under test.
std::string as2d_binary();
// The shared AS2 interop vectors (../shared/interop/as2).
std::filesystem::path interop_dir();

// Runs `openssl ARGS...`; a failure fails the test with openssl's stderr.
std::string openssl(const std::vector<std::string>& args, const std::string& input = {});
// NAME.key (unencrypted PKCS#8) and NAME.crt (self-signed, CN=cn, RSA-2048) in `dir`,
// made by `openssl req`. `days` may be negative for an already expired certificate.
void make_identity(const std::filesystem::path& dir, const std::string& name, const std::string& cn, int days = 30);

// A TLS server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1, DNS:localhost).
void make_tls_identity(const std::filesystem::path& dir, const std::string& name);

// Options for a message from `from` to `to`, signed with SIGNER.key/SIGNER.crt and
// encrypted to RECIPIENT.crt (files in `dir`), application/edi-x12, a signed synchronous
// MDN with SHA-256 requested.
payload::as2::PackOptions signed_encrypted(const std::filesystem::path& dir, const std::string& signer,
                                           const std::string& recipient, const std::string& from, const std::string& to);

// `count` distinct messages good-I.x12 ("ISA*I", `padding` stars, "~"), packed with `options`.
std::vector<payload::as2::HttpMessage> distinct_messages(payload::as2::PackOptions options, int count,
                                                         std::size_t padding = 0);

// One [section] of an INI file, keys in order.
struct IniSection {
  std::string name;
  std::vector<std::pair<std::string, std::string>> keys;
  IniSection& set(const std::string& key, const std::string& value);
  IniSection& erase(const std::string& key);
  [[nodiscard]] std::string get(const std::string& key) const;
};
std::string ini_text(const std::vector<IniSection>& sections);

// A station with its own identity ("station") and one partner identity ("partner") made by
// openssl, and a configuration that listens on 127.0.0.1:0 with data in dir/data.
struct Setup {
  TempDir dir;
  IniSection station{"station", {}};
  std::vector<IniSection> partners;

  // Makes the two identities with openssl unless `identities` is false.
  explicit Setup(bool identities = true);
  IniSection& partner(const std::string& name);  // adds or returns [partner.NAME]
  std::filesystem::path write(const std::string& file = "as2d.ini") const;
  [[nodiscard]] std::filesystem::path data() const { return dir / "data"; }
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};
RunResult run_as2d(const std::vector<std::string>& args, const std::string& input = {});

// An as2d child process serving a configuration. Its stderr (the audit log) goes to a
// file beside the configuration. The destructor kills it (SIGKILL) if it still runs.
class Daemon final {
public:
  // Starts as2d and waits until it logs daemon_started (fails the test if it exits first).
  explicit Daemon(const std::filesystem::path& config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
  [[nodiscard]] pid_t pid() const noexcept { return m_pid; }
  void signal(int sig) const;
  // Sends `sig` and waits for the exit; returns the exit status (128 + signal when killed).
  int stop(int sig = 15);
  [[nodiscard]] std::string log() const;
  // The log lines holding `needle`.
  [[nodiscard]] std::vector<std::string> events(const std::string& needle) const;
  // Waits until the log holds `needle` `count` times.
  bool wait_for_log(const std::string& needle, std::size_t count = 1,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

private:
  std::filesystem::path m_log;
  pid_t m_pid = -1;
  std::uint16_t m_port = 0;
};

struct HttpReply {
  int status = 0;
  Headers headers;
  std::string body;
  [[nodiscard]] std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

// The same over HTTPS, trusting `ca_file` (the server certificate must name 127.0.0.1).
HttpReply https(std::uint16_t port, const std::filesystem::path& ca_file, const std::string& method,
                const std::string& path, const Headers& headers = {}, const std::string& body = {},
                bool chunked = false);

// One request on a new connection to 127.0.0.1:port; the body with Content-Length, or
// with chunked transfer encoding.
HttpReply http(std::uint16_t port, const std::string& method, const std::string& path, const Headers& headers = {},
               const std::string& body = {}, bool chunked = false);

// The interop vectors' receiver: our station is PEER_B (keys/b.key, copied into the test's
// directory with mode 0600, b.crt), partner "a" is
// PEER_A (keys/a.crt) and may use every algorithm the vectors use (MD5, SHA-1, 3DES
// listed explicitly); unsigned and unencrypted messages are allowed.
struct InteropSetup : Setup {
  InteropSetup();
};

// A raw TCP connection to 127.0.0.1:port (for requests a well-behaved client never sends).
class RawConnection final {
public:
  // `source`: the local address to connect from (another 127.x.y.z stands for another client).
  explicit RawConnection(std::uint16_t port, const char* source = nullptr);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  [[nodiscard]] int fd() const noexcept { return m_fd; }
  void send(const std::string& bytes) const;
  // Everything until the server closes the connection or `timeout` passes.
  [[nodiscard]] std::string receive_all(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

private:
  int m_fd = -1;
};

// The request line and headers of a POST to /as2 (CRLF), ending with the empty line.
std::string request_head(const Headers& headers, const std::string& framing);

// Writes a secret's file (a passphrase, a password) readable by its owner only, as as2d
// wants it (allow_insecure_key_permissions).
void write_secret(const std::filesystem::path& file, const std::string& text);

// The names of the regular files in `dir` (none when it does not exist).
std::set<std::string> names_in(const std::filesystem::path& dir);

// Polls `done` every 100 ms until it holds or `timeout` passes; returns its last answer.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A port on 127.0.0.1 that was free a moment ago (for a receiver that starts later).
std::uint16_t free_port();

// A small HTTP server on 127.0.0.1 that answers every POST with `status` and keeps what it
// received: the test's asynchronous MDN receiver.
class MdnReceiver final {
public:
  struct Request {
    std::string path;
    Headers headers;
    std::string body;
  };
  explicit MdnReceiver(std::uint16_t port = 0, int status = 200);
  ~MdnReceiver();
  MdnReceiver(const MdnReceiver&) = delete;
  MdnReceiver& operator=(const MdnReceiver&) = delete;
  [[nodiscard]] std::uint16_t port() const;
  // Waits until `count` requests arrived; returns them all.
  std::vector<Request> wait_for(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  struct State;

private:
  std::shared_ptr<State> m_state;
  struct Server;
  std::unique_ptr<Server> m_server;
};

// An AS2 request as stored in the interop vectors: header lines, an empty line, the body.
struct WireMessage {
  Headers headers;
  std::string body;
};
WireMessage read_wire_message(const std::filesystem::path& file);

// The first value of a header (case-insensitive name), "" when absent.
std::string header_value(const Headers& headers, const std::string& name);

// Headers and body as an HTTP message for `openssl cms`/`smime` (CRLF header lines).
std::string mime_text(const Headers& headers, const std::string& body);

}  // namespace as2d::test
