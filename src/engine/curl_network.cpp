#include "engine/curl_network.hpp"

#include <cstring>
#include <utility>

#include "engine/retry.hpp"
#include "engine/transport.hpp"

namespace tf::engine {
namespace {

curl_slist* to_slist(const std::vector<std::string>& entries) {
  curl_slist* list = nullptr;
  for (const auto& entry : entries) {
    list = curl_slist_append(list, entry.c_str());
  }
  return list;
}

void set_path(CURL* easy, CURLoption option, const std::string& path) {
  if (!path.empty()) {
    curl_easy_setopt(easy, option, path.c_str());
  }
}

}  // namespace

CurlNetwork::CurlNetwork(TargetNetwork network, bool insecure)
  : m_network(std::move(network)), m_insecure(insecure), m_resolve(to_slist(m_network.resolve)),
    m_connect_to(to_slist(m_network.connect_to)) {}

void CurlNetwork::apply(CURL* e) const {
  if (!m_network.proxy.empty()) {
    curl_easy_setopt(e, CURLOPT_PROXY, m_network.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_NOPROXY, "");  // the proxy for every host; no_proxy does not apply
  } else if (!m_network.use_env_proxy) {
    // Connect directly: no proxy from http_proxy/https_proxy/all_proxy (nor their getenv calls on
    // every transfer). A proxy in front of the target would be what the run measures.
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  }  // else: libcurl reads https_proxy, http_proxy, all_proxy and no_proxy for each transfer
  set_path(e, CURLOPT_CAINFO, m_network.ca_bundle);
  set_path(e, CURLOPT_CAPATH, m_network.ca_path);
  set_path(e, CURLOPT_SSLCERT, m_network.client_cert);
  set_path(e, CURLOPT_SSLKEY, m_network.client_key);
  if (m_resolve) {
    curl_easy_setopt(e, CURLOPT_RESOLVE, m_resolve.get());
  }
  if (m_connect_to) {
    curl_easy_setopt(e, CURLOPT_CONNECT_TO, m_connect_to.get());
  }
  if (m_insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

std::string transfer_error_text(CURLcode code, const char* error_buffer, long verify_result) {
  std::string text = curl_easy_strerror(code);
  if (error_buffer != nullptr && error_buffer[0] != '\0') {
    std::string detail = error_buffer;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) {
      detail.pop_back();
    }
    if (!detail.empty() && detail != text) {
      text += ": " + detail;
    }
  } else if (verify_result != 0) {
    text += ": certificate verification failed (OpenSSL X509 verify result " + std::to_string(verify_result) + ")";
  }
  return text;
}

bool answered_before_upload_end(CURL* easy, CURLcode code, long status) {
  if (code != CURLE_HTTP2_STREAM || status < 200) {
    return false;
  }
  long version = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  curl_off_t expected = -1, received = 0;
  curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
  const bool whole_body = status == 204 || status == 304 || (expected >= 0 && received == expected);
  return version == CURL_HTTP_VERSION_2_0 && whole_body;
}

ErrorKind classify_transfer(CURLcode code, int http_status, const char* error_buffer) {
  const ErrorKind kind = classify(static_cast<int>(code), http_status);
  // Only a TLS alert from the peer (it refused the handshake), never an end of stream or a reset
  // seen through TLS, which may come after the request was received.
  if (kind == ErrorKind::reset && error_buffer != nullptr && std::strstr(error_buffer, " alert ") != nullptr) {
    return ErrorKind::tls;
  }
  return kind;
}

}  // namespace tf::engine
