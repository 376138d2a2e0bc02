#!/usr/bin/env bash
# Site profiles (issue 16): `run --site-profile blog` against the strict mock has zero violations,
# every hit acked, the bracket holds, and everything the mock stored is of the blog: its pages
# (blog.example.test), its products (presets/profiles/blog.tsv), its landing referrers
# (blog.referrers.tsv). URLS_FILE replaces only the pages; an unknown profile is a usage error
# (exit 2) listing the profiles.
source "$(dirname "$0")/lib.sh"
need_tools
profiles=$TF_SOURCE_DIR/presets/profiles

ECOMMERCE_PROBABILITY=0.5 CART_UPDATE_PROBABILITY=0.5 run_paced blog 40 80 --preset medium --site-profile blog
assert_bracket "$TF_WORK/blog.json"
curl -s --max-time 30 "$MOCK_BASE/mock/hits" >"$TF_WORK/blog.hits"
check "blog: every stored hit is a blog page" "0" \
  "$(jq -s '[.[] | select(.params.url | startswith("https://blog.example.test/") | not)] | length' "$TF_WORK/blog.hits")"
awk -F'\t' '$1 == "product" { print $2 }' "$profiles/blog.tsv" | jq -R . | jq -s . >"$TF_WORK/blog.skus"
check "blog: orders and carts arrived" "true" \
  "$(jq -s '[.[] | select(.params.ec_items != null)] | length > 0' "$TF_WORK/blog.hits")"
check "blog: every SKU sent (ec_items, _pks) is a blog product" "0" \
  "$(jq -s --slurpfile skus "$TF_WORK/blog.skus" '[.[] | ((.params.ec_items // [] | if type == "string" then fromjson else . end | map(.[0]))
     + [.params._pks // empty]) | .[] | select(IN($skus[0][]) | not)] | length' "$TF_WORK/blog.hits")"
awk -F'\t' '$1 ~ /^(search|social|website)$/ { print $2 }' "$profiles/blog.referrers.tsv" \
  | sed -E 's#^(https?://[^/?]*).*#\1#' | jq -R . | jq -s . >"$TF_WORK/blog.referrers"
check "blog: landing referrers arrived" "true" \
  "$(jq -s '[.[] | select(.params.new_visit == "1" and .params.urlref != null)] | length > 0' "$TF_WORK/blog.hits")"
check "blog: every landing referrer is the blog's" "0" \
  "$(jq -s --slurpfile hosts "$TF_WORK/blog.referrers" '[.[] | select(.params.new_visit == "1" and .params.urlref != null)
     | .params.urlref | capture("^(?<o>https?://[^/?]*)").o | select(IN($hosts[0][]) | not)] | length' "$TF_WORK/blog.hits")"
stop_mock

# URLS_FILE replaces the pages only: the pages are the file's, the products still the blog's
printf 'https://cook.example.test/  Home\nhttps://cook.example.test/soup  Soup\n' >"$TF_WORK/urls.txt"
URLS_FILE=$TF_WORK/urls.txt ECOMMERCE_PROBABILITY=1 run_tf urls generate --seed 3 --visits 40 --site-profile blog
check "urls: generate exit code" "0" "$RUN_RC"
check "urls: every page from URLS_FILE" "0" \
  "$(jq -s '[.[] | select(.params.url | startswith("https://cook.example.test/") | not)] | length' "$TF_WORK/urls.out")"
check "urls: products still the blog's" "0" \
  "$(jq -s --slurpfile skus "$TF_WORK/blog.skus" '[.[] | (.params.ec_items // [] | if type == "string" then fromjson else . end | map(.[0])) | .[]
     | select(IN($skus[0][]) | not)] | length' "$TF_WORK/urls.out")"

run_tf unknown generate --seed 3 --visits 1 --site-profile news
check "unknown profile: exit code 2" "2" "$RUN_RC"
check "unknown profile: the error lists the profiles" "1" \
  "$(grep -c 'SITE_PROFILE: expected one of shop|blog|docs|saas, found "news"' "$TF_WORK/unknown.err" || true)"
finish
