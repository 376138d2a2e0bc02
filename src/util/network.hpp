#pragma once
// How one target is reached over the network, shared by config (which reads it from settings and
// the targets JSON) and engine (which sets it on libcurl handles): curl's options of the same
// names. Empty fields: libcurl's default (system trust, no client certificate, direct).
#include <string>
#include <vector>

namespace tf {

struct NetworkOptions {
  std::string ca_bundle;  ///< PEM file of trusted CAs (CURLOPT_CAINFO)
  std::string ca_path;  ///< directory of hashed CA certificates (CURLOPT_CAPATH)
  std::string client_cert;  ///< PEM client certificate, mTLS (CURLOPT_SSLCERT)
  std::string client_key;  ///< its private key file (CURLOPT_SSLKEY; never read by us nor printed)
  std::string proxy;  ///< proxy URL (CURLOPT_PROXY); empty: none (see use_env_proxy)
  bool use_env_proxy = false;  ///< no proxy given: honour https_proxy/http_proxy/no_proxy
  std::vector<std::string> resolve;  ///< curl --resolve entries HOST:PORT:ADDR[,ADDR…]
  std::vector<std::string> connect_to;  ///< curl --connect-to entries HOST1:PORT1:HOST2:PORT2

  bool operator==(const NetworkOptions&) const = default;
};

}  // namespace tf
