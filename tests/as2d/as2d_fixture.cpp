// Fixture of the as2d tests.
#include "as2d_fixture.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <cctype>
#include <sstream>
#include <thread>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

#include "support/run.h"

extern char** environ;

namespace as2d::test {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string as2d_binary() { return AS2D_BINARY; }

std::filesystem::path interop_dir() { return std::filesystem::path(PAYLOAD_SHARED_DIR) / "interop" / "as2"; }

std::string openssl(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = payload::test::run(argv, input);
  INFO("openssl " << args.front() << ": " << result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

void make_identity(const std::filesystem::path& dir, const std::string& name, const std::string& cn, int days) {
  const auto key = (dir / (name + ".key")).string();
  const auto crt = (dir / (name + ".crt")).string();
  openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key});
  if (days > 0) {
    openssl({"req", "-x509", "-new", "-key", key, "-out", crt, "-days", std::to_string(days), "-subj", "/CN=" + cn,
             "-addext", "keyUsage=critical,digitalSignature,keyEncipherment"});
  } else {
    // Expired: valid from 2020-01-01 to 2020-12-31 (openssl x509 -not_before/-not_after
    // need OpenSSL 3.4; `openssl ca` with explicit dates works on 3.0).
    const auto conf = (dir / (name + ".cnf")).string();
    payload::test::write_file(conf,
                              "[ca]\ndefault_ca=expired_ca\n[expired_ca]\ndatabase=" + (dir / (name + ".db")).string() +
                                  "\nnew_certs_dir=" + dir.string() + "\nserial=" + (dir / (name + ".srl")).string() +
                                  "\npolicy=policy\ndefault_md=sha256\nunique_subject=no\n[policy]\ncommonName=supplied\n");
    payload::test::write_file(dir / (name + ".db"), "");
    const auto csr = (dir / (name + ".csr")).string();
    openssl({"req", "-new", "-key", key, "-out", csr, "-subj", "/CN=" + cn});
    openssl({"ca", "-batch", "-config", conf, "-selfsign", "-keyfile", key, "-in", csr, "-out", crt, "-startdate",
             "20200101000000Z", "-enddate", "20201231000000Z", "-notext", "-rand_serial"});
  }
}

void make_tls_identity(const std::filesystem::path& dir, const std::string& name) {
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1", "-addext",
           "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", (dir / (name + ".key")).string(), "-out",
           (dir / (name + ".crt")).string()});
}

IniSection& IniSection::set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : keys) {
    if (k == key) {
      v = value;
      return *this;
    }
  }
  keys.emplace_back(key, value);
  return *this;
}

IniSection& IniSection::erase(const std::string& key) {
  std::erase_if(keys, [&](const auto& entry) { return entry.first == key; });
  return *this;
}

std::string IniSection::get(const std::string& key) const {
  for (const auto& [k, v] : keys) {
    if (k == key) return v;
  }
  return {};
}

std::string ini_text(const std::vector<IniSection>& sections) {
  std::string text = "; written by the as2d tests\n";
  for (const auto& section : sections) {
    text += "\n[" + section.name + "]\n";
    for (const auto& [key, value] : section.keys) text += key + " = " + value + "\n";
  }
  return text;
}

Setup::Setup(bool identities) {
  if (identities) {
    make_identity(dir.path(), "station", "AS2D TEST STATION");
    make_identity(dir.path(), "partner", "AS2D TEST PARTNER");
  }
  station.set("as2_id", "STATION")
      .set("key", (dir / "station.key").string())
      .set("cert", (dir / "station.crt").string())
      .set("listen", "127.0.0.1:0")
      .set("data_dir", (dir / "data").string());
}

IniSection& Setup::partner(const std::string& name) {
  for (auto& section : partners) {
    if (section.name == "partner." + name) return section;
  }
  partners.push_back(IniSection{"partner." + name, {}});
  return partners.back();
}

std::filesystem::path Setup::write(const std::string& file) const {
  std::vector<IniSection> sections{station};
  sections.insert(sections.end(), partners.begin(), partners.end());
  const auto path = dir / file;
  payload::test::write_file(path, ini_text(sections));
  return path;
}

InteropSetup::InteropSetup() : Setup(false) {
  const auto keys = interop_dir() / "keys";
  // The shared vectors' key is readable by everyone: as2d takes a copy only it can read.
  write_secret(dir / "b.key", payload::test::read_file(keys / "b.key"));
  station.set("as2_id", "PEER_B").set("key", (dir / "b.key").string()).set("cert", (keys / "b.crt").string());
  partner("a")
      .set("as2_id", "PEER_A")
      .set("cert", (keys / "a.crt").string())
      .set("allowed_digests", "sha-256, sha-384, sha-512, sha-224, sha1, md5")
      .set("allowed_ciphers", "aes-256-cbc, aes-192-cbc, aes-128-cbc, aes-256-gcm, aes-128-gcm, 3des")
      .set("require_signed", "no")
      .set("require_encrypted", "no");
}

RawConnection::RawConnection(std::uint16_t port, const char* source) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(m_fd >= 0);
  if (source) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    REQUIRE(::inet_pton(AF_INET, source, &local.sin_addr) == 1);
    REQUIRE(::bind(m_fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
}

RawConnection::~RawConnection() {
  if (m_fd >= 0) ::close(m_fd);
}

void RawConnection::send(const std::string& bytes) const {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    done += static_cast<std::size_t>(n);
  }
}

std::string RawConnection::receive_all(std::chrono::milliseconds timeout) const {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const auto n = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string request_head(const Headers& headers, const std::string& framing) {
  std::string head = "POST /as2 HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  return head + framing + "\r\n\r\n";
}

RunResult run_as2d(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{as2d_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = payload::test::run(argv, input);
  return RunResult{result.exit_code, result.out, result.err};
}

Daemon::Daemon(const std::filesystem::path& config) : m_log(config.parent_path() / (config.stem().string() + ".log")) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const std::string binary = as2d_binary(), option = "--config", file = config.string();
  char* argv[] = {const_cast<char*>(binary.c_str()), const_cast<char*>(option.c_str()), const_cast<char*>(file.c_str()),
                  nullptr};
  const int rc = ::posix_spawn(&m_pid, binary.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto started = events("\"name\":\"daemon_started\"");
    if (!started.empty()) {
      const auto at = started.front().find("\"port\":");
      REQUIRE(at != std::string::npos);
      m_port = static_cast<std::uint16_t>(std::stoi(started.front().substr(at + 7)));
      return;
    }
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      FAIL("as2d exited before it was ready (status " << status << "):\n" << log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("as2d did not start within 60 s:\n" << log());
}

Daemon::~Daemon() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
}

void Daemon::signal(int sig) const { ::kill(m_pid, sig); }

int Daemon::stop(int sig) {
  REQUIRE(m_pid > 0);
  ::kill(m_pid, sig);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("as2d did not stop within 60 s after signal " << sig << ":\n" << log());
  return -1;
}

std::string Daemon::log() const {
  std::error_code ec;
  if (!std::filesystem::exists(m_log, ec)) return {};
  return payload::test::read_file(m_log);
}

std::vector<std::string> Daemon::events(const std::string& needle) const {
  std::vector<std::string> lines;
  std::istringstream in(log());
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

bool Daemon::wait_for_log(const std::string& needle, std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (events(needle).size() >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::optional<std::string> HttpReply::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (lower(k) == lower(name)) return v;
  }
  return std::nullopt;
}

HttpReply http(std::uint16_t port, const std::string& method, const std::string& path, const Headers& headers,
               const std::string& body, bool chunked) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(120, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.add(name, value);
  if (chunked)
    request.setChunkedTransferEncoding(true);
  else if (method == "POST" || method == "PUT" || !body.empty())
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpReply reply;
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) reply.headers.emplace_back(name, value);
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

HttpReply https(std::uint16_t port, const std::filesystem::path& ca_file, const std::string& method,
                const std::string& path, const Headers& headers, const std::string& body, bool chunked) {
  Poco::Net::Context::Params params;
  params.caLocation = ca_file.string();
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.loadDefaultCAs = false;
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  Poco::Net::HTTPSClientSession session("127.0.0.1", port, context);
  session.setTimeout(Poco::Timespan(120, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.add(name, value);
  if (chunked)
    request.setChunkedTransferEncoding(true);
  else if (method == "POST")
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpReply reply;
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) reply.headers.emplace_back(name, value);
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

void write_secret(const std::filesystem::path& file, const std::string& text) {
  payload::test::write_file(file, text);
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::vector<payload::as2::HttpMessage> distinct_messages(payload::as2::PackOptions options, int count,
                                                         std::size_t padding) {
  std::vector<payload::as2::HttpMessage> messages;
  for (int i = 0; i < count; ++i) {
    options.filename = "good-" + std::to_string(i) + ".x12";
    auto packed = payload::as2::pack("ISA*" + std::to_string(i) + std::string(padding, '*') + "~", options);
    REQUIRE(packed);
    messages.push_back(std::move(packed->http));
  }
  return messages;
}

payload::as2::PackOptions signed_encrypted(const std::filesystem::path& dir, const std::string& signer,
                                           const std::string& recipient, const std::string& from, const std::string& to) {
  namespace cms = payload::cms;
  auto key = cms::PrivateKey::load(dir / (signer + ".key"));
  auto cert = cms::Certificate::load(dir / (signer + ".crt"));
  auto recipient_cert = cms::Certificate::load(dir / (recipient + ".crt"));
  REQUIRE(key);
  REQUIRE(cert);
  REQUIRE(recipient_cert);
  payload::as2::PackOptions options;
  options.headers.from = from;
  options.headers.to = to;
  options.content_type = "application/edi-x12";
  options.mdn = payload::as2::MdnRequest{"mdn@partner.example", {cms::DigestAlg::sha256}, "", {}};
  options.sign = payload::as2::SignSpec{cms::Identity{*cert, *key}, {}, {}};
  options.encrypt = payload::as2::EncryptSpec{{*recipient_cert}, {}};
  return options;
}

std::set<std::string> names_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) names.insert(it->path().filename().string());
  }
  return names;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::uint16_t free_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

struct MdnReceiver::State {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Request> requests;
  int status = 200;
};

namespace {

class ReceiverHandler final : public Poco::Net::HTTPRequestHandler {
public:
  explicit ReceiverHandler(std::shared_ptr<MdnReceiver::State> state) : m_state(std::move(state)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    MdnReceiver::Request received;
    received.path = request.getURI();
    for (const auto& [name, value] : request) received.headers.emplace_back(name, value);
    Poco::StreamCopier::copyToString(request.stream(), received.body);
    int status = 200;
    {
      const std::lock_guard lock(m_state->mutex);
      status = m_state->status;
      m_state->requests.push_back(std::move(received));
    }
    m_state->arrived.notify_all();
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.sendBuffer("", 0);
  }

private:
  std::shared_ptr<MdnReceiver::State> m_state;
};

class ReceiverFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit ReceiverFactory(std::shared_ptr<MdnReceiver::State> state) : m_state(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new ReceiverHandler(m_state);
  }

private:
  std::shared_ptr<MdnReceiver::State> m_state;
};

}  // namespace

struct MdnReceiver::Server {
  Poco::Net::ServerSocket socket;
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

MdnReceiver::MdnReceiver(std::uint16_t port, int status) : m_state(std::make_shared<State>()), m_server(new Server) {
  m_state->status = status;
  m_server->socket.bind(Poco::Net::SocketAddress("127.0.0.1", port), true, false);
  m_server->socket.listen(16);
  m_server->http = std::make_unique<Poco::Net::HTTPServer>(new ReceiverFactory(m_state), m_server->socket,
                                                           new Poco::Net::HTTPServerParams);
  m_server->http->start();
}

MdnReceiver::~MdnReceiver() { m_server->http->stopAll(true); }

std::uint16_t MdnReceiver::port() const { return m_server->socket.address().port(); }

std::vector<MdnReceiver::Request> MdnReceiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_state->mutex);
  m_state->arrived.wait_for(lock, timeout, [&] { return m_state->requests.size() >= count; });
  return m_state->requests;
}

WireMessage read_wire_message(const std::filesystem::path& file) {
  const auto wire = payload::test::read_file(file);
  auto end = wire.find("\r\n\r\n");
  std::size_t skip = 4;
  if (end == std::string::npos) {
    end = wire.find("\n\n");
    skip = 2;
  }
  REQUIRE(end != std::string::npos);
  WireMessage message;
  std::istringstream in(wire.substr(0, end));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t') && !message.headers.empty()) {
      message.headers.back().second += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    message.headers.emplace_back(line.substr(0, colon), value);
  }
  message.body = wire.substr(end + skip);
  return message;
}

std::string header_value(const Headers& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (lower(k) == lower(name)) return v;
  }
  return {};
}

std::string mime_text(const Headers& headers, const std::string& body) {
  std::string text;
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  return text + "\r\n" + body;
}

}  // namespace as2d::test
