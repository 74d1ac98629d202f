// Private helpers of payload::cms: OpenSSL error draining, BIOs over strings and
// descriptors, small conversions.
#include "openssl.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <ctime>

namespace payload::cms::detail {

Error openssl_error(Errc code, std::string what) {
  std::string reasons;
  unsigned long e = 0;
  const char* data = nullptr;
  int flags = 0;
  while ((e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    // A failing descriptor under OpenSSL surfaces as a system error: report it as io.
    if (ERR_GET_LIB(e) == ERR_LIB_SYS) code = Errc::io;
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof buffer);
    if (!reasons.empty()) reasons += "; ";
    reasons += buffer;
    if ((flags & ERR_TXT_STRING) != 0 && data != nullptr && *data != '\0') {
      reasons += " (";
      reasons += data;
      reasons += ")";
    }
  }
  if (!reasons.empty()) what += ": " + reasons;
  return Error(code, std::move(what));
}

BioPtr memory_source(std::string_view bytes) {
  // BIO_new_mem_buf takes an int length; larger in-memory inputs belong in files.
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

BioPtr memory_sink() { return BioPtr(BIO_new(BIO_s_mem())); }

std::string take_memory(BIO* sink) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(sink, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

namespace {

// A source/sink BIO over a file descriptor that, unlike BIO_s_fd, never reports a short
// write: OpenSSL's filter BIOs do not all retry partial writes.
int fd_write(BIO* b, const char* in, int size) noexcept {
  const int fd = BIO_get_fd(b, nullptr);
  auto status = io::write_all(fd, {in, static_cast<std::size_t>(size)});
  if (!status) {
    ERR_raise_data(ERR_LIB_SYS, errno, "write failed: %s", status.error().message().c_str());
    return -1;
  }
  return size;
}

int fd_read(BIO* b, char* out, int size) noexcept {
  const int fd = BIO_get_fd(b, nullptr);
  for (;;) {
    const ssize_t n = ::read(fd, out, static_cast<std::size_t>(size));
    if (n >= 0) return static_cast<int>(n);
    if (errno != EINTR) {
      ERR_raise_data(ERR_LIB_SYS, errno, "read failed");
      return -1;
    }
  }
}

long fd_ctrl(BIO* b, int cmd, long num, void* ptr) noexcept {
  switch (cmd) {
    case BIO_C_SET_FD:
      BIO_set_init(b, 1);
      BIO_set_data(b, reinterpret_cast<void*>(static_cast<intptr_t>(num)));
      return 1;
    case BIO_C_GET_FD: {
      const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
      if (ptr != nullptr) *static_cast<int*>(ptr) = fd;
      return fd;
    }
    case BIO_CTRL_FLUSH:
      return 1;
    default:
      return 0;
  }
}

const BIO_METHOD* fd_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "payload fd");
    BIO_meth_set_write(m, fd_write);
    BIO_meth_set_read(m, fd_read);
    BIO_meth_set_ctrl(m, fd_ctrl);
    return m;
  }();
  return method;
}

BioPtr fd_bio(int fd) {
  BioPtr bio(BIO_new(fd_method()));
  if (bio) BIO_ctrl(bio.get(), BIO_C_SET_FD, fd, nullptr);
  return bio;
}

}  // namespace

BioPtr fd_source(const io::Input& input) { return fd_bio(input.fd); }
BioPtr fd_sink(const io::Output& output) { return fd_bio(output.fd); }

Result<CmsPtr> parse_cms(std::string_view der) {
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) return fail(Errc::bad_data, "CMS input too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) return tl::unexpected(openssl_error(Errc::bad_data, "not a CMS (DER/BER) structure"));
  return cms;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0x0f];
  }
  return out;
}

std::string name_string(const X509_NAME* name) {
  BioPtr bio = memory_sink();
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  return take_memory(bio.get());
}

namespace {
void free_openssl_string(char* p) { OPENSSL_free(p); }
}  // namespace

std::string serial_hex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  std::unique_ptr<char, Deleter<char, free_openssl_string>> text(BN_bn2hex(bn.get()));
  return text ? std::string(text.get()) : std::string();
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buffer[128];
  const int n = OBJ_obj2txt(buffer, sizeof buffer, obj, 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(std::min(n, static_cast<int>(sizeof buffer) - 1)))
               : std::string();
}

Certificate wrap(X509Ptr cert) {
  auto handle = std::make_shared<CertificateHandle>();
  handle->x509 = std::move(cert);
  return Certificate(std::move(handle));
}

X509StackPtr x509_stack(const std::vector<Certificate>& certificates) {
  X509StackPtr stack(sk_X509_new_null());
  if (!stack) return stack;
  for (const auto& c : certificates) {
    if (X509_up_ref(x509(c)) != 1) return nullptr;
    if (sk_X509_push(stack.get(), x509(c)) <= 0) {
      X509_free(x509(c));
      return nullptr;
    }
  }
  return stack;
}

}  // namespace payload::cms::detail
