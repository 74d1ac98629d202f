// as2d connection gate: where client connections wait for their bytes without a thread.
//
// One thread owns the listening socket (plain or TLS) and an epoll set. It accepts
// connections, counts them per client address, and keeps every connection that has sent
// nothing yet (a new one, or a keep-alive one between requests) at the cost of a file
// descriptor. Only once bytes are readable does a connection go to one of the
// `max_connections` handler threads (http_connection.h), which serve the requests that are
// there and give the connection back. So a thousand idle sockets from a thousand addresses
// take no handler from the partners that send.
//
// Limits (docs/as2d.md):
//   - max_connections_per_address: connections one address holds in all (waiting or being
//     served); more are closed at once.
//   - max_handlers_per_address: handler threads one address keeps busy at once (default
//     three quarters of them); its other readable connections wait their turn, so slow
//     requests from one address leave handlers to the others.
//   - max_idle_connections: connections waiting without a thread (in the gate, or readable
//     and queued for a handler); at the cap the one that waited longest in the gate is
//     closed to make room. The newest are kept: a partner that connects sends at once,
//     while an attacker's idle sockets are the old ones, so idle sockets can only push out
//     other idle sockets. Queued connections are never pushed out: with every waiting
//     connection queued (handlers all busy), new ones are refused until the queue drains.
//     It is lowered to what the file descriptor limit allows.
//   - idle_timeout: how long a connection may wait in the gate before it is closed.
//   - read_timeout: also the time a request's header may take in all (header_deadlines.h).
// Refusals and closes for a limit are audited, rate-limited (refusal_log.h). A TLS
// connection's handshake happens in its handler thread: the client speaks first, so the
// raw socket becomes readable for TLS as for plain HTTP. Linux only (epoll).
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audit.h"
#include "config.h"
#include "header_deadlines.h"
#include "http_connection.h"
#include "refusal_log.h"

namespace as2d {

class ConnectionGate final {
public:
  // `listener` is bound and listening. `server`: the Server header of every answer.
  ConnectionGate(Poco::Net::ServerSocket listener, const Limits& limits,
                 Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, AuditLog& audit, std::string server);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  void start();
  // Stops accepting, closes the connections that wait (and those still sending a request
  // header), lets the requests in progress finish (their connections close after them)
  // and joins every thread.
  void stop();
  // max_idle_connections as applied (lowered to fit the file descriptor limit).
  [[nodiscard]] std::size_t max_idle() const noexcept { return m_max_idle; }

private:
  using Clock = std::chrono::steady_clock;
  // Parked connections are known to epoll by a number of their own, not by descriptor: an
  // event still in hand for a connection closed earlier in the same round must not reach
  // a new connection that got the same descriptor.
  using ParkId = std::uint64_t;
  struct Parked {
    std::unique_ptr<HttpConnection> connection;
    Clock::time_point deadline;
    std::list<ParkId>::iterator order;
  };

  void run_gate();
  void run_handler();
  void accept_ready();
  void admit(Poco::Net::StreamSocket socket);
  // Room for one more waiting connection: closes the one that waited longest if needed.
  bool make_room();
  void park(std::unique_ptr<HttpConnection> connection);
  std::unique_ptr<HttpConnection> unpark(ParkId id);
  void hand_over(ParkId id, std::uint32_t events);
  void close_waiting(std::unique_ptr<HttpConnection> connection);
  void close_oldest_for_room();
  void expire(Clock::time_point now);
  void take_returned();
  void release(const std::string& address);
  void pause_listener(Clock::time_point until);
  [[nodiscard]] int wait_ms(Clock::time_point now) const;

  Poco::Net::ServerSocket m_listener;
  Poco::Net::HTTPServerParams::Ptr m_params;
  Poco::Net::HTTPRequestHandlerFactory::Ptr m_handlers;
  AuditLog& m_audit;
  RefusalLog m_refusals;
  HeaderDeadlines m_header_deadlines;
  const std::size_t m_handler_count;
  const std::size_t m_per_address;
  const std::size_t m_handlers_per_address;
  std::size_t m_max_idle;
  const std::chrono::seconds m_idle_timeout;
  int m_epoll = -1;
  int m_wake = -1;  // eventfd: connections given back, or stop
  std::atomic<bool> m_stopping{false};
  bool m_started = false;
  std::optional<Clock::time_point> m_listener_paused_until;

  // The gate thread's own.
  std::unordered_map<ParkId, Parked> m_parked;
  std::list<ParkId> m_order;  // longest waiting first
  ParkId m_next_id = 2;       // 0: the listener, 1: the wake-up eventfd

  // Shared with the handler threads.
  std::mutex m_mutex;
  std::condition_variable m_ready_changed;
  std::deque<std::unique_ptr<HttpConnection>> m_ready;     // readable, waiting for a handler
  std::vector<std::unique_ptr<HttpConnection>> m_returned;  // served, back to the gate
  std::map<std::string, std::size_t> m_open;                // per client address
  std::map<std::string, std::size_t> m_busy;                // handlers serving each address
  std::atomic<std::size_t> m_waiting{0};                    // parked + ready

  std::thread m_gate_thread;
  std::vector<std::thread> m_handler_threads;
};

}  // namespace as2d
