#!/usr/bin/env bash
# Installs the real backends the test suite runs against (Prometheus, promtool, VictoriaMetrics, Python
# librouteros) into the git-ignored .tools/ folder, from Debian trixie packages.
#
# Nothing outside .tools/ is touched: apt runs with a private sources list, package lists, cache and dpkg
# status under .tools/apt, and each .deb is unpacked with `dpkg -x` into .tools/root (no maintainer scripts,
# no /usr, no system apt state). Needs only apt-get, dpkg-deb and flock (all part of every Debian system)
# and access to deb.debian.org through the machine's normal apt route (proxies in /etc/apt/apt.conf.d apply).
#
# Idempotent: a complete install (stamp file + binaries + python module) returns at once without network;
# downloaded .debs stay cached in .tools/debs, so rebuilding .tools/root needs no network either.
#
# Environment:
#   TOOLS_DIR      where to install (default: <repo>/.tools)
#   TOOLS_REFRESH  set to 1 to re-resolve the newest trixie versions and reinstall
#   TOOLS_MIRROR   Debian mirror (default: http://deb.debian.org/debian)
set -euo pipefail

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir=${TOOLS_DIR:-$repo_dir/.tools}
mirror=${TOOLS_MIRROR:-http://deb.debian.org/debian}
suite=trixie
# python3-toml: declared by python3-librouteros (Requires-Dist toml) although 3.4.1 never imports it; it is
# 16 kB, so take it rather than depend on an undeclared detail.
packages=(prometheus promtool victoria-metrics prometheus-node-exporter python3-librouteros python3-toml)
# Bump when the layout of .tools/root or the package list changes, so old installs are redone.
stamp_format=1

apt_dir=$tools_dir/apt
debs_dir=$tools_dir/debs
root_dir=$tools_dir/root
stamp=$tools_dir/installed.txt
python_dir=$root_dir/usr/lib/python3/dist-packages

log() { printf 'install-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for cmd in apt-get apt-cache dpkg-deb flock; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' not found; this script needs a Debian-based system"
done

is_complete() {
  [[ -f $stamp ]] && grep -qx "format=$stamp_format" "$stamp" &&
    [[ -x $root_dir/usr/bin/prometheus && -x $root_dir/usr/bin/promtool && -x $root_dir/usr/bin/victoria-metrics ]] &&
    [[ -x $root_dir/usr/bin/prometheus-node-exporter ]] &&
    [[ -f $python_dir/librouteros/__init__.py ]]
}

print_summary() {
  log "installed in $tools_dir/root:"
  grep -v '^format=' "$stamp" | sed 's/^/  /' >&2
  log "PYTHONPATH for librouteros: $python_dir"
}

mkdir -p "$tools_dir"
# Several test runners may start this at once: one installs, the others wait and then see a complete install.
exec 9>"$tools_dir/.lock"
flock 9

if [[ ${TOOLS_REFRESH:-0} != 1 ]] && is_complete; then
  print_summary
  exit 0
fi

started=$SECONDS

# The newest cached .deb of a package, or nothing.
cached_deb() {
  local found
  found=$(find "$debs_dir" -maxdepth 1 -name "${1}_*.deb" -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n1)
  printf '%s' "${found#* }"
}

need_download=0
mkdir -p "$debs_dir"
for pkg in "${packages[@]}"; do
  [[ -n $(cached_deb "$pkg") ]] || need_download=1
done
[[ ${TOOLS_REFRESH:-0} == 1 ]] && need_download=1

if [[ $need_download == 1 ]]; then
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/empty.d"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$mirror" "$suite" \
    >"$apt_dir/sources.list"
  : >"$apt_dir/status"
  : >"$apt_dir/preferences"
  # Private sources, lists, cache, status and pinning: the system's apt state is neither read nor written.
  # Sandbox::User=root because _apt cannot write into an arbitrary checkout (avoids the "unsandboxed" warning).
  apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/empty.d"
    -o "Dir::Etc::Preferences=$apt_dir/preferences"
    -o "Dir::Etc::PreferencesParts=$apt_dir/empty.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::State::Status=$apt_dir/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=root"
  )
  log "fetching the $suite package index from $mirror"
  apt-get "${apt_opts[@]}" -qq update ||
    die "apt-get update failed for $mirror $suite (no network, or /usr/share/keyrings/debian-archive-keyring.gpg lacks the trixie key?)"
  log "downloading ${packages[*]}"
  # apt-get download keeps a file that is already there with the right hash, so this only fetches what changed.
  (cd "$debs_dir" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}") ||
    die "apt-get download failed for ${packages[*]}"
  # Keep only the candidate version of each package so the cache does not grow with every point release.
  for pkg in "${packages[@]}"; do
    keep=$(cd "$debs_dir" && apt-get "${apt_opts[@]}" -qq --print-uris download "$pkg" | awk '{print $2}')
    [[ -n $keep ]] || continue
    for f in "$debs_dir/${pkg}"_*.deb; do
      [[ $(basename "$f") == "$keep" ]] || rm -f "$f"
    done
  done
fi

log "unpacking into $root_dir"
staging=$tools_dir/root.new
rm -rf "$staging"
mkdir -p "$staging"
{
  printf 'format=%s\n' "$stamp_format"
  for pkg in "${packages[@]}"; do
    deb=$(cached_deb "$pkg")
    [[ -n $deb ]] || die "no .deb for $pkg in $debs_dir"
    dpkg-deb -x "$deb" "$staging"
    printf '%s=%s (%s)\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" "$(du -h "$deb" | cut -f1)"
  done
} >"$staging.stamp"

# Check the binaries run on this machine before declaring the install complete. They are Go builds linked only
# against glibc; victoria-metrics also needs libzstd.so.1, which every system with apt has (libapt-pkg uses it).
"$staging/usr/bin/promtool" --version >/dev/null 2>&1 || die "the unpacked promtool does not run on this machine"
"$staging/usr/bin/prometheus" --version >/dev/null 2>&1 || die "the unpacked prometheus does not run on this machine"
"$staging/usr/bin/victoria-metrics" -version >/dev/null 2>&1 ||
  die "the unpacked victoria-metrics does not run on this machine (is libzstd.so.1 missing?)"
[[ -f $staging/usr/lib/python3/dist-packages/librouteros/__init__.py ]] ||
  die "python3-librouteros did not contain usr/lib/python3/dist-packages/librouteros"

# Swap in the new tree only when it is complete, so an interrupted run never looks installed.
rm -rf "$root_dir"
mv "$staging" "$root_dir"
mv "$staging.stamp" "$stamp"

# librouteros is pure Python (>= 3.8): any python3 can import it through PYTHONPATH, not only Debian's.
if command -v python3 >/dev/null 2>&1; then
  if ! where=$(PYTHONPATH="$python_dir${PYTHONPATH:+:$PYTHONPATH}" python3 -c 'import librouteros; print(librouteros.__file__)' 2>&1); then
    log "warning: python3 ($(python3 --version 2>&1)) cannot import librouteros: $where"
  fi
else
  log "warning: no python3 on PATH; the librouteros cross-check tests need one"
fi

log "done in $((SECONDS - started)) s"
print_summary
