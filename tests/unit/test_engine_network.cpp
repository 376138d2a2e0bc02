#include <catch2/catch.hpp>

#include "engine/curl_network.hpp"

using namespace tf::engine;

TEST_CASE("a failed transfer's error text adds curl's error buffer: why TLS failed", "[engine]") {
  CHECK(transfer_error_text(CURLE_PEER_FAILED_VERIFICATION,
                            "SSL: no alternative certificate subject name matches target host name 'wrong.test'", 0) ==
        "SSL peer certificate or SSH remote key was not OK: SSL: no alternative certificate subject name matches "
        "target host name 'wrong.test'");
  CHECK(transfer_error_text(CURLE_COULDNT_CONNECT, "", 0) == "Couldn't connect to server");
  CHECK(transfer_error_text(CURLE_PEER_FAILED_VERIFICATION, "", 19) ==
        "SSL peer certificate or SSH remote key was not OK: certificate verification failed (OpenSSL X509 verify "
        "result 19)");
  CHECK(transfer_error_text(CURLE_SSL_CONNECT_ERROR, "SSL connect error\n", 0) == "SSL connect error");
}

TEST_CASE("a receive error that is a TLS alert from the peer is tls; other resets stay resets", "[engine]") {
  CHECK(
    classify_transfer(CURLE_RECV_ERROR, 0,
                      "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0") ==
    ErrorKind::tls);
  CHECK(classify_transfer(CURLE_RECV_ERROR, 0,
                          "OpenSSL SSL_read: error:0A000126:SSL routines::unexpected eof while reading, errno 0") ==
        ErrorKind::reset);
  CHECK(classify_transfer(CURLE_RECV_ERROR, 0, "Connection reset by peer") == ErrorKind::reset);
  CHECK(classify_transfer(CURLE_PEER_FAILED_VERIFICATION, 0, "") == ErrorKind::tls);
  CHECK(classify_transfer(CURLE_SSL_CERTPROBLEM, 0, "") == ErrorKind::tls);
}
