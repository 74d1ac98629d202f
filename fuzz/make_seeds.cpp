// Gathers seed corpora for the fuzz targets from AS2 vectors made by other
// implementations (../shared/interop/as2: pyas2-lib and libas2 messages and MDNs).
// Each message is taken apart layer by layer with the library itself, and every piece a
// target reads is written where that target's corpus is: the wire forms, each MIME
// entity, each CMS blob (in the target's input format), each Content-Disposition and
// Disposition-Notification-Options value.
//
//   fuzz_make_seeds INTEROP_DIR OUT_DIR     writes OUT_DIR/<target>/<name>
#include <strings.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <payload/as2/http_message.h>
#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/io/file.h>
#include <payload/mime/entity.h>
#include <payload/mime/http.h>
#include <payload/mime/multipart.h>

#include "fuzz_keys.h"

namespace fs = std::filesystem;
using namespace payload;

namespace {

class Seeds {
public:
  explicit Seeds(fs::path out) : m_out(std::move(out)) {}

  void write(const std::string& target, const std::string& name, std::string_view bytes) {
    const fs::path dir = m_out / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ++m_written;
  }
  // A CMS target's input: its mode byte, then the bytes.
  void write_modes(const std::string& target, const std::string& name, std::string_view bytes, int modes) {
    for (int mode = 0; mode < modes; ++mode)
      write(target, name + "-mode" + std::to_string(mode), std::string(1, static_cast<char>(mode)) + std::string(bytes));
  }
  [[nodiscard]] int written() const { return m_written; }

private:
  fs::path m_out;
  int m_written = 0;
};

// Every layer below `entity`: what the receiver decrypts, decompresses, verifies, splits.
void visit(Seeds& seeds, const std::string& name, const mime::Entity& entity) {
  seeds.write("mime_entity", name, entity.raw());
  if (auto disposition = entity.headers().value("Content-Disposition"))
    seeds.write("content_disposition", name, *disposition);
  auto type = entity.content_type();
  if (!type) return;
  if (type->is("application/pkcs7-mime") || type->is("application/x-pkcs7-mime")) {
    auto cms_bytes = entity.decoded_body();
    if (!cms_bytes) return;
    const auto smime_type = type->parameter("smime-type").value_or("");
    std::string inner;
    if (smime_type == "compressed-data") {
      seeds.write_modes("cms_decompress", name, *cms_bytes, 2);
      auto content = cms::decompress(*cms_bytes);
      if (!content) return;
      inner = std::move(*content);
    } else {
      seeds.write_modes("cms_decrypt", name, *cms_bytes, 2);
      auto content = cms::decrypt(*cms_bytes, {fuzz::interop_keys().b}, {{cms::ContentCipher::aes128_cbc,
          cms::ContentCipher::aes192_cbc, cms::ContentCipher::aes256_cbc, cms::ContentCipher::aes128_gcm,
          cms::ContentCipher::aes256_gcm, cms::ContentCipher::des_ede3_cbc}});
      if (!content) return;
      inner = std::move(*content);
    }
    if (auto inner_entity = mime::Entity::parse(std::move(inner))) visit(seeds, name + "-in", *inner_entity);
    return;
  }
  if (!type->is_multipart()) return;
  auto parts = mime::split_multipart(entity);
  if (!parts) return;
  if (type->is("multipart/signed") && parts->size() == 2) {
    const std::string_view content = (*parts)[0].raw();
    auto signature = (*parts)[1].decoded_body();
    if (signature && content.size() <= 0xffff) {
      std::string input{static_cast<char>(content.size() >> 8), static_cast<char>(content.size() & 0xff)};
      input.append(content);
      input.append(*signature);
      seeds.write("cms_verify", name + "-detached-mode1", std::string(1, '\1') + input);
      seeds.write("cms_verify", name + "-detached-mode3", std::string(1, '\3') + input);
    }
  }
  for (std::size_t i = 0; i < parts->size(); ++i) visit(seeds, name + "-part" + std::to_string(i), (*parts)[i]);
}

void wire_form(Seeds& seeds, const std::string& target, const fs::path& file) {
  auto bytes = io::read_file(file);
  if (!bytes) return;
  const std::string name = file.stem().string();
  seeds.write(target, name, *bytes);
  auto message = as2::parse_http_message(std::move(*bytes));
  if (!message) return;
  for (const auto& [field, value] : message->headers) {
    if (field.size() == 32 && strncasecmp(field.c_str(), "Disposition-Notification-Options", 32) == 0)
      seeds.write("notification_options", name, value);
  }
  if (auto entity = mime::entity_from_http(message->headers, std::move(message->body))) visit(seeds, name, *entity);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_make_seeds INTEROP_DIR OUT_DIR\n");
    return 2;
  }
  const fs::path interop = argv[1];
  Seeds seeds(argv[2]);
  for (const auto& [subdir, target, extension] :
       {std::tuple{"messages", "as2_request", ".as2"}, std::tuple{"mdns", "mdn_parse", ".mdn"}}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(interop / subdir, ec))
      if (entry.path().extension() == extension) wire_form(seeds, target, entry.path());
    if (ec) {
      std::fprintf(stderr, "fuzz_make_seeds: %s: %s\n", (interop / subdir).c_str(), ec.message().c_str());
      return 1;
    }
  }
  std::printf("fuzz_make_seeds: %d seeds from %s\n", seeds.written(), interop.c_str());
  return 0;
}
