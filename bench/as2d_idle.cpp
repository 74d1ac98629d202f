// as2d idle-connection flood (bench/as2d_idle_flood.sh): opens --connections TCP
// connections to 127.0.0.1:PORT from --addresses loopback addresses (127.0.0.2 on, round
// robin), sends nothing, prints "opened=N" once they are all open, holds them for
// --seconds, then prints how many the server had closed meanwhile (idle cap or timeout).
//
//   as2d_idle --port P [--connections 5000] [--addresses 100] [--seconds 30]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "as2d_idle: %s\n", message.c_str());
  std::exit(2);
}

int open_idle(int port, int host) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket: out of descriptors?");
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl((127u << 24) | static_cast<unsigned>(host));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) die("bind to a loopback address failed");
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) die("connect failed");
  return fd;
}

bool closed_by_server(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args{{"connections", "5000"}, {"addresses", "100"}, {"seconds", "30"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (!key.starts_with("--")) die("unexpected argument " + key);
    args[key.substr(2)] = argv[i + 1];
  }
  if (!args.count("port")) die("--port is required");
  const int port = std::stoi(args.at("port"));
  const int connections = std::stoi(args.at("connections"));
  const int addresses = std::stoi(args.at("addresses"));
  if (addresses < 1 || addresses > 250) die("--addresses: 1 to 250");
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);

  std::vector<int> fds;
  fds.reserve(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) fds.push_back(open_idle(port, 2 + i % addresses));
  std::printf("opened=%d addresses=%d\n", connections, addresses);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(args.at("seconds"))));
  int closed = 0;
  for (const int fd : fds) closed += closed_by_server(fd) ? 1 : 0;
  std::printf("held=%d closed_by_server=%d\n", connections - closed, closed);
  for (const int fd : fds) ::close(fd);
  return 0;
}
