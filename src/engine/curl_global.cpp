#include <curl/curl.h>

namespace tf::engine {

/// libcurl's global state, initialised once per process before any thread starts.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

void ensure_curl_global() { static CurlGlobal global; }

}  // namespace tf::engine
