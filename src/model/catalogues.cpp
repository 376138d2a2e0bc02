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
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Device::desktop, 120},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", Device::desktop, 60},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36", Device::desktop, 25},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Device::desktop, 45},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Device::desktop, 12},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", Device::desktop, 50},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0", Device::desktop, 15},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", Device::desktop, 5},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 25},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0", Device::desktop, 8},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 6},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", Device::desktop, 6},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", Device::desktop, 3},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", Device::desktop, 30},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15", Device::desktop, 10},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", Device::mobile, 110},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", Device::mobile, 45},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", Device::mobile, 15},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", Device::mobile, 140},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36", Device::mobile, 40},
    {"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", Device::mobile, 35},
    {"Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", Device::mobile, 20},
    {"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", Device::mobile, 8},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0", Device::mobile, 5},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15", Device::mobile, 4},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 EdgiOS/131.0.2903.68 Mobile/15E148 Safari/605.1.15", Device::mobile, 3},
    {"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", Device::tablet, 30},
    {"Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", Device::tablet, 10},
    {"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Device::tablet, 12},
    {"Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36", Device::tablet, 8},
    {"Mozilla/5.0 (Linux; Android 13; Lenovo TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Device::tablet, 5},
    {"Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0", Device::tablet, 2},
}};

constexpr std::array<sv, 8> k_desktop_res{"1920x1080", "1366x768", "1536x864", "1440x900",
                                          "2560x1440", "1280x720", "1680x1050", "1600x900"};
constexpr std::array<sv, 8> k_mobile_res{"390x844", "393x873", "412x915", "360x800",
                                         "375x667", "414x896", "430x932", "360x780"};
constexpr std::array<sv, 6> k_tablet_res{"810x1080", "820x1180", "768x1024", "800x1280",
                                         "1024x1366", "834x1194"};

// Country buckets (predecessor §2.5). 74.125.0.0/16 is dropped from the US list: it is a
// Google bot range Matomo excludes (matomo-tracking.md §1.3); 1.202.218.8 is skipped at draw.
constexpr std::array<Cidr, 7> k_us{{{net(173, 252), 16}, {net(208, 67), 16}, {net(192, 30, 252), 22},
                                    {net(199, 232), 16}, {net(23), 8}, {net(104, 16), 12}, {net(142, 250), 15}}};
constexpr std::array<Cidr, 6> k_de{{{net(78, 46), 15}, {net(5, 9), 16}, {net(136, 243), 16},
                                    {net(88, 198), 16}, {net(46, 4), 16}, {net(80, 156), 16}}};
constexpr std::array<Cidr, 5> k_gb{{{net(51, 140), 14}, {net(185, 40), 16}, {net(86, 0), 12},
                                    {net(109, 144), 14}, {net(2, 96), 11}}};
constexpr std::array<Cidr, 4> k_ca{{{net(142), 8}, {net(206, 47), 16}, {net(24, 0), 13}, {net(99, 224), 11}}};
constexpr std::array<Cidr, 4> k_fr{{{net(163, 172), 16}, {net(51, 15), 16}, {net(212, 129), 16}, {net(90), 9}}};
constexpr std::array<Cidr, 4> k_au{{{net(203), 8}, {net(144, 132), 16}, {net(101, 160), 11}, {net(180, 150), 15}}};
constexpr std::array<Cidr, 4> k_nl{{{net(185, 3), 16}, {net(146, 185), 16}, {net(31, 220), 16}, {net(213, 154), 16}}};
constexpr std::array<Cidr, 3> k_jp{{{net(103, 4), 14}, {net(210), 7}, {net(133), 8}}};
constexpr std::array<Cidr, 3> k_se{{{net(194, 47), 16}, {net(81, 230), 16}, {net(78, 72), 15}}};
constexpr std::array<Cidr, 3> k_br{{{net(200), 7}, {net(177), 8}, {net(191), 8}}};
constexpr std::array<Cidr, 8> k_other{{{net(85), 8}, {net(195), 8}, {net(62), 8}, {net(91), 8},
                                       {net(41), 8}, {net(1), 8}, {net(27), 8}, {net(36), 8}}};

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
constexpr std::array<sv, 6> k_lang_other{"en-US,en;q=0.9", "es-ES,es;q=0.9,en;q=0.8", "it-IT,it;q=0.9",
                                         "pl-PL,pl;q=0.9,en;q=0.8", "tr-TR,tr;q=0.9", "zh-CN,zh;q=0.9"};

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
constexpr std::array<sv, 6> k_tz_other{"America/New_York", "Europe/Madrid", "Europe/Rome",
                                       "Europe/Warsaw", "Europe/Istanbul", "Asia/Shanghai"};  // per k_lang_other

const std::array<Country, 11> k_countries{{
    {"us", 0.35, k_us, k_lang_us, k_tz_us}, {"de", 0.10, k_de, k_lang_de, k_tz_de},
    {"gb", 0.08, k_gb, k_lang_gb, k_tz_gb}, {"ca", 0.06, k_ca, k_lang_ca, k_tz_ca},
    {"fr", 0.06, k_fr, k_lang_fr, k_tz_fr}, {"au", 0.05, k_au, k_lang_au, k_tz_au},
    {"nl", 0.05, k_nl, k_lang_nl, k_tz_nl}, {"jp", 0.04, k_jp, k_lang_jp, k_tz_jp},
    {"se", 0.03, k_se, k_lang_se, k_tz_se}, {"br", 0.03, k_br, k_lang_br, k_tz_br},
    {"", 0.15, k_other, k_lang_other, k_tz_other},
}};

// Keywords visitors typed into a search engine before landing on the shop ('+' for spaces).
constexpr std::array<sv, 12> k_engine_keywords{
    "running+shoes", "rain+jacket+men", "yoga+mat", "camping+tent+2+person", "kitchen+knife+set",
    "garden+hose+25m", "wireless+earbuds", "wool+socks", "cycling+helmet", "led+desk+lamp",
    "summer+dress", "outdoor+shop"};

constexpr std::array<sv, 37> k_search_terms{
    "product", "service", "contact", "about", "help", "support", "pricing", "features",
    "login", "register", "download", "documentation", "tutorial", "guide", "faq", "news",
    "blog", "updates", "announcement", "release", "version", "security", "privacy", "terms",
    "policy", "legal", "careers", "jobs", "team", "company", "analytics", "tracking",
    "dashboard", "report", "statistics", "metrics", "data"};

constexpr std::array<sv, 3> k_search_categories{"Products", "Support", "Documentation"};

constexpr std::array<sv, 25> k_outlinks{
    "https://github.com", "https://stackoverflow.com", "https://developer.mozilla.org",
    "https://www.w3.org", "https://nodejs.org", "https://reactjs.org", "https://vuejs.org",
    "https://angular.io", "https://jquery.com", "https://bootstrap.getbootstrap.com",
    "https://tailwindcss.com", "https://fontawesome.com", "https://unsplash.com",
    "https://fonts.google.com", "https://codepen.io", "https://jsfiddle.net", "https://wikipedia.org",
    "https://youtube.com", "https://twitter.com", "https://linkedin.com", "https://facebook.com",
    "https://instagram.com", "https://reddit.com", "https://medium.com", "https://dev.to"};

constexpr std::array<sv, 20> k_downloads{
    "/downloads/user-manual.pdf", "/downloads/getting-started-guide.pdf",
    "/downloads/api-documentation.pdf", "/downloads/whitepaper.pdf", "/downloads/case-study.pdf",
    "/downloads/technical-specs.pdf", "/downloads/software-v2.1.0.zip", "/downloads/mobile-app.apk",
    "/downloads/template.docx", "/downloads/configuration.json", "/downloads/installer.exe",
    "/downloads/source-code.zip", "/files/product-brochure.pdf", "/files/pricing-sheet.pdf",
    "/files/dataset.csv", "/files/report-2024.xlsx", "/files/backup.tar.gz",
    "/assets/company-presentation.pptx", "/assets/logo-pack.zip", "/assets/images.zip"};

constexpr std::array<EventEntry, 16> k_click_events{{
    {"Navigation", "Menu Click", "Main Menu", -1}, {"Navigation", "Button Click", "Get Started", -1},
    {"Navigation", "Link Click", "Learn More", -1}, {"UI", "Tab Click", "Product Features", -1},
    {"UI", "Accordion Click", "FAQ Section", -1}, {"UI", "Modal Open", "Contact Form", -1},
    {"UI", "Image Click", "Product Gallery", -1}, {"Social", "Share Click", "Twitter Share", -1},
    {"Social", "Share Click", "Facebook Share", -1}, {"Social", "Like Click", "Article Like", -1},
    {"Form", "Submit", "Newsletter Signup", -1}, {"Form", "Focus", "Search Input", -1},
    {"Video", "Play", "Tutorial Video", -1}, {"Video", "Pause", "Product Demo", -1},
    {"CTA", "Click", "Free Trial", -1}, {"CTA", "Click", "Request Quote", -1},
}};

constexpr std::array<EventEntry, 16> k_random_events{{
    {"Engagement", "Scroll", "Page Bottom", 100}, {"Engagement", "Time on Page", "Long Read", 300},
    {"Performance", "Load Time", "Page Load", 1200}, {"Error", "404 Error", "Broken Link", -1},
    {"Error", "Form Error", "Validation Failed", -1}, {"Feature", "Tool Usage", "Calculator", 1},
    {"Feature", "Filter Applied", "Product Filter", -1}, {"Feature", "Sort Applied", "Price Sort", -1},
    {"Content", "Print", "Article Print", -1}, {"Content", "Bookmark", "Page Bookmark", -1},
    {"Mobile", "Swipe", "Image Gallery", -1}, {"Mobile", "Tap", "Phone Number", -1},
    {"Analytics", "Conversion", "Goal Complete", 50}, {"Analytics", "Exit Intent", "Modal Trigger", -1},
    {"User", "Login", "User Login", -1}, {"User", "Logout", "User Logout", -1},
}};

constexpr std::array<Product, 50> k_products{{
    {"PHONE-001", "Smartphone Pro", "Electronics", 89999}, {"PHONE-002", "Smartphone Lite", "Electronics", 39999},
    {"LAPTOP-003", "Laptop Ultra 14", "Electronics", 129999}, {"LAPTOP-004", "Laptop Air 13", "Electronics", 89999},
    {"TABLET-005", "Tablet 11", "Electronics", 49999}, {"AUDIO-006", "Wireless Earbuds", "Electronics", 12999},
    {"AUDIO-007", "Noise Cancelling Headphones", "Electronics", 29999}, {"WATCH-008", "Smart Watch", "Electronics", 24999},
    {"CAM-009", "Action Camera", "Electronics", 19999}, {"CHARGER-010", "USB-C Charger", "Electronics", 8999},
    {"SHIRT-001", "Cotton T-Shirt", "Clothing", 1999}, {"SHIRT-002", "Oxford Shirt", "Clothing", 4999},
    {"JEANS-003", "Slim Jeans", "Clothing", 6999}, {"JACKET-004", "Rain Jacket", "Clothing", 12999},
    {"HOODIE-005", "Zip Hoodie", "Clothing", 5999}, {"DRESS-006", "Summer Dress", "Clothing", 7999},
    {"SHOES-007", "Running Shoes", "Clothing", 11999}, {"SOCKS-008", "Wool Socks", "Clothing", 1999},
    {"CAP-009", "Baseball Cap", "Clothing", 2499}, {"SCARF-010", "Knit Scarf", "Clothing", 2999},
    {"BOOK-001", "Web Analytics 101", "Books", 2999}, {"BOOK-002", "Privacy by Design", "Books", 3999},
    {"BOOK-003", "Data Visualisation", "Books", 4999}, {"BOOK-004", "Pocket Statistics", "Books", 799},
    {"BOOK-005", "SQL Cookbook", "Books", 4499}, {"BOOK-006", "The Growth Handbook", "Books", 2499},
    {"BOOK-007", "Modern C++", "Books", 5999}, {"BOOK-008", "Marketing Metrics", "Books", 3499},
    {"BOOK-009", "Encyclopedia of Data", "Books", 8999}, {"BOOK-010", "Short Stories", "Books", 1299},
    {"HOME-001", "Ceramic Planter", "Home & Garden", 2499}, {"HOME-002", "Garden Hose 25 m", "Home & Garden", 4999},
    {"HOME-003", "LED Desk Lamp", "Home & Garden", 3999}, {"HOME-004", "Cordless Drill", "Home & Garden", 12999},
    {"HOME-005", "Patio Chair", "Home & Garden", 8999}, {"HOME-006", "Throw Blanket", "Home & Garden", 3499},
    {"HOME-007", "Kitchen Knife Set", "Home & Garden", 9999}, {"HOME-008", "Robot Lawn Mower", "Home & Garden", 19999},
    {"HOME-009", "Herb Seeds Kit", "Home & Garden", 2999}, {"HOME-010", "Wall Clock", "Home & Garden", 3999},
    {"SPORT-001", "Yoga Mat", "Sports", 2999}, {"SPORT-002", "Dumbbell Set", "Sports", 8999},
    {"SPORT-003", "Football", "Sports", 2499}, {"SPORT-004", "Tennis Racket", "Sports", 11999},
    {"SPORT-005", "Cycling Helmet", "Sports", 6999}, {"SPORT-006", "Water Bottle", "Sports", 1499},
    {"SPORT-007", "Resistance Bands", "Sports", 1999}, {"SPORT-008", "Running Belt", "Sports", 2299},
    {"SPORT-009", "Camping Tent", "Sports", 14999}, {"SPORT-010", "Jump Rope", "Sports", 1599},
}};

constexpr std::array<ContentBlock, 6> k_content{{
    {"Hero Banner", "/img/banners/spring-sale.jpg", "/sale"},
    {"Hero Banner", "/img/banners/new-arrivals.jpg", "/new"},
    {"Newsletter Signup", "Get 10 % off your first order", "/newsletter"},
    {"Free Shipping Bar", "Free shipping over 50", "/shipping"},
    {"Recommended Products", "/img/recommended/outdoor.jpg", "/products/sport-009"},
    {"Customer Reviews", "Rated 4.7 by 2,300 customers", "/reviews"},
}};

constexpr std::array<sv, 6> k_campaigns{"spring_sale", "newsletter_weekly", "black_friday",
                                        "product_launch", "retargeting", "partner_promo"};
constexpr std::array<sv, 6> k_campaign_keywords{"analytics", "privacy", "discount",
                                                "free_trial", "webinar", "ebook"};

} // namespace

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
std::span<const std::string_view> engine_keywords() { return k_engine_keywords; }
std::span<const std::string_view> search_terms() { return k_search_terms; }
std::span<const std::string_view> search_categories() { return k_search_categories; }
std::span<const std::string_view> outlinks() { return k_outlinks; }
std::span<const std::string_view> download_paths() { return k_downloads; }
std::span<const EventEntry> click_events() { return k_click_events; }
std::span<const EventEntry> random_events() { return k_random_events; }
std::span<const Product> products() { return k_products; }
std::span<const ContentBlock> content_blocks() { return k_content; }
std::span<const std::string_view> campaigns() { return k_campaigns; }
std::span<const std::string_view> campaign_keywords() { return k_campaign_keywords; }

} // namespace tf::model
