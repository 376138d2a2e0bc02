#include "engine/probe.hpp"

#include <chrono>
#include <memory>

#include <curl/curl.h>

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

AttemptResult probe_once(const HttpRequest& request, Millis timeout, bool insecure) {
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
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // as the delivery transport: straight to the target
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
  if (!request.user_agent.empty()) {
    curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
  }
  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(h);
  result.service_time = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  result.status = code == CURLE_OK ? static_cast<int>(status) : 0;
  result.error = classify(static_cast<int>(code), result.status);
  if (code != CURLE_OK) {
    result.error_text = curl_easy_strerror(code);
  } else if (result.status >= 400) {
    result.error_text = "HTTP " + std::to_string(result.status);
  }
  return result;
}

} // namespace tf::engine
