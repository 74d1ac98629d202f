// as2d header deadlines: the request line and header (and, for HTTPS, the TLS handshake
// before them) must arrive within read_timeout in all. POCO reads them with a timeout per
// read only, so a client that sends a header byte every few seconds would hold its handler
// thread for as long as it likes. A handler registers the connection while it reads the
// header; the gate's thread (connection_gate.h) shuts the reading side of the overdue ones,
// whose blocked read then ends, and the connection is answered 408 (or 400 when what
// arrived is not a request) and closed.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace as2d {

class HeaderDeadlines final {
public:
  using Clock = std::chrono::steady_clock;
  explicit HeaderDeadlines(std::chrono::seconds limit) : m_limit(limit) {}

  // Registered from construction to destruction (the descriptor stays open meanwhile).
  class Watch final {
  public:
    Watch(HeaderDeadlines& owner, int fd, const std::string& address);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    // Whether the deadline cut the connection's reading side. POCO takes the end of the
    // stream after a header line for the end of the header, so a cut header can look
    // complete: the caller must check before it dispatches the request.
    [[nodiscard]] bool was_cut() const;

  private:
    HeaderDeadlines& m_owner;
    int m_fd;
  };

  // Shuts the reading side of every connection whose header is overdue; their addresses.
  std::vector<std::string> expire(Clock::time_point now = Clock::now());
  // The server stops: a request whose header has not arrived yet is not one in progress.
  // Lasting: a header read that begins later (a handler that found its next request
  // readable just as the stop began) is cut at once, since no gate thread will expire it.
  void cut_all();
  [[nodiscard]] std::chrono::seconds limit() const noexcept { return m_limit; }

private:
  std::vector<std::string> expire_locked(Clock::time_point now);  // m_mutex held
  struct Entry {
    Clock::time_point deadline;
    std::string address;
    bool cut = false;
  };
  const std::chrono::seconds m_limit;
  std::mutex m_mutex;
  std::map<int, Entry> m_reading;
  bool m_all_cut = false;
};

}  // namespace as2d
