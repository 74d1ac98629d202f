// The engine shim script: written to a private directory, removed after the operation.
#include "engine_shim.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <payload/io/file.h>

#include "context.h"

namespace payload::pgp::detail {
namespace fs = std::filesystem;

namespace {
// POSIX shell single-quoting: 'it'\''s'.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// The version of the gpg GPGME found at initialisation; empty if unknown.
std::string engine_version() {
  gpgme_engine_info_t info = nullptr;
  if (gpgme_get_engine_info(&info) != 0) return {};
  for (; info; info = info->next)
    if (info->protocol == GPGME_PROTOCOL_OpenPGP && info->version) return info->version;
  return {};
}

bool plain_version(const std::string& version) {
  if (version.empty()) return false;
  for (char c : version)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' && c != '_') return false;
  return true;
}

}  // namespace

Result<EngineShim> EngineShim::create(const ShimOptions& options) {
  if (auto status = ensure_gpgme(); !status) return fail(status.error());
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = (fs::path(tmpdir && *tmpdir ? tmpdir : "/tmp") / "payload-shim-XXXXXX").string();
  if (!::mkdtemp(templ.data())) return fail(io::errno_error(templ, errno));
  EngineShim shim(templ, fs::path(templ) / "gpg");

  std::string script =
      "#!/bin/sh\n"
      "# libpayload engine shim for one operation (libpayload/src/pgp/engine_shim.h).\n"
      "umask 077\n";
  // GPGME runs "ENGINE --version" for every context it creates (gpgme_ctx_set_engine_info)
  // and reads only the first line. The shim answers with the version GPGME already found
  // for this gpg at initialisation instead of starting gpg once more (gpgme-notes 2.1).
  if (const auto version = engine_version(); plain_version(version))
    script += "if [ $# = 1 ] && [ \"$1\" = --version ]; then echo 'gpg (GnuPG) " + version + "'; exit 0; fi\n";
  if (!options.input_file.empty() || !options.output_file.empty() || !options.signed_text_file.empty()) {
    script += "in=" + shell_quote(options.input_file.string()) + "\n";
    script += "out=" + shell_quote(options.output_file.string()) + "\n";
    script += "text=" + shell_quote(options.signed_text_file.string()) + "\n";
    // Only a data operation names a GPGME data descriptor ("-&N") after "--": key
    // listings on the same context (pattern after "--") pass through unchanged.
    script +=
        "data=0; after_dashes=0\n"
        "for a; do\n"
        "  if [ $after_dashes = 1 ]; then case $a in -\\&[0-9]*) data=1 ;; esac; fi\n"
        "  if [ \"$a\" = -- ]; then after_dashes=1; fi\n"
        "done\n";
    // Rotate the arguments once: each is taken from the front and put back at the end,
    // rewritten where it is GPGME's "--output -" or its data descriptor after "--". Signing
    // writes to stdout without any --output, so one is added in front of "--".
    script +=
        "if [ $data = 1 ]; then\n"
        "  n=$#; prev=; after_dashes=0; out_done=0; descriptors=0\n"
        "  while [ \"$n\" -gt 0 ]; do\n"
        "    a=$1; shift; n=$((n - 1))\n"
        "    if [ -n \"$out\" ] && [ \"$prev\" = --output ] && [ \"$a\" = - ]; then a=$out; out_done=1; fi\n"
        "    case $a in -\\&[0-9]*) if [ $after_dashes = 1 ]; then\n"
        "      descriptors=$((descriptors + 1))\n"
        "      if [ -n \"$in\" ]; then a=$in; elif [ -n \"$text\" ] && [ $descriptors = 2 ]; then a=$text; fi\n"
        "    fi ;; esac\n"
        "    if [ \"$a\" = -- ] && [ $after_dashes = 0 ]; then\n"
        "      after_dashes=1\n"
        "      if [ -n \"$out\" ] && [ $out_done = 0 ]; then set -- \"$@\" --output \"$out\"; out_done=1; fi\n"
        "    fi\n"
        "    set -- \"$@\" \"$a\"; prev=$a\n"
        "  done\n"
        "fi\n";
  }
  script += "exec " + shell_quote(gpg_program());
  for (const auto& option : options.gpg_options) script += " " + shell_quote(option);
  script += " \"$@\"\n";

  io::UniqueFd fd(::open(shim.m_program.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700));
  if (!fd.valid()) return fail(io::errno_error(shim.m_program.string(), errno));
  if (auto status = io::write_all(fd.get(), script); !status) return fail(status.error());
  return shim;
}

EngineShim::EngineShim(EngineShim&& other) noexcept : m_dir(std::move(other.m_dir)), m_program(std::move(other.m_program)) {
  other.m_dir.clear();
}

EngineShim::~EngineShim() {
  if (m_dir.empty()) return;
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

}  // namespace payload::pgp::detail
