#include "engine/probe.hpp"

#include <chrono>
#include <memory>

#include <curl/curl.h>

#include "engine/curl_network.hpp"
#include "engine/transport.hpp"

namespace tf::engine {

void ensure_curl_global();

namespace {

/// The answer body, kept up to `cap` bytes.
struct BodySink {
  std::string& body;
  std::size_t cap;
};

size_t keep_body(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<BodySink*>(user);
  const std::size_t n = size * count;
  sink.body.append(data, std::min(n, sink.cap - std::min(sink.cap, sink.body.size())));
  return n;
}

/// `network` (trust, client certificate, proxy, pinned addresses, as the delivery transport sets
/// them) must outlive the transfer: libcurl keeps pointers into it.
void configure(CURL* h, const HttpRequest& request, const ProbeOptions& options, const CurlNetwork& network,
               BodySink& body) {
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  network.apply(h);
  if (!request.user_agent.empty()) {
    curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
  }
  if (request.post) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
}

}  // namespace

ProbeAnswer probe(const HttpRequest& request, const ProbeOptions& options) {
  ensure_curl_global();
  ProbeAnswer answer;
  AttemptResult& result = answer.result;
  std::unique_ptr<CURL, CurlEasyDeleter> easy(curl_easy_init());
  if (!easy) {
    result.error = ErrorKind::other;
    result.error_text = "cannot create a libcurl handle";
    return answer;
  }
  CURL* h = easy.get();
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CurlNetwork network(options.network, options.insecure);
  BodySink sink{result.body, options.body_cap};
  configure(h, request, options, network, sink);
  std::unique_ptr<curl_slist, CurlSlistDeleter> headers;
  if (request.post && !request.content_type.empty()) {
    headers.reset(curl_slist_append(nullptr, ("Content-Type: " + request.content_type).c_str()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
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
  char* location = nullptr;
  if (result.status >= 300 && result.status < 400 &&
      curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
    answer.location = location;
  }
  return answer;
}

AttemptResult probe_once(const HttpRequest& request, Millis timeout, const TargetNetwork& network, bool insecure) {
  return probe(request, ProbeOptions{timeout, insecure, network}).result;
}

}  // namespace tf::engine
