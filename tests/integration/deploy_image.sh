#!/usr/bin/env bash
# The container image's recipe, checked without building it (building takes longer than CI can
# spend: deploy/kubernetes/README.md has the measured time; tools/image.sh builds and smoke-tests
# it): shellcheck passes on tools/image.sh and tools/shards.sh; deploy/Dockerfile is multi-stage
# on a Debian 12 base, builds with tools/setup.sh and the release preset, installs the binary,
# the man page and the presets, runs as a non-root user, and its runtime stage installs the
# Debian package of every shared library the binary needs; tools/image.sh makes the base with
# debootstrap and podman import, builds with --isolation=chroot and default_ulimits = [], and
# smoke-tests through podman image mount + chroot.
source "$(dirname "$0")/lib.sh"
need_tools
command -v shellcheck >/dev/null || fail "shellcheck is required (apt-get install shellcheck)"
docker=$TF_SOURCE_DIR/deploy/Dockerfile
image=$TF_SOURCE_DIR/tools/image.sh

for script in tools/image.sh tools/shards.sh; do
  check "shellcheck $script" "" "$(shellcheck "$TF_SOURCE_DIR/$script" 2>&1)"
done

has() {  # has FILE DESCRIPTION EXTENDED_REGEX: one check that FILE has a line matching it
  check "${1##*/}: $2" "yes" "$(grep -Eq -- "$3" "$1" && echo yes || echo no)"
}
check "Dockerfile: two stages" "2" "$(grep -c '^FROM ' "$docker")"
has "$docker" "Debian 12 base" '^ARG BASE=.*debian:(bookworm|12)'
has "$docker" "build stage from the base" '^FROM \$\{BASE\} AS build$'
has "$docker" "runtime stage from the base" '^FROM \$\{BASE\}$'
has "$docker" "tools/setup.sh as in CI" '^RUN /src/tools/setup.sh'
has "$docker" "the release preset" 'cmake --preset release'
has "$docker" "cmake --install (binary and man page)" 'cmake --install build/release'
has "$docker" "the presets" 'cp -r presets /out/usr/local/share/trafficinator/presets'
has "$docker" "a non-root user" '^USER 10001:10001$'
has "$docker" "the user is created" 'useradd --system --uid 10001'
has "$docker" "entrypoint" '^ENTRYPOINT \["/usr/local/bin/trafficinator"\]$'
check "Dockerfile: the binary comes from the build stage" "1" "$(grep -c '^COPY --from=build /out/usr/local/ /usr/local/$' "$docker")"

# every shared library the binary needs comes from a package the runtime stage installs (or the
# Debian base has); sanitizer runtimes exist only in the test build, mimalloc only in release
runtime=$(sed -n '/^FROM \${BASE}$/,$p' "$docker" | grep -o 'apt-get install [^\\]*' | tr ' ' '\n')
base_packages="libc6 libstdc++6 libgcc-s1 zlib1g"
missing=""
for lib in $(readelf -d "$TF_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  case $lib in libasan* | libubsan* | ld-linux*) continue ;; esac
  path=$(ldd "$TF_BIN" | awk -v l="$lib" '$1 == l {print $3}')
  package=$( (dpkg -S "$path" || dpkg -S "$(realpath "$path")") 2>/dev/null | head -1 | cut -d: -f1)
  [[ -n "$package" ]] || { missing+=" $lib(no package)"; continue; }
  grep -qx "$package" <<<"$runtime" || [[ " $base_packages " == *" $package "* ]] || missing+=" $lib($package)"
done
check "Dockerfile: runtime packages cover the binary's libraries" "" "$missing"
check "Dockerfile: mimalloc (release allocator) installed" "1" "$(grep -cx libmimalloc2.0 <<<"$runtime")"

has "$image" "debootstrap base" 'debootstrap --variant=minbase bookworm'
has "$image" "podman import" 'podman import'
has "$image" "chroot isolation" 'podman build --isolation=chroot'
has "$image" "containers.conf without default ulimits" "default_ulimits = \[\]"
has "$image" "CONTAINERS_CONF" '^export CONTAINERS_CONF='
has "$image" "a clean tree of HEAD" 'git archive --format=tar HEAD'
has "$image" "podman image mount" 'podman image mount'
has "$image" "smoke: --version as the image's user" 'chroot --userspec="\$uid" "\$mnt" /usr/local/bin/trafficinator --version'
has "$image" "smoke: presets" 'trafficinator presets'
finish
