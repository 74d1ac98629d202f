// `payload sop armor` and `payload sop dearmor`: streaming, through libpayload's own
// ASCII Armor codec (payload/pgp/armor.h). Both are idempotent: armored input stays as it
// is under armor, binary input under dearmor (each still checked to be what it claims).
#include <unistd.h>

#include <array>
#include <cerrno>
#include <iostream>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>

#include "sop_args.h"
#include "sop_commands.h"
#include "sop_inputs.h"

namespace payload::cli::sop {
namespace {

// Reads the next chunk of standard input; empty at its end.
Outcome<std::string> read_chunk() {
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n >= 0) return std::string(buffer.data(), static_cast<size_t>(n));
    if (errno != EINTR) return failure(exit_unspecified, io::errno_error("standard input", errno));
  }
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The first bytes of standard input: enough to tell armor (and a cleartext signature)
// from binary data, or all of it when it is shorter.
Outcome<std::string> read_head(bool& at_end) {
  std::string head;
  at_end = false;
  for (;;) {
    size_t skipped = 0;
    while (skipped < head.size() && blank(head[skipped])) ++skipped;
    if (head.size() - skipped >= 34) return head;
    auto chunk = read_chunk();
    if (!chunk) return chunk;
    if (chunk->empty()) {
      at_end = true;
      return head;
    }
    head += *chunk;
  }
}

// Feeds standard input, the head first, to `consume` until the end.
template <typename Consume>
Done for_each_chunk(const std::string& head, bool at_end, Consume consume) {
  if (!head.empty()) {
    if (auto status = consume(std::string_view(head)); !status) return status;
  }
  while (!at_end) {
    auto chunk = read_chunk();
    if (!chunk) return tl::unexpected(chunk.error());
    if (chunk->empty()) break;
    if (auto status = consume(std::string_view(*chunk)); !status) return status;
  }
  return {};
}

Done write_to(const io::SpoolFile& spool, std::string_view bytes) {
  if (bytes.empty()) return {};
  if (auto status = io::write_all(spool.output().fd, bytes); !status) return failure(exit_unspecified, status.error().with_context("spool file"));
  return {};
}

}  // namespace

int run_armor(const Words& argv) {
  auto args = Args::parse(argv, {});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop armor < DATA > ARMORED   (the label comes from the data: message, key, certificate, signature)\n";
    return exit_ok;
  }
  if (!args->positionals().empty()) return report({exit_unsupported_option, "armor takes no arguments"});
  bool at_end = false;
  auto head = read_head(at_end);
  if (!head) return report(head.error());
  auto out = io::SpoolFile::create();
  if (!out) return report({exit_unspecified, out.error().message()});

  if (pgp::starts_armored(*head)) {
    // Already armored: passed on unchanged, once it has been checked to decode.
    pgp::ArmorDecoder decoder;
    auto done = for_each_chunk(*head, at_end, [&](std::string_view bytes) -> Done {
      if (auto decoded = decoder.update(bytes); !decoded) return failure(exit_bad_data, decoded.error().message());
      return write_to(*out, bytes);
    });
    if (!done) return report(done.error());
    if (auto rest = decoder.finish(); !rest) return report({exit_bad_data, rest.error().message()});
  } else {
    pgp::PacketScanner scanner;
    std::vector<int> tags;
    std::optional<pgp::ArmorEncoder> encoder;
    std::string undecided;  // binary data held back until the label is known
    auto done = for_each_chunk(*head, at_end, [&](std::string_view bytes) -> Done {
      if (auto status = scanner.feed(bytes, tags); !status) return failure(exit_bad_data, status.error().message());
      if (encoder) return write_to(*out, encoder->update(bytes));
      undecided.append(bytes);
      auto kind = pgp::armor_kind_for_packets(tags, false);
      if (!kind) return failure(exit_bad_data, kind.error().message());
      if (!*kind) return {};
      encoder.emplace(**kind);
      auto text = encoder->update(undecided);
      undecided.clear();
      return write_to(*out, text);
    });
    if (!done) return report(done.error());
    if (!scanner.at_boundary()) return report({exit_bad_data, "standard input ends inside an OpenPGP packet (truncated)"});
    if (!encoder) {
      auto kind = pgp::armor_kind_for_packets(tags, true);
      if (!kind) return report({exit_bad_data, kind.error().message()});
      encoder.emplace(**kind);
      if (auto status = write_to(*out, encoder->update(undecided)); !status) return report(status.error());
    }
    if (auto status = write_to(*out, encoder->finish()); !status) return report(status.error());
  }
  if (auto status = release_to_standard_output(*out); !status) return report(status.error());
  return exit_ok;
}

int run_dearmor(const Words& argv) {
  auto args = Args::parse(argv, {});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop dearmor < ARMORED > DATA\n";
    return exit_ok;
  }
  if (!args->positionals().empty()) return report({exit_unsupported_option, "dearmor takes no arguments"});
  bool at_end = false;
  auto head = read_head(at_end);
  if (!head) return report(head.error());
  auto out = io::SpoolFile::create();
  if (!out) return report({exit_unspecified, out.error().message()});

  if (pgp::starts_cleartext_signed(*head))
    return report({exit_bad_data, "a cleartext-signed message is not ASCII-armored data (use inline-detach)"});
  if (pgp::starts_armored(*head)) {
    pgp::ArmorDecoder decoder;
    auto done = for_each_chunk(*head, at_end, [&](std::string_view bytes) -> Done {
      auto decoded = decoder.update(bytes);
      if (!decoded) return failure(exit_bad_data, decoded.error().message());
      return write_to(*out, *decoded);
    });
    if (!done) return report(done.error());
    auto rest = decoder.finish();
    if (!rest) return report({exit_bad_data, rest.error().message()});
    if (auto status = write_to(*out, *rest); !status) return report(status.error());
  } else {
    // Already binary: passed on unchanged, once its packet framing has been checked.
    pgp::PacketScanner scanner;
    std::vector<int> tags;
    auto done = for_each_chunk(*head, at_end, [&](std::string_view bytes) -> Done {
      if (auto status = scanner.feed(bytes, tags); !status) return failure(exit_bad_data, status.error().message());
      return write_to(*out, bytes);
    });
    if (!done) return report(done.error());
    if (scanner.packets() == 0) return report({exit_bad_data, "no OpenPGP data on standard input"});
    if (!scanner.at_boundary()) return report({exit_bad_data, "standard input ends inside an OpenPGP packet (truncated)"});
  }
  if (auto status = release_to_standard_output(*out); !status) return report(status.error());
  return exit_ok;
}

}  // namespace payload::cli::sop
