// Shared preparation of streaming OpenPGP operations.
#include "operation.h"

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
  return op;
}

Result<std::vector<Key>> lookup_keys(gpgme_ctx_t ctx, const std::vector<std::string>& selectors, bool secret) {
  std::vector<Key> keys;
  for (const auto& selector : selectors) {
    gpgme_key_t raw = nullptr;
    const auto err = gpgme_get_key(ctx, selector.c_str(), &raw, secret ? 1 : 0);
    if (gpg_err_code(err) == GPG_ERR_EOF || (!err && !raw))
      return fail(Errc::no_key, std::string(secret ? "no secret key for " : "no public key for ") + selector);
    if (gpg_err_code(err) == GPG_ERR_AMBIGUOUS_NAME)
      return fail(Errc::usage, selector + ": matches more than one key; give the fingerprint");
    if (err) return fail(gpgme_failure(err, selector));
    keys.emplace_back(raw);
  }
  return keys;
}

}  // namespace payload::pgp::detail
