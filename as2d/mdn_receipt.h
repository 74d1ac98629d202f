// as2d receiving asynchronous MDNs (RFC 4130 7.3; i05 8.2): a partner POSTs the receipt
// for a message we sent to our mdn_url, which is the same /as2 endpoint. The MDN is
// matched to the sent message by Original-Message-ID, verified (signature with the
// partner's certificates, Received-Content-MIC against the MIC recorded when sending)
// and recorded in the outbound store; an MDN for a message we never sent to this partner
// is logged and refused.
#pragma once

#include <string>
#include <string_view>

#include "receiver.h"

namespace as2d {

// Whether a POST carries an MDN rather than a message: multipart/report, or a
// multipart/signed whose first part is multipart/report (a signed message's first part
// is the payload or compressed data, never a report).
[[nodiscard]] bool carries_mdn(const HeaderList& headers, std::string_view body);

// Answers 200 once the receipt is recorded (also for a negative disposition, a MIC
// mismatch or a bad signature: the state says so), 400 for no MDN or an MDN for no
// message we sent this partner, 500 when the store fails (the partner retries).
[[nodiscard]] HttpAnswer receive_async_mdn(const ServerState& state, const Partner& partner, const HeaderList& headers,
                                           std::string body);

}  // namespace as2d
