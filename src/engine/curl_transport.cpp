// libcurl multi transport: RAII over CURLM*/CURL*, pooled easy handles, keep-alive connections,
// curl_multi_poll driven by the engine's next due time.
//
// What a request costs libcurl 7.88 (callgrind, user-space instructions per request, 50 keep-alive
// transfers to nginx): the URL set with CURLOPT_URL is parsed and printed again for every transfer
// (~11k of ~63k for a form POST), and every custom header line goes through libcurl's own printf,
// one character at a time (~100 instructions a byte: a browser User-Agent line costs ~15k). So POST
// endpoints are parsed once into a shared CURLU, header lists are built once per distinct set and
// shared, no Content-Type line is added where libcurl adds the same one itself, and proxy
// detection from the environment (getenv on every transfer) is off unless asked for.
//
// A target's network options (trust, client certificate, proxy, pinned addresses) are set when a
// handle is created: handles are pooled per distinct set of them (one pool in the common case),
// so no option is set again per request.
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/curl_network.hpp"
#include "engine/transport.hpp"
#include "util/error.hpp"

namespace tf::engine {

void ensure_curl_global();

namespace {

constexpr std::size_t k_body_cap = 4096;  ///< bytes of an answer body kept

struct MultiDeleter {
  void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};
using EasyDeleter = CurlEasyDeleter;
using SlistDeleter = CurlSlistDeleter;
struct UrlDeleter {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};

/// The Content-Type libcurl itself adds to a CURLOPT_POSTFIELDS request that names none.
constexpr std::string_view k_form_type = "application/x-www-form-urlencoded";
/// Bodies above this size get an empty "Expect:" line, so libcurl never waits for a
/// "100 Continue" (it asks for one above a threshold: 1 MiB in 7.88, 1 KiB in older releases).
constexpr std::size_t k_expect_threshold = 1024;
/// Streams an HTTP/2 connection is expected to carry: below libcurl 7.88's own limit (100,
/// CURLMOPT_MAX_CONCURRENT_STREAMS) and those that servers commonly advertise (nginx 128, Apache 100).
constexpr long k_h2_streams_per_connection = 50;

/// The HTTP/2 connections to open per host for `in_flight` requests. Without a cap, libcurl 7.88
/// (CURLOPT_PIPEWAIT included) gives each request that finds the connections full a connection of
/// its own: CONCURRENCY 200 made 99 connections to nginx and ran at half the rate of 50 (measured).
/// With the cap, the requests share the connections as streams, and those beyond the server's
/// stream limit wait in libcurl's queue (not sent, so never unconfirmed).
long http2_connections(long in_flight) {
  return std::max(1L, (in_flight + k_h2_streams_per_connection - 1) / k_h2_streams_per_connection);
}

bool wants_no_expect(const HttpRequest& r) { return r.post && r.body.size() > k_expect_threshold; }

/// One header list, shared by every pooled handle that sends these headers (libcurl only reads it).
struct HeaderSet {
  bool post = false, no_expect = false;
  std::string content_type, user_agent;
  std::vector<std::string> extra;
  std::unique_ptr<curl_slist, SlistDeleter> list;

  bool matches(const HttpRequest& r) const {
    return post == r.post && no_expect == wants_no_expect(r) && content_type == r.content_type &&
      user_agent == r.user_agent && extra == r.headers;
  }
};

/// A URL and its parsed form, shared by the handles that send to it (null: set as text instead).
using ParsedUrl = std::pair<const std::string, std::unique_ptr<CURLU, UrlDeleter>>;

struct Transfer;

/// The handles that share one set of network options, and those of them not in use.
struct Profile {
  explicit Profile(CurlNetwork n) : network(std::move(n)) {}
  CurlNetwork network;
  std::vector<Transfer*> free;
};

/// One pooled easy handle and the buffers it points into.
struct Transfer {
  std::unique_ptr<CURL, EasyDeleter> easy;
  const HeaderSet* headers = nullptr;  ///< the header list set last (set again only when it changes)
  std::string body, answer;  ///< the POST body (libcurl does not copy it) and the captured answer
  std::string url;  ///< the CURLOPT_URL set last; cleared when a CURLU is used (see set_url)
  const ParsedUrl* parsed = nullptr;  ///< the CURLU set last (an entry of m_urls), or none
  Profile* profile = nullptr;  ///< whose options the handle has; it returns to profile->free
  std::uint64_t token = 0;
  int sends = 0;  ///< times libcurl was about to send this request (CURLOPT_PREREQFUNCTION)
  bool active = false;
  char error[CURL_ERROR_SIZE] = {};  ///< CURLOPT_ERRORBUFFER: why a transfer failed
};

/// libcurl calls this right before it sends a request on a new or reused connection: more than
/// once per transfer when it resends on a fresh connection after a reused one died without an
/// answer (libcurl 7.88, Curl_retry_request; POST bodies included). Matomo may have recorded the
/// first one: the engine counts those as possible duplicates.
int on_prereq(void* user, char*, char*, int, int) {
  ++static_cast<Transfer*>(user)->sends;
  return CURL_PREREQFUNC_OK;
}

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
    for (std::size_t i = 0; i < config.targets.size(); ++i) {
      m_target_profile.push_back(&profile(i < config.networks.size() ? config.networks[i] : TargetNetwork{}));
    }
    if (config.http2) {
      curl_multi_setopt(m_multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
      curl_multi_setopt(m_multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, http2_connections(connections));
    }
  }
  ~CurlTransport() override { cancel_all(); }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void start(std::uint64_t token, HttpRequest& request) override {
    Transfer& t =
      acquire(request.target < m_target_profile.size() ? *m_target_profile[request.target] : profile(TargetNetwork{}));
    t.token = token;
    t.sends = 0;
    t.answer.clear();
    CURL* e = t.easy.get();
    // A pooled handle keeps its options: only what differs from its previous request is set again.
    set_url(t, request);
    if (t.headers == nullptr || !t.headers->matches(request)) {
      t.headers = &header_set(request);
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers->list.get());
    }
    if (request.post) {
      // After the headers, which depend on the body's size. A bulk body is ~70 kB: swapped, not
      // copied (the caller gets this handle's previous buffer).
      // CURLOPT_POSTFIELDS makes the request a POST (libcurl 7.88 sets the method with it, as
      // CURLOPT_POST does): no third option per hit.
      t.body.swap(request.body);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.body.c_str());
    } else {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
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
        t->profile->free.push_back(t.get());
      }
    }
    m_active = 0;
  }

private:
  /// The profile of these network options, made on first use.
  Profile& profile(const TargetNetwork& network) {
    for (const auto& p : m_profiles) {
      if (p->network.network() == network) {
        return *p;
      }
    }
    m_profiles.push_back(std::make_unique<Profile>(CurlNetwork(network, m_config.insecure)));
    return *m_profiles.back();
  }

  Transfer& acquire(Profile& profile) {
    if (!profile.free.empty()) {
      Transfer* t = profile.free.back();
      profile.free.pop_back();
      return *t;
    }
    auto t = std::make_unique<Transfer>();
    t->easy.reset(curl_easy_init());
    if (!t->easy) {
      throw Error("cannot create a libcurl handle", ExitCode::runtime);
    }
    t->profile = &profile;
    configure(*t);
    m_pool.push_back(std::move(t));
    return *m_pool.back();
  }

  /// A POST endpoint is parsed once and shared (CURLOPT_CURLU); a GET URL carries its hit, so it
  /// is set as text. So is a URL with an IPv6 zone id, which curl_url_dup drops in libcurl 7.88,
  /// and one that does not parse (libcurl then reports it for the transfer, as before).
  void set_url(Transfer& t, const HttpRequest& request) {
    CURL* e = t.easy.get();
    if (t.parsed != nullptr && t.parsed->first == request.url) {
      return;
    }
    if (request.post) {
      if (const ParsedUrl* parsed = parsed_url(request.url)) {
        curl_easy_setopt(e, CURLOPT_CURLU, parsed->second.get());
        t.parsed = parsed;
        // A transfer from a CURLU overwrites the handle's stored CURLOPT_URL with the CURLU's
        // URL (libcurl 7.88): the text URL must be set again when this handle goes back to one.
        t.url.clear();
        return;
      }
    }
    if (t.parsed != nullptr) {
      curl_easy_setopt(e, CURLOPT_CURLU, static_cast<CURLU*>(nullptr));
      t.parsed = nullptr;
    }
    if (t.url != request.url) {
      t.url = request.url;
      curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
    }
  }

  /// The entry of `url` in m_urls (parsed now if new), or null when it is to be set as text.
  const ParsedUrl* parsed_url(const std::string& url) {
    if (auto it = m_urls.find(url); it != m_urls.end()) {
      return it->second ? &*it : nullptr;
    }
    std::unique_ptr<CURLU, UrlDeleter> handle;
    const bool zone_id = url.find('[') != std::string::npos && url.find('%') != std::string::npos;
    if (!zone_id) {
      handle.reset(curl_url());
      // the flags libcurl uses for CURLOPT_URL, so both ways accept the same URLs
      if (handle &&
          curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) !=
            CURLUE_OK) {
        handle.reset();
      }
    }
    const auto inserted = m_urls.emplace(url, std::move(handle)).first;
    return inserted->second ? &*inserted : nullptr;
  }

  /// The shared header list for this request's headers, built on first use. One per content type,
  /// User-Agent and extra header lines seen: a few by default, one per browser with
  /// USER_AGENT_HEADER=visitor (so a hash map, not a scan; looked up only when a handle's previous
  /// list does not match).
  const HeaderSet& header_set(const HttpRequest& request) {
    std::string key;
    key += request.post ? 'P' : 'G';
    key += wants_no_expect(request) ? 'E' : '-';
    key += request.content_type;
    key += '\n';
    key += request.user_agent;
    for (const auto& header : request.headers) {
      key += '\n';
      key += header;
    }
    auto& slot = m_header_sets[key];
    if (slot) {
      return *slot;
    }
    auto set = std::make_unique<HeaderSet>();
    set->post = request.post;
    set->no_expect = wants_no_expect(request);
    set->content_type = request.content_type;
    set->user_agent = request.user_agent;
    set->extra = request.headers;
    curl_slist* list = nullptr;
    if (set->no_expect) {
      list = curl_slist_append(list, "Expect:");
    }
    if (request.post && !request.content_type.empty() && request.content_type != k_form_type) {
      list = curl_slist_append(list, ("Content-Type: " + request.content_type).c_str());
    }
    // The User-Agent as a header line, not CURLOPT_USERAGENT: libcurl 7.88 formats that option
    // with its printf twice per request.
    if (!request.user_agent.empty()) {
      list = curl_slist_append(list, ("User-Agent: " + request.user_agent).c_str());
    }
    for (const auto& header : request.headers) {
      list = curl_slist_append(list, header.c_str());
    }
    set->list.reset(list);
    slot = std::move(set);
    return *slot;
  }

  void configure(Transfer& t) const {
    CURL* e = t.easy.get();
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_config.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(m_config.request_timeout.count()));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, capture);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, m_config.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    if (m_config.http2) {
      // Wait for a connection that may multiplex rather than open another: without it, the first
      // 50 requests open 50 connections (50 handshakes) before any is known to be HTTP/2, and
      // then carry about one stream each, which costs ~9k more instructions per hit (callgrind).
      curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    }
    t.profile->network.apply(e);
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
      t->profile->free.push_back(t);
      out.push_back(std::move(c));
    }
  }

  static void fill(AttemptResult& r, CURL* e, CURLcode code, Transfer& t) {
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (answered_before_upload_end(e, code, status)) {
      code = CURLE_OK;
    }
    curl_off_t total = 0;
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
    r.status = code == CURLE_OK ? static_cast<int>(status) : 0;
    // Retry-After means something on a 3xx, 429 or 503 (RFC 9110 §10.2.3), and only a failed
    // attempt waits: not read for the 2xx answers that are almost every transfer.
    curl_off_t retry_after = 0;
    if (code != CURLE_OK || r.status >= 300) {
      curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after);
    }
    r.error = classify_transfer(code, r.status, t.error);
    r.request_sent = t.sends > 0;
    r.resends = std::max(0, t.sends - 1);
    if (code != CURLE_OK) {
      long verify = 0;
      curl_easy_getinfo(e, CURLINFO_SSL_VERIFYRESULT, &verify);
      r.error_text = transfer_error_text(code, t.error, verify);
    } else if (r.status >= 300) {
      r.error_text = "HTTP " + std::to_string(r.status);
    }
    if (r.error == ErrorKind::redirect) {
      char* location = nullptr;
      curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &location);
      r.detail = answer_detail(std::string("Location: ") + (location != nullptr ? location : "(none)"));
      r.error_text += r.detail.empty() ? "" : " (" + r.detail + ")";
    } else if (r.error != ErrorKind::none) {
      r.detail = answer_detail(t.answer);
    }
    r.service_time = Micros{total};
    if (retry_after > 0) {
      r.retry_after = Millis{retry_after * 1000};
    }
    r.body.swap(t.answer);
    t.answer.clear();
  }

  EngineConfig m_config;
  // Declared before the multi handle and the pool, so they outlive every easy handle using them.
  std::unordered_map<std::string, std::unique_ptr<CURLU, UrlDeleter>> m_urls;  ///< null: set as text
  std::unordered_map<std::string, std::unique_ptr<HeaderSet>> m_header_sets;  ///< by header_set's key
  std::vector<std::unique_ptr<Profile>> m_profiles;  ///< distinct network options (their lists)
  std::vector<Profile*> m_target_profile;  ///< by target index
  std::unique_ptr<CURLM, MultiDeleter> m_multi;
  std::vector<std::unique_ptr<Transfer>> m_pool;
  int m_active = 0;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const EngineConfig& config, const Clock&) {
  return std::make_unique<CurlTransport>(config);
}

}  // namespace tf::engine
