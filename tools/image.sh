#!/usr/bin/env bash
# tools/image.sh [TAG]: builds the container image of deploy/Dockerfile with podman and
# smoke-tests it, on a machine that can reach Debian's package mirror but no container registry
# and cannot run containers (podman 4.3 on Debian 12: "cgroups in hybrid mode"):
# 1. the base image: BASE if set, else localhost/trafficinator-base:bookworm, made once with
#    `debootstrap --variant=minbase bookworm` (Debian's own packages) and `podman import`;
# 2. `podman build --isolation=chroot` with CONTAINERS_CONF pointing at a containers.conf with
#    `default_ulimits = []`, from a clean `git archive HEAD` (committed files only, no build/);
# 3. the smoke test without running a container: `podman image mount` and chroot into the image
#    as its non-root user: `trafficinator --version` and `trafficinator presets`.
# TAG defaults to localhost/trafficinator:VERSION. Needs root (debootstrap, chroot, image mount),
# podman, debootstrap and git. Prints the build time.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(trafficinator VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
tag=${1:-localhost/trafficinator:${version:-dev}}
base=${BASE:-localhost/trafficinator-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in podman git chroot; do
  command -v "$tool" >/dev/null || { echo "image.sh: $tool is required (apt-get install podman)" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "image.sh: run as root (debootstrap, chroot and podman image mount need it)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tf-image.XXXXXX")
mounted=""
cleanup() {
  if [[ -n "$mounted" ]]; then
    podman image unmount "$tag" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# podman 4.3 on this machine class cannot set ulimits for a chroot build
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf

if ! podman image exists "$base"; then
  [[ -z "${BASE:-}" ]] || { echo "image.sh: base image $base not found" >&2; exit 2; }
  command -v debootstrap >/dev/null || { echo "image.sh: debootstrap is required (apt-get install debootstrap)" >&2; exit 2; }
  echo "image.sh: making the base image $base with debootstrap from $mirror"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 3; }
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/archives/"*.deb
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$work/rootfs"
fi

mkdir "$work/context"
git archive --format=tar HEAD | tar -x -C "$work/context"
start=$(date +%s)
podman build --isolation=chroot --build-arg "BASE=$base" -f "$work/context/deploy/Dockerfile" -t "$tag" "$work/context"
echo "image.sh: built $tag in $(($(date +%s) - start)) s"

mnt=$(podman image mount "$tag")
mounted=yes
uid=$(podman image inspect --format '{{.Config.User}}' "$tag")
[[ "$uid" == 10001:10001 ]] || { echo "image.sh: expected USER 10001:10001, found '$uid'" >&2; exit 1; }
got=$(chroot --userspec="$uid" "$mnt" /usr/local/bin/trafficinator --version)
[[ "$got" == "trafficinator $version" ]] || { echo "image.sh: --version: expected 'trafficinator $version', found '$got'" >&2; exit 1; }
chroot --userspec="$uid" "$mnt" /usr/local/bin/trafficinator presets | head -1 | grep -qw smoke ||
  { echo "image.sh: 'presets' does not list smoke" >&2; exit 1; }
for f in /usr/local/share/man/man1/trafficinator.1 /usr/local/share/trafficinator/presets/smoke.env; do
  [[ -s "$mnt$f" ]] || { echo "image.sh: $f missing from the image" >&2; exit 1; }
done
echo "image.sh: smoke test passed: $got, presets listed, man page and presets present, user $uid"
echo "image.sh: $(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1 / 1e6}')"
