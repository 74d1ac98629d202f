// A trading partner's HTTP endpoint scripted by the test: each POST is answered by a
// function of the request (status, headers, body), so a test can return 500s, MDNs with
// a wrong MIC or a negative disposition, and count what arrived. 127.0.0.1, ephemeral port.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace as2d::test {

struct ScriptedRequest {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const;  // case-insensitive, "" when absent
};

struct ScriptedReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class ScriptedPartner final {
public:
  using Script = std::function<ScriptedReply(const ScriptedRequest& request, int number)>;  // number: 1, 2, ...
  explicit ScriptedPartner(Script script);
  ~ScriptedPartner();
  ScriptedPartner(const ScriptedPartner&) = delete;
  ScriptedPartner& operator=(const ScriptedPartner&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/as2"; }
  [[nodiscard]] std::vector<ScriptedRequest> requests() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

}  // namespace as2d::test
