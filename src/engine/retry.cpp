#include "engine/retry.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>

namespace tf::engine {

ErrorKind classify(int curl_code, int http_status) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_OK:
      if (http_status >= 500)
        return ErrorKind::http_5xx;
      if (http_status >= 400)
        return ErrorKind::http_4xx;
      if (http_status >= 300)
        return ErrorKind::redirect;  // never followed, never success
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

bool RetryBudget::try_retry(SteadyTime now) {
  const auto totals = m_window.totals(now);
  const double allowed =
    std::max(static_cast<double>(m_floor), std::floor(m_share * static_cast<double>(totals.requests)));
  if (static_cast<double>(totals.retries) + 1.0 > allowed) {
    return false;
  }
  m_window.add(now, 0, 0, 1);
  return true;
}

bool is_failure(const AttemptResult& result) {
  switch (result.error) {
    case ErrorKind::none:
    case ErrorKind::bulk_invalid: return false;
    case ErrorKind::http_4xx: return result.status == 408 || result.status == 429;
    default: return true;
  }
}

bool may_be_recorded(const AttemptResult& result) {
  if (result.resends > 0 && result.error != ErrorKind::none) {
    return true;  // the answer is the resend's: the first send may have been recorded
  }
  switch (result.error) {
    case ErrorKind::timeout:
    case ErrorKind::reset:
    case ErrorKind::other: return result.status == 0 && result.request_sent;
    default: return false;
  }
}

bool is_retryable(const AttemptResult& result) {
  return is_failure(result) && result.error != ErrorKind::redirect && !may_be_recorded(result);
}

bool is_refusal(const AttemptResult& r) { return r.error == ErrorKind::http_4xx && !is_failure(r); }

Decision decide_attempt(const AttemptResult& r, const RetryPolicy& policy, int attempts) {
  if (r.error == ErrorKind::none) {
    return Decision::ack;
  }
  if (is_refusal(r)) {
    return may_be_recorded(r) ? Decision::unconfirm : Decision::reject;
  }
  if (may_be_recorded(r) && !policy.retry_unconfirmed) {
    return Decision::unconfirm;  // never resent blindly: Matomo may have recorded it
  }
  if ((is_retryable(r) || may_be_recorded(r)) && attempts <= policy.max_retries) {
    return Decision::retry;
  }
  return may_be_recorded(r) ? Decision::unconfirm : Decision::fail;
}

Millis retry_delay(const RetryPolicy& policy, int attempts, const AttemptResult& result, Rng& rng) {
  if (result.retry_after && result.retry_after->count() > 0) {
    return std::min(*result.retry_after, policy.retry_after_cap);
  }
  const double base = static_cast<double>(policy.backoff.count()) * std::ldexp(1.0, std::max(0, attempts - 1));
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double factor = 1.0 + (jitter > 0.0 ? rng.uniform(-jitter, jitter) : 0.0);
  return Millis{static_cast<long long>(std::llround(base * factor))};
}

}  // namespace tf::engine
