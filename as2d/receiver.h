// as2d receiving: one AS2 request from headers to answer. The HTTP handler (as2_handler.h)
// only translates between POCO and these plain types; the protocol steps are libpayload's
// (as2::unpack, mdn::build_mdn); the order of the steps, the files and the store are here.
//
//   1. AS2-From/AS2-To name a configured partner and us, else unknown-trading-relationship
//      (an unsigned error MDN when one was requested, i05 6.3; else HTTP 403)
//   2. basic authentication when the partner has it (HTTP 401)
//   3. the body is spooled under the limits (413, 408; a cut-off body is never processed)
//   4. a Message-ID processed before is answered with the stored MDN (i05 5.5)
//   5. as2::unpack with the partner's policy (decrypt, verify, decompress, MIC)
//   6. the payload is written durably to the inbox (inbox.h) before the MDN is built
//   7. the store records the row with the exact MDN; then the MDN goes out
// Errors become processed/error MDNs (signed when a signed receipt was asked for, 4130
// 7.3.1); "processed" is only ever sent for a file that is durable and recorded.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "body_reader.h"
#include "server_state.h"

namespace as2d {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer {
  int status = 200;
  HeaderList headers;  // Content-Type included; no Content-Length (the server frames)
  std::string body;
  bool close = false;  // end the connection afterwards (body not read, or client misbehaved)
};

// The request body, read only when the request gets that far.
class RequestBody {
public:
  virtual ~RequestBody() = default;
  [[nodiscard]] virtual tl::expected<SpooledBody, BodyError> spool(const BodyLimits& limits,
                                                                   const std::filesystem::path& spool_dir) = 0;
  // Discards a small body before an early answer; false when it was too large or too slow
  // (the connection is then closed after the answer).
  [[nodiscard]] virtual bool drain() = 0;
};

class Receiver final {
public:
  explicit Receiver(const ServerState& state) : m_state(state) {}
  // Never throws for anything a client can send; exceptions mean bugs (the handler turns
  // them into HTTP 500).
  [[nodiscard]] HttpAnswer receive(const HeaderList& headers, RequestBody& body);

private:
  const ServerState& m_state;
};

}  // namespace as2d
