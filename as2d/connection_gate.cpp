// as2d connection gate.
#include "connection_gate.h"

#include <Poco/ErrorHandler.h>
#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace as2d {

namespace {

constexpr int max_events = 256;
constexpr int max_accepts_per_round = 256;  // then the waiting connections get their turn

// The file descriptors the gate may spend on waiting connections: the soft limit is raised
// to the hard one, and what the handlers need (listener, store, spool and inbox files,
// their own connections) is kept back.
std::size_t descriptors_for_waiting(std::size_t handlers) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = std::min<rlim_t>(limit.rlim_max, rlim_t{1} << 20);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const std::size_t reserve = 64 + 8 * handlers;
  return limit.rlim_cur > reserve + 16 ? static_cast<std::size_t>(limit.rlim_cur) - reserve : 16;
}

std::string client_address(const Poco::Net::StreamSocket& socket) {
  try {
    return socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    return "?";  // already gone
  }
}

Poco::Net::HTTPServerParams::Ptr http_params(const Limits& limits, std::string server) {
  Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
  params->setTimeout(Poco::Timespan(limits.read_timeout.count(), 0));
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(1000);
  params->setSoftwareVersion(std::move(server));
  return params;
}

constexpr std::uint64_t listener_id = 0;
constexpr std::uint64_t wake_id = 1;

// Destroys a connection without blocking the calling thread (the gate, or stop()): TLS
// says goodbye with a close_notify record, which must not block when the client stopped
// reading and the send buffer is full.
void close_without_blocking(std::unique_ptr<HttpConnection> connection) {
  if (!connection) return;
  const int fd = connection->fd();
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  connection.reset();
}

void epoll_add(int epoll, int fd, std::uint64_t id) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.u64 = id;
  if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

}  // namespace

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket listener, const Limits& limits,
                               Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, AuditLog& audit, std::string server)
    : m_listener(std::move(listener)), m_params(http_params(limits, std::move(server))),
      m_handlers(std::move(handlers)), m_audit(audit), m_refusals(audit), m_header_deadlines(limits.read_timeout),
      m_handler_count(static_cast<std::size_t>(std::max(1, limits.max_connections))),
      m_per_address(static_cast<std::size_t>(std::max(0, limits.max_connections_per_address))),
      m_handlers_per_address(static_cast<std::size_t>(handlers_per_address(limits))),
      m_max_idle(std::min(static_cast<std::size_t>(std::max(1, limits.max_idle_connections)),
                          descriptors_for_waiting(m_handler_count))),
      m_idle_timeout(limits.idle_timeout) {}

ConnectionGate::~ConnectionGate() { stop(); }

void ConnectionGate::start() {
  if (m_started) return;
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m_epoll < 0 || m_wake < 0) throw std::system_error(errno, std::generic_category(), "epoll/eventfd");
  // Accepting never blocks the gate: a connection that is reset between the readiness and
  // accept() leaves EAGAIN, not a thread stuck in accept().
  const int listen_fd = m_listener.impl()->sockfd();
  ::fcntl(listen_fd, F_SETFL, ::fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
  epoll_add(m_epoll, listen_fd, listener_id);
  epoll_add(m_epoll, m_wake, wake_id);
  m_started = true;
  for (std::size_t i = 0; i < m_handler_count; ++i) m_handler_threads.emplace_back([this] { run_handler(); });
  m_gate_thread = std::thread([this] { run_gate(); });
}

void ConnectionGate::stop() {
  if (!m_started) return;
  m_started = false;
  m_stopping = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(m_wake, &one, sizeof one);
  m_gate_thread.join();
  m_header_deadlines.cut_all();  // a client still sending its header does not delay the stop
  { const std::lock_guard lock(m_mutex); }  // a handler between its check and its wait sees m_stopping
  m_ready_changed.notify_all();
  for (auto& thread : m_handler_threads) thread.join();
  m_handler_threads.clear();
  // What was readable but never reached a handler, and what came back after the gate
  // stopped, is closed unserved (as POCO's TCPServer drops its queue).
  const auto close_all = [this](auto& queue) {
    for (auto& connection : queue) {
      release(connection->address());
      close_without_blocking(std::move(connection));
    }
  };
  close_all(m_ready);
  close_all(m_returned);
  m_ready.clear();
  m_returned.clear();
  m_waiting = 0;
  ::close(m_epoll);
  ::close(m_wake);
  m_epoll = m_wake = -1;
}

void ConnectionGate::run_gate() {
  epoll_event events[max_events];
  const int listen_fd = m_listener.impl()->sockfd();
  while (!m_stopping) {
    const int n = ::epoll_wait(m_epoll, events, max_events, wait_ms(Clock::now()));
    for (int i = 0; i < n && !m_stopping; ++i) {
      const auto id = events[i].data.u64;
      if (id == wake_id) take_returned();
      else if (id == listener_id) accept_ready();
      else hand_over(id, events[i].events);
    }
    const auto now = Clock::now();
    expire(now);
    for (const auto& address : m_header_deadlines.expire(now))
      m_refusals.record(Event::header_timeout, address, static_cast<std::uint64_t>(m_header_deadlines.limit().count()));
    if (m_listener_paused_until && now >= *m_listener_paused_until) {
      m_listener_paused_until.reset();
      epoll_add(m_epoll, listen_fd, listener_id);
    }
    m_refusals.flush(now);
  }
  m_refusals.flush_all();
  for (auto& [id, parked] : m_parked) {
    release(parked.connection->address());
    close_without_blocking(std::move(parked.connection));
  }
  m_parked.clear();
  m_order.clear();
  try {
    m_listener.close();
  } catch (const Poco::Exception&) {
    // Closing a listener that failed: nothing more to stop.
  }
}

int ConnectionGate::wait_ms(Clock::time_point now) const {
  auto until = now + std::chrono::seconds(1);  // the refusal log's counts are flushed at least this often
  if (!m_order.empty()) until = std::min(until, m_parked.at(m_order.front()).deadline);
  if (m_listener_paused_until) until = std::min(until, *m_listener_paused_until);
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::max<std::int64_t>(ms, 0));
}

void ConnectionGate::accept_ready() {
  for (int i = 0; i < max_accepts_per_round; ++i) {
    Poco::Net::StreamSocket socket;
    try {
      socket = m_listener.acceptConnection();
    } catch (const Poco::Exception& e) {
      if (e.code() == EMFILE || e.code() == ENFILE) {
        // Out of descriptors: the connection that waited longest makes room, or, with
        // none waiting, the listener rests a moment instead of spinning on the backlog.
        if (!m_order.empty()) {
          close_oldest_for_room();
          continue;
        }
        pause_listener(Clock::now() + std::chrono::milliseconds(100));
      }
      return;  // EAGAIN: the backlog is empty
    }
    admit(std::move(socket));
  }
}

void ConnectionGate::pause_listener(Clock::time_point until) {
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_listener.impl()->sockfd(), nullptr);
  m_listener_paused_until = until;
}

void ConnectionGate::admit(Poco::Net::StreamSocket socket) {
  const auto address = client_address(socket);
  bool over_share = false;
  {
    const std::lock_guard lock(m_mutex);
    auto& open = m_open[address];
    over_share = m_per_address > 0 && open >= m_per_address;
    if (!over_share) ++open;
  }
  if (over_share) {
    m_refusals.record(Event::address_limit_reached, address, m_per_address);
    return;  // `socket` closes on return
  }
  if (!make_room()) {
    release(address);
    m_refusals.record(Event::idle_limit_reached, address, m_max_idle);
    return;
  }
  try {
    socket.setBlocking(true);
    park(std::make_unique<HttpConnection>(socket, m_params, m_handlers, m_header_deadlines, address));
  } catch (const std::exception&) {
    release(address);  // gone before it could wait
  }
}

bool ConnectionGate::make_room() {
  while (m_waiting >= m_max_idle) {
    if (m_order.empty()) return false;  // all are readable, queued for a handler
    close_oldest_for_room();
  }
  return true;
}

void ConnectionGate::close_oldest_for_room() {
  auto connection = unpark(m_order.front());
  m_refusals.record(Event::idle_limit_reached, connection->address(), m_max_idle);
  close_waiting(std::move(connection));
}

void ConnectionGate::park(std::unique_ptr<HttpConnection> connection) {
  const auto id = m_next_id++;
  try {
    epoll_add(m_epoll, connection->fd(), id);
  } catch (const std::system_error&) {
    release(connection->address());
    return;
  }
  m_order.push_back(id);
  m_parked.emplace(id, Parked{std::move(connection), Clock::now() + m_idle_timeout, std::prev(m_order.end())});
  ++m_waiting;
}

std::unique_ptr<HttpConnection> ConnectionGate::unpark(ParkId id) {
  const auto it = m_parked.find(id);
  if (it == m_parked.end()) return nullptr;  // closed earlier in this round
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, it->second.connection->fd(), nullptr);
  auto connection = std::move(it->second.connection);
  m_order.erase(it->second.order);
  m_parked.erase(it);
  return connection;
}

void ConnectionGate::hand_over(ParkId id, std::uint32_t events) {
  auto connection = unpark(id);
  if (!connection) return;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
    close_waiting(std::move(connection));  // reset or fully closed: nothing to serve
    return;
  }
  {
    const std::lock_guard lock(m_mutex);
    m_ready.push_back(std::move(connection));
  }
  m_ready_changed.notify_one();
}

void ConnectionGate::close_waiting(std::unique_ptr<HttpConnection> connection) {
  const auto address = connection->address();
  close_without_blocking(std::move(connection));
  --m_waiting;
  release(address);
}

void ConnectionGate::expire(Clock::time_point now) {
  while (!m_order.empty() && m_parked.at(m_order.front()).deadline <= now)
    close_waiting(unpark(m_order.front()));
}

void ConnectionGate::take_returned() {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto ignored = ::read(m_wake, &count, sizeof count);
  std::vector<std::unique_ptr<HttpConnection>> returned;
  {
    const std::lock_guard lock(m_mutex);
    returned.swap(m_returned);
  }
  for (auto& connection : returned) {
    if (!make_room()) {
      m_refusals.record(Event::idle_limit_reached, connection->address(), m_max_idle);
      const auto address = connection->address();
      close_without_blocking(std::move(connection));
      release(address);
      continue;
    }
    park(std::move(connection));
  }
}

void ConnectionGate::release(const std::string& address) {
  const std::lock_guard lock(m_mutex);
  const auto it = m_open.find(address);
  if (it == m_open.end()) return;
  if (--it->second == 0) m_open.erase(it);
}

void ConnectionGate::run_handler() {
  while (true) {
    std::unique_ptr<HttpConnection> connection;
    {
      // The longest-waiting connection whose address has a handler to spare; the others of
      // a busy address wait their turn in the queue.
      std::unique_lock lock(m_mutex);
      auto next = m_ready.end();
      m_ready_changed.wait(lock, [&] {
        if (m_stopping) return true;
        next = std::find_if(m_ready.begin(), m_ready.end(),
                            [this](const auto& waiting) {
                              const auto busy = m_busy.find(waiting->address());
                              return busy == m_busy.end() || busy->second < m_handlers_per_address;
                            });
        return next != m_ready.end();
      });
      if (m_stopping) return;
      connection = std::move(*next);
      m_ready.erase(next);
      ++m_busy[connection->address()];
    }
    --m_waiting;
    auto next = HttpConnection::Next::close;
    // What escapes a connection outside any handler (a TLS handshake refused, a reset in
    // the middle of request headers) goes to POCO's error handler: the audit log.
    try {
      next = connection->serve(m_stopping);
    } catch (const Poco::Exception& e) {
      Poco::ErrorHandler::handle(e);
    } catch (const std::exception& e) {
      Poco::ErrorHandler::handle(e);
    } catch (...) {
      Poco::ErrorHandler::handle();
    }
    {
      const std::lock_guard lock(m_mutex);
      if (--m_busy[connection->address()] == 0) m_busy.erase(connection->address());
    }
    m_ready_changed.notify_one();  // a connection of this address may be next
    if (next == HttpConnection::Next::wait && !m_stopping) {
      {
        const std::lock_guard lock(m_mutex);
        m_returned.push_back(std::move(connection));
      }
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto ignored = ::write(m_wake, &one, sizeof one);
      continue;
    }
    const auto address = connection->address();
    connection.reset();
    release(address);
  }
}

}  // namespace as2d
