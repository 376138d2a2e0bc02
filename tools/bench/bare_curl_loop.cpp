// The reference libcurl-multi loop for the benchmark: N transfers in flight on one multi handle,
// easy handles reused, counting completed requests for S seconds (or until a request cap).
// Modes: `poll` (curl_multi_perform + curl_multi_poll) and `epoll` (curl_multi_socket_action
// with lazily registered sockets). Loopback URLs only.
//
// It uses every libcurl setting trafficinator's transport uses (src/engine/curl_transport.cpp),
// so that it is the strongest reference, not a handicapped one: the URL parsed once into a CURLU
// shared by every handle (CURLOPT_CURLU; a text CURLOPT_URL is re-parsed on every transfer), no
// proxy look-ups (CURLOPT_NOPROXY "*"), HTTP/1.1, TCP_NODELAY, NOSIGNAL, the same timeouts, a POST
// body handed to libcurl without a copy, and the User-Agent as a shared header line.
//
//   bare_curl_loop MODE TRANSFERS SECONDS URL [MAX_REQUESTS [POST_BODY [USER_AGENT]]]
// With POST_BODY every request is a POST of that form body (a tracking hit's parameters); with
// USER_AGENT every request carries that User-Agent header (as every tracking hit does).
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

struct Counters {
  long long done = 0, failed = 0;
  int active = 0;  ///< transfers in the multi handle
};

/// An easy handle set up as trafficinator's transport sets up its pooled handles.
CURL* make_easy(CURLU* url) {
  CURL* e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_CURLU, url);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  return e;
}

/// Reads finished transfers and re-adds the same easy handle while the run continues.
void reap(CURLM* multi, Counters& c, bool again) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) {
      continue;
    }
    long status = 0;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
    if (msg->data.result == CURLE_OK && status < 400) {
      ++c.done;
    } else {
      ++c.failed;
    }
    CURL* e = msg->easy_handle;
    curl_multi_remove_handle(multi, e);
    if (again) {
      curl_multi_add_handle(multi, e);
    } else {
      --c.active;
    }
  }
}

void run_poll(CURLM* multi, Clock::time_point end, long long cap, Counters& c) {
  int running = 0;
  while (c.active > 0) {
    const bool again = Clock::now() < end && c.done + c.failed < cap;
    curl_multi_perform(multi, &running);
    reap(multi, c, again);
    curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
}

/// Lazy epoll glue: an fd stays registered across CURL_POLL_REMOVE; unchanged masks cost no
/// syscall; a stale registration is dropped only when it fires unwanted.
struct Epoll {
  int fd = epoll_create1(0);
  long timeout_ms = -1;
  struct Socket {
    unsigned registered = 0, wanted = 0;
  };
  std::unordered_map<curl_socket_t, Socket> sockets;
  long long ctl_calls = 0;

  void apply(curl_socket_t s, unsigned mask, Socket& state) {
    epoll_event ev{};
    ev.events = mask;
    ev.data.fd = s;
    int op = state.registered != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    ++ctl_calls;
    if (epoll_ctl(fd, op, s, &ev) != 0) {
      op = errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
      ++ctl_calls;
      epoll_ctl(fd, op, s, &ev);
    }
    state.registered = mask;
  }
};

int on_socket(CURL*, curl_socket_t s, int what, void* user, void*) {
  auto& ep = *static_cast<Epoll*>(user);
  auto& state = ep.sockets[s];
  if (what == CURL_POLL_REMOVE) {
    state.wanted = 0;
    return 0;
  }
  unsigned mask = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    mask |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    mask |= EPOLLOUT;
  state.wanted = mask;
  if (mask != state.registered) {
    ep.apply(s, mask, state);
  }
  return 0;
}

int on_timer(CURLM*, long timeout_ms, void* user) {
  static_cast<Epoll*>(user)->timeout_ms = timeout_ms;
  return 0;
}

void run_epoll(CURLM* multi, Clock::time_point end, long long cap, Counters& c, Epoll& ep) {
  int running = 0;
  curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
  epoll_event events[64];
  while (c.active > 0) {
    const bool again = Clock::now() < end && c.done + c.failed < cap;
    const int wait = ep.timeout_ms < 0 ? 100 : static_cast<int>(std::min(ep.timeout_ms, 100L));
    const int n = epoll_wait(ep.fd, events, 64, wait);
    if (n <= 0) {
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    for (int i = 0; i < n; ++i) {
      const curl_socket_t s = events[i].data.fd;
      auto& state = ep.sockets[s];
      if (state.wanted == 0) {  // stale: curl no longer watches this fd
        ++ep.ctl_calls;
        epoll_ctl(ep.fd, EPOLL_CTL_DEL, s, nullptr);
        state.registered = 0;
        continue;
      }
      int mask = 0;
      if (events[i].events & EPOLLIN)
        mask |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT)
        mask |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP))
        mask |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi, s, mask, &running);
    }
    reap(multi, c, again);
    if (ep.timeout_ms == 0) {
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
      reap(multi, c, again);
    }
  }
}

bool loopback(std::string_view url) {
  for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]", "https://127.0.0.1",
                                "https://localhost", "https://[::1]"}) {
    if (url.substr(0, host.size()) == host &&
        (url.size() == host.size() || url[host.size()] == ':' || url[host.size()] == '/')) {
      return true;
    }
  }
  return false;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
    static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: bare_curl_loop poll|epoll TRANSFERS SECONDS URL [MAX_REQUESTS [POST_BODY [USER_AGENT]]]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int transfers = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  const std::string url = argv[4];
  const long long cap = argc > 5 ? std::atoll(argv[5]) : 50'000'000LL;
  const std::string body = argc > 6 ? argv[6] : "";
  const std::string user_agent = argc > 7 ? argv[7] : "";
  if ((mode != "poll" && mode != "epoll") || transfers < 1 || transfers > 10000 || seconds < 1 || seconds > 120 ||
      !loopback(url)) {
    std::fprintf(stderr, "bare_curl_loop: need poll|epoll, 1-10000 transfers, 1-120 s and a loopback URL\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(transfers));
  Epoll ep;
  if (mode == "epoll") {
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &ep);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &ep);
  }
  // One parsed URL shared by every handle, as trafficinator shares one per endpoint.
  CURLU* parsed = curl_url();
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    std::fprintf(stderr, "bare_curl_loop: cannot parse %s\n", url.c_str());
    return 2;
  }
  std::vector<CURL*> handles;
  // The User-Agent as a header line, as trafficinator sends it (CURLOPT_USERAGENT would cost
  // libcurl a printf per request); one list shared by every handle, freed after them.
  curl_slist* ua_headers =
    user_agent.empty() ? nullptr : curl_slist_append(nullptr, ("User-Agent: " + user_agent).c_str());
  for (int i = 0; i < transfers; ++i) {
    handles.push_back(make_easy(parsed));
    if (!body.empty()) {  // not copied: `body` outlives the handles
      curl_easy_setopt(handles.back(), CURLOPT_POST, 1L);
      curl_easy_setopt(handles.back(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(handles.back(), CURLOPT_POSTFIELDS, body.c_str());
    }
    if (ua_headers != nullptr) {
      curl_easy_setopt(handles.back(), CURLOPT_HTTPHEADER, ua_headers);
    }
    curl_multi_add_handle(multi, handles.back());
  }
  Counters c;
  c.active = transfers;
  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds{seconds};
  if (mode == "poll") {
    run_poll(multi, end, cap, c);
  } else {
    run_epoll(multi, end, cap, c, ep);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf("mode=%s transfers=%d requests=%lld failed=%lld elapsed_s=%.2f req_per_s=%.0f cpu_us_per_req=%.1f "
              "epoll_ctl=%lld\n",
              mode.c_str(), transfers, c.done, c.failed, elapsed, static_cast<double>(c.done) / elapsed,
              c.done > 0 ? cpu * 1e6 / static_cast<double>(c.done) : 0.0, ep.ctl_calls);
  for (CURL* e : handles) {
    curl_multi_remove_handle(multi, e);
    curl_easy_cleanup(e);
  }
  curl_multi_cleanup(multi);
  curl_url_cleanup(parsed);
  curl_slist_free_all(ua_headers);
  if (ep.fd >= 0) {
    close(ep.fd);
  }
  curl_global_cleanup();
  return c.done > 0 ? 0 : 1;
}
