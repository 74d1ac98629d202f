// payload::mdn checking a returned MDN against what was sent.
#include <payload/mdn/check.h>

#include <algorithm>

#include "text.h"

namespace payload::mdn {

namespace {

std::string_view strip_brackets(std::string_view id) noexcept {
  id = detail::trim(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

std::string describe(const std::vector<Mic>& mics) {
  std::string out;
  for (const Mic& mic : mics) out += (out.empty() ? "" : " or ") + mic.to_string();
  return out;
}

}  // namespace

Status check_mdn(const MdnReport& report, const MdnExpectation& expected) {
  if (report.signature == SignatureStatus::invalid) {
    const std::string why = report.signature_error ? report.signature_error->message() : "unknown reason";
    return fail(Errc::bad_signature, "the MDN signature does not verify: " + why);
  }
  if (expected.require_signature && report.signature == SignatureStatus::unsigned_mdn) {
    return fail(Errc::bad_signature, "a signed MDN was requested, but the MDN is unsigned");
  }
  if (!expected.original_message_id.empty() && report.original_message_id != expected.original_message_id &&
      strip_brackets(report.original_message_id) != strip_brackets(expected.original_message_id)) {
    return fail(Errc::bad_data, "the MDN answers message " + detail::excerpt(report.original_message_id) + ", not " +
                                    detail::excerpt(expected.original_message_id));
  }
  if (expected.mics.empty()) return {};
  if (!report.mic) {
    if (!report.disposition.is_success()) return {};  // i05 8.4.3: no MIC unless processed successfully
    return fail(Errc::bad_data, "MIC missing: the MDN reports success but carries no Received-Content-MIC; expected " +
                                    describe(expected.mics));
  }
  if (std::find(expected.mics.begin(), expected.mics.end(), *report.mic) != expected.mics.end()) return {};
  const bool same_algorithm = std::any_of(expected.mics.begin(), expected.mics.end(),
                                          [&](const Mic& mic) { return mic.algorithm == report.mic->algorithm; });
  return fail(Errc::bad_data, std::string("MIC mismatch: the partner returned ") + report.mic->to_string() +
                                  (same_algorithm ? ", we recorded " : ", an algorithm we did not record; we recorded ") +
                                  describe(expected.mics));
}

Status check_mdn(const MdnReport& report, const Mic& expected_mic) {
  MdnExpectation expected;
  expected.mics.push_back(expected_mic);
  return check_mdn(report, expected);
}

}  // namespace payload::mdn
