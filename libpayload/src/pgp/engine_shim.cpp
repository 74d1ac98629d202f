// The engine shim script: written to a private directory, removed after the operation.
#include "engine_shim.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
}  // namespace

Result<EngineShim> EngineShim::create(const ShimOptions& options) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = (fs::path(tmpdir && *tmpdir ? tmpdir : "/tmp") / "payload-shim-XXXXXX").string();
  if (!::mkdtemp(templ.data())) return fail(io::errno_error(templ, errno));
  EngineShim shim(templ, fs::path(templ) / "gpg");

  std::string script =
      "#!/bin/sh\n"
      "# libpayload engine shim for one operation (libpayload/src/pgp/engine_shim.h).\n"
      "umask 077\n";
  script += "in=" + shell_quote(options.input_file.string()) + "\n";
  script += "out=" + shell_quote(options.output_file.string()) + "\n";
  // Rotate the arguments once: each is taken from the front and put back at the end,
  // rewritten where it is GPGME's "--output -" or its data descriptor after "--". Signing
  // writes to stdout without any --output, so one is added in front of "--".
  script +=
      "n=$#; prev=; after_dashes=0; out_done=0\n"
      "while [ \"$n\" -gt 0 ]; do\n"
      "  a=$1; shift; n=$((n - 1))\n"
      "  if [ -n \"$out\" ] && [ \"$prev\" = --output ] && [ \"$a\" = - ]; then a=$out; out_done=1; fi\n"
      "  case $a in -\\&[0-9]*) if [ -n \"$in\" ] && [ $after_dashes = 1 ]; then a=$in; fi ;; esac\n"
      "  if [ \"$a\" = -- ] && [ $after_dashes = 0 ]; then\n"
      "    after_dashes=1\n"
      "    if [ -n \"$out\" ] && [ $out_done = 0 ]; then set -- \"$@\" --output \"$out\"; out_done=1; fi\n"
      "  fi\n"
      "  set -- \"$@\" \"$a\"; prev=$a\n"
      "done\n";
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
