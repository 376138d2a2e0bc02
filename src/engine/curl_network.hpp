#pragma once
// What the transport and the probe share about reaching a target with libcurl: the network
// options of one target (trust, client certificate, proxy, pinned addresses), set once per easy
// handle, and the error text of a finished transfer that says why TLS failed. Internal to engine/.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "engine/engine.hpp"

namespace tf::engine {

struct CurlSlistDeleter {
  void operator()(curl_slist* s) const noexcept { curl_slist_free_all(s); }
};
struct CurlEasyDeleter {
  void operator()(CURL* e) const noexcept { curl_easy_cleanup(e); }
};

/// A target's network options with the curl lists they need, which must outlive every handle
/// they are set on.
class CurlNetwork {
public:
  CurlNetwork(TargetNetwork network, bool insecure);

  /// Sets the options on `easy`: once, when the handle is created (they stay across transfers).
  void apply(CURL* easy) const;
  const TargetNetwork& network() const { return m_network; }
  bool insecure() const { return m_insecure; }

private:
  TargetNetwork m_network;
  bool m_insecure = false;
  std::unique_ptr<curl_slist, CurlSlistDeleter> m_resolve, m_connect_to;
};

/// The error text of a transfer that ended with `code`: curl's text for it, and the detail of
/// `error_buffer` (CURLOPT_ERRORBUFFER) when it says more: for TLS, which check failed and why
/// ("SSL certificate problem: self-signed certificate in certificate chain", "no alternative
/// certificate subject name matches target host name 'x'", a handshake alert). `verify_result`
/// (CURLINFO_SSL_VERIFYRESULT) is named when the buffer is empty and it is not 0.
std::string transfer_error_text(CURLcode code, const char* error_buffer, long verify_result);

/// True when `code` is libcurl 7.88's CURLE_HTTP2_STREAM for an HTTP/2 stream that the server
/// closed after a complete final answer (`status` >= 200, its whole body received) but before the
/// request body was sent to its end, which RFC 9113 §8.1 allows (nginx's `return 204` does it):
/// libcurl then still tries to send and reports the closed stream. The answer stands: the server
/// decided on the request (for Matomo, a 2xx answer is its "recorded").
bool answered_before_upload_end(CURL* easy, CURLcode code, long status);

/// The kind of a transfer's failure: classify(), except that a receive or send error that the
/// error buffer names as a TLS alert from the peer (such as "certificate required" under TLS 1.3,
/// sent when the handshake ends, before any request is read) is tls, not reset.
ErrorKind classify_transfer(CURLcode code, int http_status, const char* error_buffer);

}  // namespace tf::engine
