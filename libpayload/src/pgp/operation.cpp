// Shared preparation of streaming OpenPGP operations.
#include "operation.h"

#include <cstring>

namespace payload::pgp::detail {

Result<Operation> prepare(Keyring& keyring, OperationSetup setup, const io::Input& in, const io::Output& out) {
  Operation op;
  const bool direct = setup.direct_files && !in.path.empty() && !out.path.empty();
  ShimOptions shim_options;
  shim_options.gpg_options = std::move(setup.gpg_options);
  if (direct) {
    shim_options.input_file = in.path;
    shim_options.output_file = out.path;
    // gpg must overwrite the (empty, O_EXCL-created) temporary file it is given.
    shim_options.gpg_options.push_back("--yes");
  }
  auto shim = EngineShim::create(shim_options);
  if (!shim) return fail(shim.error());
  op.shim.emplace(std::move(*shim));
  setup.context.engine = op.shim->program();

  auto ctx = Context::create(keyring, std::move(setup.context));
  if (!ctx) return fail(ctx.error());
  op.ctx.emplace(std::move(*ctx));

  auto in_data = direct ? data_empty() : data_from_fd(in.fd);
  if (!in_data) return fail(in_data.error());
  op.in = std::move(*in_data);
  if (!direct && in.size) gpgme_data_set_flag(op.in.get(), "size-hint", std::to_string(in.size).c_str());
  auto out_data = direct ? data_empty() : data_from_fd(out.fd);
  if (!out_data) return fail(out_data.error());
  op.out = std::move(*out_data);
  // A regular output file is published with fsync: overlap its writeback with the work.
  if (!out.path.empty()) op.write_behind.emplace(out.fd);
  return op;
}

Result<DetachedVerification> prepare_detached_verification(Keyring& keyring, const io::Input& signed_text,
                                                           const io::Input& signature) {
  DetachedVerification op;
  const bool direct = !signed_text.path.empty();
  ContextOptions options;
  if (direct) {
    ShimOptions shim_options;
    shim_options.signed_text_file = signed_text.path;
    auto shim = EngineShim::create(shim_options);
    if (!shim) return fail(shim.error());
    op.shim.emplace(std::move(*shim));
    options.engine = op.shim->program();
  }
  auto ctx = Context::create(keyring, std::move(options));
  if (!ctx) return fail(ctx.error());
  op.ctx.emplace(std::move(*ctx));
  auto sig = data_from_fd(signature.fd);
  if (!sig) return fail(sig.error());
  op.signature = std::move(*sig);
  auto text = direct ? data_empty() : data_from_fd(signed_text.fd);
  if (!text) return fail(text.error());
  op.signed_text = std::move(*text);
  return op;
}

namespace {

// The one key `selector` names, listed on the operation's own context. gpgme_get_key does
// the same on a clone of the context, and GPGME starts every new context by running the
// engine with --version: one process less per key. Duplicates with the same fingerprint
// count once, as in gpgme_get_key.
Result<Key> find_key(gpgme_ctx_t ctx, const std::string& selector, bool secret) {
  // gpgme_get_key's rule, kept for its error: a selector is at least a key id.
  if (selector.size() < 8) return fail(gpgme_failure(gpg_error(GPG_ERR_INV_VALUE), selector));
  if (const auto err = gpgme_op_keylist_start(ctx, selector.c_str(), secret ? 1 : 0)) return fail(gpgme_failure(err, selector));
  Key first;
  bool ambiguous = false;
  gpgme_error_t err = 0;
  for (;;) {
    gpgme_key_t raw = nullptr;
    err = gpgme_op_keylist_next(ctx, &raw);
    if (err) break;
    Key key(raw);
    if (!first) {
      first = std::move(key);
      continue;
    }
    const char* a = first->subkeys ? first->subkeys->fpr : nullptr;
    const char* b = key->subkeys ? key->subkeys->fpr : nullptr;
    if (!a || !b || std::strcmp(a, b) != 0) ambiguous = true;  // read on: gpg ends normally
  }
  gpgme_op_keylist_end(ctx);
  if (gpg_err_code(err) != GPG_ERR_EOF) return fail(gpgme_failure(err, selector));
  if (!first) return fail(Errc::no_key, std::string(secret ? "no secret key for " : "no public key for ") + selector);
  if (ambiguous) return fail(Errc::usage, selector + ": matches more than one key; give the fingerprint");
  return first;
}

}  // namespace

Result<std::vector<Key>> lookup_keys(gpgme_ctx_t ctx, const std::vector<std::string>& selectors, bool secret) {
  std::vector<Key> keys;
  for (const auto& selector : selectors) {
    auto key = find_key(ctx, selector, secret);
    if (!key) return fail(key.error());
    keys.push_back(std::move(*key));
  }
  return keys;
}

}  // namespace payload::pgp::detail
