// Turns GPGME's verification result into SignatureReports, reading every signature's
// summary and status: gpgme_op_verify returns "no error" for a BAD signature.
#pragma once

#include <gpgme.h>

#include <vector>

#include <payload/pgp/signature.h>

namespace payload::pgp::detail {

std::vector<SignatureReport> signature_reports(gpgme_ctx_t ctx);

}  // namespace payload::pgp::detail
