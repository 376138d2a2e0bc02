#include "model/catalogues.hpp"

#include <array>

namespace tf::model {
namespace {

using sv = std::string_view;

constexpr std::uint32_t net(std::uint32_t a, std::uint32_t b = 0, std::uint32_t c = 0) {
  return (a << 24U) | (b << 16U) | (c << 8U);
}

// Weights are rough 2025 shares (desktop ≈ 45 %, mobile ≈ 48 %, tablet ≈ 7 %).
constexpr std::array<UserAgent, 32> k_user_agents{{
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
   Device::desktop, 120},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
   Device::desktop, 60},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
   Device::desktop, 25},
  {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
   "Safari/537.36",
   Device::desktop, 45},
  {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
   Device::desktop, 12},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 "
   "Edg/131.0.0.0",
   Device::desktop, 50},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 "
   "Edg/130.0.0.0",
   Device::desktop, 15},
  {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
   "Safari/537.36 Edg/131.0.0.0",
   Device::desktop, 5},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 25},
  {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0", Device::desktop, 8},
  {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 6},
  {"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 6},
  {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", Device::desktop, 3},
  {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
   "Safari/605.1.15",
   Device::desktop, 30},
  {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
   "Safari/605.1.15",
   Device::desktop, 10},
  {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
   "Mobile/15E148 Safari/604.1",
   Device::mobile, 110},
  {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
   "Mobile/15E148 Safari/604.1",
   Device::mobile, 45},
  {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
   "CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
   Device::mobile, 15},
  {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
   Device::mobile, 140},
  {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
   Device::mobile, 40},
  {"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 "
   "Chrome/122.0.0.0 Mobile Safari/537.36",
   Device::mobile, 35},
  {"Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
   "Chrome/121.0.0.0 Mobile Safari/537.36",
   Device::mobile, 20},
  {"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", Device::mobile, 8},
  {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 "
   "EdgA/131.0.0.0",
   Device::mobile, 5},
  {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 "
   "Mobile/15E148 Safari/605.1.15",
   Device::mobile, 4},
  {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 "
   "EdgiOS/131.0.2903.68 Mobile/15E148 Safari/605.1.15",
   Device::mobile, 3},
  {"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 "
   "Safari/604.1",
   Device::tablet, 30},
  {"Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 "
   "Safari/604.1",
   Device::tablet, 10},
  {"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
   Device::tablet, 12},
  {"Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
   "Chrome/121.0.0.0 Safari/537.36",
   Device::tablet, 8},
  {"Mozilla/5.0 (Linux; Android 13; Lenovo TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
   "Safari/537.36",
   Device::tablet, 5},
  {"Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0", Device::tablet, 2},
}};

constexpr std::array<sv, 8> k_desktop_res{"1920x1080", "1366x768", "1536x864",  "1440x900",
                                          "2560x1440", "1280x720", "1680x1050", "1600x900"};
constexpr std::array<sv, 8> k_mobile_res{"390x844", "393x873", "412x915", "360x800",
                                         "375x667", "414x896", "430x932", "360x780"};
constexpr std::array<sv, 6> k_tablet_res{"810x1080", "820x1180", "768x1024", "800x1280", "1024x1366", "834x1194"};

// Country buckets (predecessor §2.5). 74.125.0.0/16 is dropped from the US list: it is a
// Google bot range Matomo excludes (matomo-tracking.md §1.3); 1.202.218.8 is skipped at draw.
constexpr std::array<Cidr, 7> k_us{{{net(173, 252), 16},
                                    {net(208, 67), 16},
                                    {net(192, 30, 252), 22},
                                    {net(199, 232), 16},
                                    {net(23), 8},
                                    {net(104, 16), 12},
                                    {net(142, 250), 15}}};
constexpr std::array<Cidr, 6> k_de{
  {{net(78, 46), 15}, {net(5, 9), 16}, {net(136, 243), 16}, {net(88, 198), 16}, {net(46, 4), 16}, {net(80, 156), 16}}};
constexpr std::array<Cidr, 5> k_gb{
  {{net(51, 140), 14}, {net(185, 40), 16}, {net(86, 0), 12}, {net(109, 144), 14}, {net(2, 96), 11}}};
constexpr std::array<Cidr, 4> k_ca{{{net(142), 8}, {net(206, 47), 16}, {net(24, 0), 13}, {net(99, 224), 11}}};
constexpr std::array<Cidr, 4> k_fr{{{net(163, 172), 16}, {net(51, 15), 16}, {net(212, 129), 16}, {net(90), 9}}};
constexpr std::array<Cidr, 4> k_au{{{net(203), 8}, {net(144, 132), 16}, {net(101, 160), 11}, {net(180, 150), 15}}};
constexpr std::array<Cidr, 4> k_nl{{{net(185, 3), 16}, {net(146, 185), 16}, {net(31, 220), 16}, {net(213, 154), 16}}};
constexpr std::array<Cidr, 3> k_jp{{{net(103, 4), 14}, {net(210), 7}, {net(133), 8}}};
constexpr std::array<Cidr, 3> k_se{{{net(194, 47), 16}, {net(81, 230), 16}, {net(78, 72), 15}}};
constexpr std::array<Cidr, 3> k_br{{{net(200), 7}, {net(177), 8}, {net(191), 8}}};
constexpr std::array<Cidr, 8> k_other{
  {{net(85), 8}, {net(195), 8}, {net(62), 8}, {net(91), 8}, {net(41), 8}, {net(1), 8}, {net(27), 8}, {net(36), 8}}};

constexpr std::array<sv, 2> k_lang_us{"en-US,en;q=0.9", "en-US,en;q=0.9,es;q=0.8"};
constexpr std::array<sv, 2> k_lang_de{"de-DE,de;q=0.9,en;q=0.8", "de-DE,de;q=0.9"};
constexpr std::array<sv, 1> k_lang_gb{"en-GB,en;q=0.9"};
constexpr std::array<sv, 2> k_lang_ca{"en-CA,en;q=0.9", "fr-CA,fr;q=0.9,en;q=0.8"};
constexpr std::array<sv, 2> k_lang_fr{"fr-FR,fr;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9"};
constexpr std::array<sv, 1> k_lang_au{"en-AU,en;q=0.9"};
constexpr std::array<sv, 2> k_lang_nl{"nl-NL,nl;q=0.9,en;q=0.8", "nl-NL,nl;q=0.9"};
constexpr std::array<sv, 1> k_lang_jp{"ja-JP,ja;q=0.9,en;q=0.8"};
constexpr std::array<sv, 2> k_lang_se{"sv-SE,sv;q=0.9,en;q=0.8", "sv-SE,sv;q=0.9"};
constexpr std::array<sv, 1> k_lang_br{"pt-BR,pt;q=0.9,en;q=0.8"};
constexpr std::array<sv, 6> k_lang_other{"en-US,en;q=0.9",          "es-ES,es;q=0.9,en;q=0.8", "it-IT,it;q=0.9",
                                         "pl-PL,pl;q=0.9,en;q=0.8", "tr-TR,tr;q=0.9",          "zh-CN,zh;q=0.9"};

constexpr std::array<sv, 4> k_tz_us{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"};
constexpr std::array<sv, 1> k_tz_de{"Europe/Berlin"};
constexpr std::array<sv, 1> k_tz_gb{"Europe/London"};
constexpr std::array<sv, 3> k_tz_ca{"America/Toronto", "America/Winnipeg", "America/Vancouver"};
constexpr std::array<sv, 1> k_tz_fr{"Europe/Paris"};
constexpr std::array<sv, 3> k_tz_au{"Australia/Sydney", "Australia/Brisbane", "Australia/Perth"};
constexpr std::array<sv, 1> k_tz_nl{"Europe/Amsterdam"};
constexpr std::array<sv, 1> k_tz_jp{"Asia/Tokyo"};
constexpr std::array<sv, 1> k_tz_se{"Europe/Stockholm"};
constexpr std::array<sv, 2> k_tz_br{"America/Sao_Paulo", "America/Manaus"};
constexpr std::array<sv, 6> k_tz_other{"America/New_York", "Europe/Madrid",   "Europe/Rome",
                                       "Europe/Warsaw",    "Europe/Istanbul", "Asia/Shanghai"};  // per k_lang_other

const std::array<Country, 11> k_countries{{
  {"us", 0.35, k_us, k_lang_us, k_tz_us},
  {"de", 0.10, k_de, k_lang_de, k_tz_de},
  {"gb", 0.08, k_gb, k_lang_gb, k_tz_gb},
  {"ca", 0.06, k_ca, k_lang_ca, k_tz_ca},
  {"fr", 0.06, k_fr, k_lang_fr, k_tz_fr},
  {"au", 0.05, k_au, k_lang_au, k_tz_au},
  {"nl", 0.05, k_nl, k_lang_nl, k_tz_nl},
  {"jp", 0.04, k_jp, k_lang_jp, k_tz_jp},
  {"se", 0.03, k_se, k_lang_se, k_tz_se},
  {"br", 0.03, k_br, k_lang_br, k_tz_br},
  {"", 0.15, k_other, k_lang_other, k_tz_other},
}};

}  // namespace

std::span<const UserAgent> user_agents() { return k_user_agents; }

std::span<const std::string_view> resolutions(Device device) {
  switch (device) {
    case Device::mobile: return k_mobile_res;
    case Device::tablet: return k_tablet_res;
    case Device::desktop: break;
  }
  return k_desktop_res;
}

std::span<const Country> countries() { return k_countries; }

}  // namespace tf::model
