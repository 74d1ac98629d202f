// as2d application: options, start-up, the signal loop, graceful stop.
#include "daemon.h"

#include <Poco/ErrorHandler.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include "audit.h"
#include "config_loader.h"
#include "describe.h"
#include "inbox.h"
#include "mdn_sender.h"
#include "connection_gate.h"
#include "partners.h"
#include "password.h"
#include "pending_files.h"
#include "router.h"
#include "server_state.h"
#include "station_keys.h"
#include "outbound_store.h"
#include "outbox.h"
#include "store.h"
#include "tls.h"

namespace as2d {

using Poco::Util::Option;

namespace {

void print_error(const std::string& message) { std::cerr << "as2d: " << message << std::endl; }

// The inbox of every partner exists, and holds no temporary a crash left behind.
payload::Status prepare_inboxes(const PartnerTable& partners) {
  for (const auto& partner : partners.all()) {
    if (auto ok = ensure_directory(partner.config.inbox); !ok)
      return payload::fail(ok.error().with_context("[partner." + partner.config.name + "] inbox"));
    remove_stale_temporaries(partner.config.inbox);
  }
  return {};
}

// What escapes a connection outside any handler (a TLS handshake that fails, a reset in
// the middle of request headers) reaches POCO's error handler: into the audit log.
class AuditErrorHandler final : public Poco::ErrorHandler {
public:
  explicit AuditErrorHandler(AuditLog& audit) : m_audit(audit) {}
  void exception(const Poco::Exception& e) override { report(e.displayText()); }
  void exception(const std::exception& e) override { report(e.what()); }
  void exception() override { report("unknown exception"); }

private:
  void report(const std::string& what) { m_audit.emit(Event::connection_error, {{"error", what}}); }
  AuditLog& m_audit;
};

}  // namespace

void Daemon::initialize(Poco::Util::Application& self) {
  ServerApplication::initialize(self);
  // After a --daemon fork, never in a static constructor (docs/architecture.md).
  OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS,
                      nullptr);
  Poco::Net::initializeSSL();
  // A client that disconnects while we write must not kill the daemon.
  ::signal(SIGPIPE, SIG_IGN);
  // A write beyond a file size limit (RLIMIT_FSIZE, systemd's LimitFSIZE) must fail with
  // EFBIG and be answered like a full disk, not kill the daemon.
  ::signal(SIGXFSZ, SIG_IGN);
}

void Daemon::uninitialize() {
  Poco::Net::uninitializeSSL();
  ServerApplication::uninitialize();
}

void Daemon::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Option("config", "c", "serve with this configuration file (INI), in the foreground")
                        .required(false).repeatable(false).argument("FILE"));
  options.addOption(Option("check-config", "t", "validate the configuration file, print what would be served")
                        .required(false).repeatable(false).argument("FILE"));
  options.addOption(Option("hash-password", "", "read a password on standard input, print its $pbkdf2-sha256$ hash")
                        .required(false).repeatable(false));
  options.addOption(Option("help", "h", "show this help").required(false).repeatable(false));
}

void Daemon::handleOption(const std::string& name, const std::string& value) {
  ServerApplication::handleOption(name, value);
  Mode mode = Mode::none;
  if (name == "config") mode = Mode::serve;
  else if (name == "check-config") mode = Mode::check;
  else if (name == "hash-password") mode = Mode::hash_password;
  else if (name == "help") mode = Mode::help;
  else return;
  if (m_mode != Mode::none && m_mode != mode) m_conflict = true;
  m_mode = mode;
  if (mode == Mode::serve || mode == Mode::check) m_config_file = value;
}

void Daemon::show_help() {
  Poco::Util::HelpFormatter help(options());
  help.setCommand(commandName());
  help.setUsage("--config FILE | --check-config FILE | --hash-password");
  help.setHeader("as2d: the AS2 partner endpoint (receives messages on /as2, answers with MDNs).");
  help.format(std::cout);
}

int Daemon::main(const std::vector<std::string>& args) {
  if (!args.empty()) {
    print_error("unexpected argument \"" + args.front() + "\" (see --help)");
    return EXIT_USAGE;
  }
  if (m_conflict) {
    print_error("--config, --check-config, --hash-password and --help exclude each other");
    return EXIT_USAGE;
  }
  switch (m_mode) {
    case Mode::serve: return serve();
    case Mode::check: return check_config();
    case Mode::hash_password: return hash_password();
    case Mode::help: show_help(); return EXIT_OK;
    case Mode::none: break;
  }
  print_error("give --config FILE or --check-config FILE (see --help)");
  return EXIT_USAGE;
}

int Daemon::check_config() {
  auto config = load_config(m_config_file);
  if (!config) {
    print_error(config.error().message());
    return EXIT_CONFIG;
  }
  auto keys = load_station_keys(config->station);
  if (!keys) {
    print_error(keys.error().with_context(m_config_file).message());
    return EXIT_CONFIG;
  }
  auto partners = PartnerTable::load(*config);
  if (!partners) {
    print_error(partners.error().with_context(m_config_file).message());
    return EXIT_CONFIG;
  }
  std::optional<TlsContext> tls;
  if (config->station.tls.enabled) {
    auto context = make_tls_context(config->station.tls, *keys);
    if (!context) {
      print_error(context.error().with_context(m_config_file).message());
      return EXIT_CONFIG;
    }
    tls = std::move(*context);
  }
  std::cout << describe(*config, *keys, **partners, tls ? &*tls : nullptr) << std::flush;
  return EXIT_OK;
}

int Daemon::hash_password() {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto hash = make_pbkdf2_hash(password);
  OPENSSL_cleanse(password.data(), password.size());
  if (!hash) {
    print_error(hash.error().message());
    return EXIT_USAGE;
  }
  std::cout << *hash << std::endl;
  return EXIT_OK;
}

int Daemon::serve() {
  auto config = load_config(m_config_file);
  if (!config) {
    print_error(config.error().message());
    return EXIT_CONFIG;
  }
  const auto& station = config->station;
  auto audit_log = AuditLog::open(station.log_file);
  if (!audit_log) {
    print_error(audit_log.error().with_context("[station] log_file").message());
    return EXIT_CONFIG;
  }
  AuditLog& audit = **audit_log;
  auto startup_failed = [&](const payload::Error& error, int code) {
    audit.emit(Event::startup_failed, {{"error", error.message()}});
    if (!station.log_file.empty()) print_error(error.message());
    return code;
  };

  auto keys = load_station_keys(station);
  if (!keys) return startup_failed(keys.error().with_context(m_config_file), EXIT_CONFIG);
  auto partners = PartnerTable::load(*config);
  if (!partners) return startup_failed(partners.error().with_context(m_config_file), EXIT_CONFIG);
  for (const auto& dir : {station.data_dir, station.data_dir / "tmp"}) {
    if (auto ok = ensure_directory(dir); !ok) return startup_failed(ok.error(), EXIT_CANTCREAT);
  }
  if (auto ok = prepare_inboxes(**partners); !ok) return startup_failed(ok.error(), EXIT_CANTCREAT);
  auto store = MessageStore::open(station.data_dir / "as2d.sqlite");
  if (!store) return startup_failed(store.error(), EXIT_CANTCREAT);
  if (auto recovered = recover_pending_files(**store, audit); !recovered)
    return startup_failed(recovered.error(), EXIT_CANTCREAT);
  auto outbound = OutboundStore::open(station.data_dir / "as2d.sqlite");
  if (!outbound) return startup_failed(outbound.error(), EXIT_CANTCREAT);
  std::optional<TlsContext> tls;
  if (station.tls.enabled) {
    auto context = make_tls_context(station.tls, *keys);
    if (!context) return startup_failed(context.error().with_context(m_config_file), EXIT_CONFIG);
    tls = std::move(*context);
  }
  AuditErrorHandler error_handler(audit);
  Poco::ErrorHandler* previous_handler = Poco::ErrorHandler::set(&error_handler);

  // Stop and reload signals are taken by sigwait below, in this thread only: block them
  // before any thread exists, so every server thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (const int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerState state(station, std::move(*keys), audit, **store, *partners);
  state.set_outbound_store(outbound->get());
  Poco::Net::ServerSocket socket = tls ? Poco::Net::SecureServerSocket(tls->context) : Poco::Net::ServerSocket();
  try {
    const Poco::Net::SocketAddress address(station.listen.host, station.listen.port);
    // SO_REUSEADDR (restart while old connections linger) but never SO_REUSEPORT: a
    // second daemon on the same port must fail, not silently share the traffic.
    if (station.listen.ipv6)
      socket.bind6(address, true, false, false);  // [::] also takes IPv4 (mapped) connections
    else
      socket.bind(address, true, false);
    socket.listen(1024);  // a burst of connections waits in the kernel, not refused
  } catch (const Poco::Exception& e) {
    Poco::ErrorHandler::set(previous_handler);
    return startup_failed(payload::Error(payload::Errc::io, "cannot listen on " + station.listen.to_string() + ": " +
                                                                e.displayText()),
                          EXIT_UNAVAILABLE);
  }

  MdnSender mdn_sender(**store, audit, state.station(), [&state] { return state.partners(); });
  state.set_mdn_waker([&mdn_sender] { mdn_sender.wake(); });
  mdn_sender.start();  // also delivers what a previous run left queued
  OutboxWorker outbox(state, **outbound);
  outbox.start();  // also finishes what a previous run left in the outbox queues
  // Connections wait for their bytes in the gate, then go to the handler threads (connection_gate.h).
  ConnectionGate gate(socket, station.limits, new Router(state), audit, "as2d/" PAYLOAD_VERSION);
  gate.start();
  state.set_ready(true);
  audit.emit(Event::daemon_started, {{"listen", station.listen.to_string()},
                                     {"port", static_cast<int>(socket.address().port())},
                                     {"tls", tls.has_value()},
                                     {"max_idle_connections", static_cast<std::uint64_t>(gate.max_idle())},
                                     {"as2_id", station.as2_id},
                                     {"partners", static_cast<std::uint64_t>((*partners)->all().size())},
                                     {"pid", static_cast<int>(::getpid())}});

  int sig = 0;
  while (true) {
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    // SIGHUP: a new partner table; the station (keys, listen address, store) stays.
    auto reloaded = load_config(m_config_file);
    if (!reloaded) {
      audit.emit(Event::reload_failed, {{"error", reloaded.error().message()}});
      continue;
    }
    auto table = PartnerTable::load(*reloaded);
    if (!table) {
      audit.emit(Event::reload_failed, {{"error", table.error().with_context(m_config_file).message()}});
      continue;
    }
    if (auto ok = prepare_inboxes(**table); !ok) {
      audit.emit(Event::reload_failed, {{"error", ok.error().message()}});
      continue;
    }
    state.set_partners(*table);
    audit.emit(Event::partners_reloaded, {{"partners", static_cast<std::uint64_t>((*table)->all().size())},
                                          {"station_changed_needs_restart", !(reloaded->station.as2_id == station.as2_id &&
                                                                    reloaded->station.listen.to_string() ==
                                                                        station.listen.to_string() &&
                                                                    reloaded->station.data_dir == station.data_dir)}});
  }
  state.set_ready(false);
  audit.emit(Event::daemon_stopping, {{"signal", std::string(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?")}});
  gate.stop();  // stops accepting, closes waiting connections, lets each request in progress finish
  outbox.stop();
  mdn_sender.stop();  // after the requests: whatever they queued stays queued for the next start
  Poco::ErrorHandler::set(previous_handler);
  audit.emit(Event::daemon_stopped, {});
  return EXIT_OK;
}

}  // namespace as2d
