// libcurl multi transport: RAII over CURLM*/CURL*, pooled easy handles, keep-alive connections,
// curl_multi_poll driven by the engine's next due time.
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine/transport.hpp"
#include "util/error.hpp"

namespace tf::engine {

void ensure_curl_global();

namespace {

constexpr std::size_t k_body_cap = 4096;  ///< bytes of an answer body kept

struct MultiDeleter { void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); } };
struct EasyDeleter { void operator()(CURL* e) const noexcept { curl_easy_cleanup(e); } };
struct SlistDeleter { void operator()(curl_slist* s) const noexcept { curl_slist_free_all(s); } };

/// One pooled easy handle and the buffers it points into.
struct Transfer {
  std::unique_ptr<CURL, EasyDeleter> easy;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  std::string body, answer;  ///< the POST body (libcurl does not copy it) and the captured answer
  std::string url;           ///< the URL set last (set again only when it changes)
  std::string content_type;  ///< the header list was built for this content type, …
  std::string user_agent;    ///< … this User-Agent …
  std::vector<std::string> extra_headers;  ///< … and these extra headers
  bool headers_post = false;               ///< … for a POST (with "Expect:")
  bool headers_built = false;
  std::uint64_t token = 0;
  bool active = false;
};

std::size_t capture(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const std::size_t room = k_body_cap - std::min(k_body_cap, transfer->answer.size());
  transfer->answer.append(data, std::min(n, room));
  return n;
}

class CurlTransport final : public Transport {
public:
  explicit CurlTransport(const EngineConfig& config) : m_config(config) {
    ensure_curl_global();
    m_multi.reset(curl_multi_init());
    if (!m_multi) {
      throw Error("cannot initialise libcurl", ExitCode::runtime);
    }
    long connections = 0;
    for (const auto& target : config.targets) {
      connections += std::max(1, target.max_in_flight);
    }
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAXCONNECTS, std::max(connections, 8L));
    if (config.http2) {
      curl_multi_setopt(m_multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    }
  }
  ~CurlTransport() override { cancel_all(); }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void start(std::uint64_t token, const HttpRequest& request) override {
    Transfer& t = acquire();
    t.token = token;
    t.answer.clear();
    CURL* e = t.easy.get();
    // A pooled handle keeps its options: only what differs from its previous request is set
    // again (libcurl copies option strings, and rebuilding the header list costs allocations).
    if (t.url != request.url) {
      t.url = request.url;
      curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
    }
    if (request.post) {
      t.body.assign(request.body);
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.body.c_str());
    } else {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
    if (!t.headers_built || t.headers_post != request.post || t.content_type != request.content_type ||
        t.user_agent != request.user_agent || t.extra_headers != request.headers) {
      set_headers(t, request);
    }
    t.active = true;
    curl_multi_add_handle(m_multi.get(), e);
    ++m_active;
  }

  void wait(SteadyTime deadline, std::vector<Completion>& out) override {
    int running = 0;
    curl_multi_perform(m_multi.get(), &running);
    const std::size_t before = out.size();
    collect(out);
    if (out.size() > before) {
      return;
    }
    const auto left = std::chrono::ceil<Millis>(deadline - std::chrono::steady_clock::now());
    const int timeout = static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
    curl_multi_poll(m_multi.get(), nullptr, 0, timeout, nullptr);
    curl_multi_perform(m_multi.get(), &running);
    collect(out);
  }

  void wakeup() noexcept override { curl_multi_wakeup(m_multi.get()); }

  void cancel_all() override {
    for (auto& t : m_pool) {
      if (t->active) {
        curl_multi_remove_handle(m_multi.get(), t->easy.get());
        t->active = false;
        m_free.push_back(t.get());
      }
    }
    m_active = 0;
  }

private:
  Transfer& acquire() {
    if (!m_free.empty()) {
      Transfer* t = m_free.back();
      m_free.pop_back();
      return *t;
    }
    auto t = std::make_unique<Transfer>();
    t->easy.reset(curl_easy_init());
    if (!t->easy) {
      throw Error("cannot create a libcurl handle", ExitCode::runtime);
    }
    configure(*t);
    m_pool.push_back(std::move(t));
    return *m_pool.back();
  }

  static void set_headers(Transfer& t, const HttpRequest& request) {
    curl_slist* list = nullptr;
    if (request.post) {
      list = curl_slist_append(list, "Expect:");
      if (!request.content_type.empty()) {
        list = curl_slist_append(list, ("Content-Type: " + request.content_type).c_str());
      }
    }
    // The User-Agent as a header line, not CURLOPT_USERAGENT: libcurl 7.88 formats that option
    // with its own printf on every request (measured: ~5% more hits/s this way).
    if (!request.user_agent.empty()) {
      list = curl_slist_append(list, ("User-Agent: " + request.user_agent).c_str());
    }
    for (const auto& header : request.headers) {
      list = curl_slist_append(list, header.c_str());
    }
    curl_easy_setopt(t.easy.get(), CURLOPT_HTTPHEADER, list);
    t.headers.reset(list);
    t.headers_built = true;
    t.headers_post = request.post;
    t.content_type = request.content_type;
    t.user_agent = request.user_agent;
    t.extra_headers = request.headers;
  }

  void configure(Transfer& t) const {
    CURL* e = t.easy.get();
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_config.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(m_config.request_timeout.count()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, capture);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                     m_config.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    if (m_config.insecure) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  }

  void collect(std::vector<Completion>& out) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m_multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) {
        continue;
      }
      CURL* e = msg->easy_handle;
      Transfer* t = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, &t);
      Completion c;
      c.token = t->token;
      fill(c.result, e, msg->data.result, *t);
      curl_multi_remove_handle(m_multi.get(), e);
      t->active = false;
      --m_active;
      m_free.push_back(t);
      out.push_back(std::move(c));
    }
  }

  static void fill(AttemptResult& r, CURL* e, CURLcode code, Transfer& t) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t total = 0;
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
    curl_off_t retry_after = 0;
    curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after);
    r.status = code == CURLE_OK ? static_cast<int>(status) : 0;
    r.error = classify(static_cast<int>(code), r.status);
    if (code != CURLE_OK) {
      r.error_text = curl_easy_strerror(code);
    } else if (r.status >= 400) {
      r.error_text = "HTTP " + std::to_string(r.status);
    }
    r.service_time = Micros{total};
    if (retry_after > 0) {
      r.retry_after = Millis{retry_after * 1000};
    }
    r.body.swap(t.answer);
    t.answer.clear();
  }

  EngineConfig m_config;
  std::unique_ptr<CURLM, MultiDeleter> m_multi;
  std::vector<std::unique_ptr<Transfer>> m_pool;
  std::vector<Transfer*> m_free;
  int m_active = 0;
};

} // namespace

ErrorKind classify(int curl_code, int http_status) {
  switch (static_cast<CURLcode>(curl_code)) {
  case CURLE_OK:
    if (http_status >= 500) return ErrorKind::http_5xx;
    if (http_status >= 400) return ErrorKind::http_4xx;
    return ErrorKind::none;
  case CURLE_OPERATION_TIMEDOUT: return ErrorKind::timeout;
  case CURLE_COULDNT_CONNECT: return ErrorKind::connect;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: return ErrorKind::dns;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT: return ErrorKind::tls;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE: return ErrorKind::reset;
  default: return ErrorKind::other;
  }
}

std::unique_ptr<Transport> make_curl_transport(const EngineConfig& config, const Clock&) {
  return std::make_unique<CurlTransport>(config);
}

} // namespace tf::engine
