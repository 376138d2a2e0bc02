#include "engine/probe.hpp"

#include <chrono>
#include <memory>

#include <curl/curl.h>

#include "engine/curl_network.hpp"
#include "engine/transport.hpp"

namespace tf::engine {

void ensure_curl_global();

namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

size_t discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

} // namespace

AttemptResult probe_once(const HttpRequest& request, Millis timeout, const TargetNetwork& network, bool insecure) {
  ensure_curl_global();
  AttemptResult result;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    result.error = ErrorKind::other;
    result.error_text = "cannot create a libcurl handle";
    return result;
  }
  CURL* h = easy.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const CurlNetwork curl_network(network, insecure);  // as the delivery transport
  curl_network.apply(h);
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  if (!request.user_agent.empty()) {
    curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
  }
  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(h);
  result.service_time = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  result.status = code == CURLE_OK ? static_cast<int>(status) : 0;
  result.error = classify_transfer(code, result.status, error);
  if (code != CURLE_OK) {
    long verify = 0;
    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
    result.error_text = transfer_error_text(code, error, verify);
  } else if (result.status >= 400) {
    result.error_text = "HTTP " + std::to_string(result.status);
  }
  return result;
}

} // namespace tf::engine
