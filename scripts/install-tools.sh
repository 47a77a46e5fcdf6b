#!/usr/bin/env bash
# Installs the real backends the test suite runs against (Prometheus, promtool, VictoriaMetrics, Python
# librouteros) into the git-ignored .tools/ folder, from Debian trixie packages; systemd-analyze (for the
# systemd unit) and dnsmasq (a DNS server for the SRV discovery tests) from the machine's own Debian release; and portable Node.js builds of the LTS lines the suite
# also runs on (22 and 24, from the npm registry's node-linux-<arch> packages).
#
# Nothing outside .tools/ is touched: apt runs with a private sources list, package lists, cache and dpkg
# status under .tools/apt, and each .deb is unpacked with `dpkg -x` into .tools/root (no maintainer scripts,
# no /usr, no system apt state). Needs only apt-get, apt-config, dpkg-deb and flock (all part of every Debian
# system). The Debian archive is the one the machine's own apt sources name (deb822 `URIs:` in
# sources.list.d/*.sources, or `deb` lines in sources.list), so a machine behind its own mirror works unchanged
# and no mirror is written here; the machine's apt proxies (/etc/apt/apt.conf.d) apply too.
# The Node builds are fetched with `npm pack`, so the npm registry and proxy configured for npm apply.
#
# Idempotent: a complete install (stamp file + binaries + python module + Node builds) returns at once without
# network; downloaded .debs stay cached in .tools/debs, so rebuilding .tools/root needs no network either.
#
# Usage: install-tools.sh [--print-mirror]   (--print-mirror: print the Debian archive it would use, and exit)
#
# Environment:
#   TOOLS_DIR      where to install (default: <repo>/.tools)
#   TOOLS_REFRESH  set to 1 to re-resolve the newest trixie versions and Node releases, and reinstall
#   TOOLS_MIRROR   Debian archive URL (default: the Debian archive of the machine's apt sources)
#   APT_CONFIG     as for apt itself: another apt configuration (and with it other sources files)
set -euo pipefail

repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir=${TOOLS_DIR:-$repo_dir/.tools}
suite=trixie
# Node.js release lines the suite runs on besides the machine's own node (see README "Node versions").
node_lines=(22 24)
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

for cmd in apt-get apt-config dpkg-deb flock; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' not found; this script needs a Debian-based system"
done

# The Debian archive of the machine's apt sources: the first enabled `deb` entry with a release suite (no
# -security/-updates/-backports suffix) whose URL is not a security archive. Both formats are read, as apt
# does: one-line `deb [options] URI suite components` (sources.list(5)) and deb822 stanzas with
# `Types:`/`URIs:`/`Suites:`/`Enabled:` fields (sources.list(5), "DEB822-STYLE FORMAT").
machine_debian_archive() {
  local source_list source_parts files=()
  eval "$(apt-config shell source_list Dir::Etc::SourceList/f source_parts Dir::Etc::SourceParts/d)"
  [[ -n ${source_list:-} && -f $source_list ]] && files+=("$source_list")
  if [[ -n ${source_parts:-} && -d $source_parts ]]; then
    local f
    for f in "$source_parts"/*.list "$source_parts"/*.sources; do
      [[ -f $f ]] && files+=("$f")
    done
  fi
  ((${#files[@]} > 0)) || return 0
  awk '
    function release_suite(suite) { return suite !~ /[-\/](security|updates|backports|proposed-updates)$/ }
    function consider(types, uris, suites, enabled,   t, u, s, nt, nu, ns, i, j, k) {
      if (tolower(enabled) == "no") return
      nt = split(types, t, /[ \t]+/); nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
      for (i = 1; i <= nt; i++) if (t[i] == "deb") {
        for (j = 1; j <= nu; j++) if (u[j] != "" && u[j] !~ /-security\/?$/) {
          for (k = 1; k <= ns; k++) if (s[k] != "" && release_suite(s[k])) { print u[j]; found = 1; exit }
        }
      }
    }
    function flush() { if (types != "") consider(types, uris, suites, enabled); types = uris = suites = enabled = "" }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    /^[ \t]*#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 && /^[A-Za-z-]+:/ {
      key = tolower(substr($0, 1, index($0, ":") - 1)); value = substr($0, index($0, ":") + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", value)
      if (key == "types") types = value; else if (key == "uris") uris = value
      else if (key == "suites") suites = value; else if (key == "enabled") enabled = value
      next
    }
    !deb822 && $1 == "deb" {
      line = $0; sub(/^[ \t]*deb[ \t]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
      split(line, f, /[ \t]+/)
      consider("deb", f[1], f[2], "yes")
    }
    END { if (!found) flush() }
  ' "${files[@]}"
}

if [[ -n ${TOOLS_MIRROR:-} ]]; then
  mirror=$TOOLS_MIRROR
else
  mirror=$(machine_debian_archive)
fi
mirror=${mirror%/}
if [[ ${1:-} == --print-mirror ]]; then
  [[ -n $mirror ]] || die "no Debian archive in the machine's apt sources; set TOOLS_MIRROR"
  printf '%s\n' "$mirror"
  exit 0
fi

is_debian_complete() {
  [[ -f $stamp ]] && grep -qx "format=$stamp_format" "$stamp" &&
    [[ -x $root_dir/usr/bin/prometheus && -x $root_dir/usr/bin/promtool && -x $root_dir/usr/bin/victoria-metrics ]] &&
    [[ -x $root_dir/usr/bin/prometheus-node-exporter ]] &&
    [[ -f $python_dir/librouteros/__init__.py ]]
}

node_dir=$tools_dir/node
node_packs_dir=$tools_dir/node-packs

# A Node line is complete when its binary is there with the version file written after it was checked to run.
is_node_complete() {
  local line
  for line in "${node_lines[@]}"; do
    [[ -x $node_dir/$line/bin/node && -f $node_dir/$line/version ]] || return 1
  done
}

# systemd-analyze, for checking the systemd unit: from the machine's own Debian release (not trixie), because
# systemd's binaries need that release's glibc; unpacked like the rest, run with LD_LIBRARY_PATH set to its
# private library directory (the test helper does that).
systemd_dir=$tools_dir/systemd
systemd_packages=(systemd libsystemd-shared)

is_systemd_complete() {
  [[ -x $systemd_dir/root/usr/bin/systemd-analyze && -f $systemd_dir/version ]]
}

# dnsmasq, for the DNS SRV discovery tests: also from the machine's own release, for the same reason.
dnsmasq_dir=$tools_dir/dnsmasq
dnsmasq_packages=(dnsmasq-base libnetfilter-conntrack3 libnfnetlink0 libnftables1 libnftnl11)

is_dnsmasq_complete() {
  [[ -x $dnsmasq_dir/root/usr/sbin/dnsmasq && -f $dnsmasq_dir/version ]]
}

print_summary() {
  log "installed in $tools_dir/root:"
  grep -v '^format=' "$stamp" | sed 's/^/  /' >&2
  log "PYTHONPATH for librouteros: $python_dir"
  local line
  for line in "${node_lines[@]}"; do
    log "node $line: $node_dir/$line/bin/node ($(cat "$node_dir/$line/version"))"
  done
  log "systemd-analyze: $systemd_dir/root/usr/bin/systemd-analyze ($(cat "$systemd_dir/version"))"
  log "dnsmasq: $dnsmasq_dir/root/usr/sbin/dnsmasq ($(cat "$dnsmasq_dir/version"))"
}

mkdir -p "$tools_dir"
# Several test runners may start this at once: one installs, the others wait and then see a complete install.
exec 9>"$tools_dir/.lock"
flock 9

if [[ ${TOOLS_REFRESH:-0} != 1 ]] && is_debian_complete && is_node_complete && is_systemd_complete && is_dnsmasq_complete; then
  print_summary
  exit 0
fi

started=$SECONDS

install_debian() {
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
    [[ -n $mirror ]] || die "no Debian archive in the machine's apt sources; set TOOLS_MIRROR to a Debian archive URL"
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
}

# The npm registry's node-linux-<arch> packages hold the official portable build (bin/node, no npm); they are
# what the `node` npm package installs. npm pack verifies the registry's integrity hash.
install_node_line() {
  local line=$1 arch pack staging version
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "no portable Node build for $(uname -m) in the npm registry's node-linux-* packages" ;;
  esac
  mkdir -p "$node_packs_dir"
  pack=$(find "$node_packs_dir" -maxdepth 1 -name "node-linux-$arch-$line.*.tgz" -printf '%f\n' | sort -V | tail -n1)
  if [[ -z $pack || ${TOOLS_REFRESH:-0} == 1 ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found; it fetches the Node $line build"
    log "fetching node-linux-$arch@$line from the npm registry"
    pack=$(cd "$node_packs_dir" && npm pack --silent "node-linux-$arch@$line" | tail -n1) ||
      die "npm pack node-linux-$arch@$line failed"
    # Keep only the newest build of the line.
    find "$node_packs_dir" -maxdepth 1 -name "node-linux-$arch-$line.*.tgz" ! -name "$pack" -delete
  fi
  staging=$node_dir/$line.new
  rm -rf "$staging"
  mkdir -p "$staging"
  tar -xzf "$node_packs_dir/$pack" -C "$staging" --strip-components=1 package/bin/node package/LICENSE ||
    die "could not unpack $pack"
  version=$("$staging/bin/node" -p 'process.versions.node' 2>/dev/null) ||
    die "the Node $line build from $pack does not run on this machine"
  [[ ${version%%.*} == "$line" ]] || die "$pack holds Node $version, not Node $line"
  printf '%s\n' "$version" >"$staging/version"
  rm -rf "${node_dir:?}/$line"
  mv "$staging" "$node_dir/$line"
}

if [[ ${TOOLS_REFRESH:-0} == 1 ]] || ! is_debian_complete; then
  install_debian
fi
# Packages of the machine's own Debian release, unpacked into <dir>/root from .debs cached in <dir>/debs, with
# a private apt state in <dir>/apt like the trixie packages'. Used for binaries that link the system's shared
# libraries (systemd-analyze, dnsmasq): trixie builds need a newer glibc than older releases have.
# Usage: install_machine_release <dir> <package>... ; the caller checks the unpacked binary runs.
install_machine_release() {
  local dir=$1 release apt staging deb
  shift
  local wanted=("$@")
  release=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")
  [[ -n $release ]] || die "no VERSION_CODENAME in /etc/os-release: cannot tell which Debian release's ${wanted[0]} runs here"
  [[ -n $mirror ]] || die "no Debian archive in the machine's apt sources; set TOOLS_MIRROR to a Debian archive URL"
  apt=$dir/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/empty.d" "$dir/debs"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$mirror" "$release" >"$apt/sources.list"
  : >"$apt/status"
  local opts=(
    -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/empty.d"
    -o "Dir::Etc::Preferences=$apt/empty.d/none" -o "Dir::Etc::PreferencesParts=$apt/empty.d"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::State::Status=$apt/status" -o "Dir::Cache=$apt/cache"
    -o "APT::Sandbox::User=root"
  )
  local cached=1 pkg
  for pkg in "${wanted[@]}"; do
    compgen -G "$dir/debs/${pkg}_*.deb" >/dev/null || cached=0
  done
  if [[ $cached == 0 || ${TOOLS_REFRESH:-0} == 1 ]]; then
    log "fetching ${wanted[*]} of Debian $release from $mirror"
    apt-get "${opts[@]}" -qq update || die "apt-get update failed for $mirror $release"
    rm -f "$dir/debs/"*.deb
    (cd "$dir/debs" && apt-get "${opts[@]}" -qq download "${wanted[@]}") ||
      die "apt-get download failed for ${wanted[*]}"
  fi
  staging=$dir/root.new
  rm -rf "$staging"
  mkdir -p "$staging"
  for deb in "$dir/debs/"*.deb; do dpkg-deb -x "$deb" "$staging"; done
}

# Swaps a checked staging tree in and records its version.
finish_machine_release() {
  local dir=$1 version=$2
  rm -rf "$dir/root"
  mv "$dir/root.new" "$dir/root"
  printf '%s\n' "$version" >"$dir/version"
}

install_systemd() {
  install_machine_release "$systemd_dir" "${systemd_packages[@]}"
  local staging=$systemd_dir/root.new libdir version
  libdir=$(dirname "$(find "$staging" -name 'libsystemd-shared-*.so' | head -n1)")
  LD_LIBRARY_PATH=$libdir "$staging/usr/bin/systemd-analyze" --version >/dev/null 2>&1 ||
    die "the unpacked systemd-analyze does not run on this machine (a shared library missing?)"
  version=$(LD_LIBRARY_PATH=$libdir "$staging/usr/bin/systemd-analyze" --version 2>/dev/null | head -n1 | cut -d' ' -f2-)
  finish_machine_release "$systemd_dir" "$version"
}

# dnsmasq, the DNS server the SRV discovery tests resolve against (unprivileged, on a loopback port). Its
# libraries that a minimal system may lack (netfilter, nftables) come with it and are found through
# LD_LIBRARY_PATH pointing into its private root (the test helper sets it).
install_dnsmasq() {
  install_machine_release "$dnsmasq_dir" "${dnsmasq_packages[@]}"
  local staging=$dnsmasq_dir/root.new version libdirs
  libdirs=$(find "$staging" -type d -name '*-linux-gnu' -path '*/lib/*' | tr '\n' ':')
  version=$(LD_LIBRARY_PATH=$libdirs "$staging/usr/sbin/dnsmasq" --version 2>/dev/null | head -n1) ||
    die "the unpacked dnsmasq does not run on this machine (a shared library missing?)"
  finish_machine_release "$dnsmasq_dir" "$version"
}

if [[ ${TOOLS_REFRESH:-0} == 1 ]] || ! is_systemd_complete; then
  install_systemd
fi
if [[ ${TOOLS_REFRESH:-0} == 1 ]] || ! is_dnsmasq_complete; then
  install_dnsmasq
fi
if [[ ${TOOLS_REFRESH:-0} == 1 ]] || ! is_node_complete; then
  for line in "${node_lines[@]}"; do
    [[ ${TOOLS_REFRESH:-0} != 1 && -f $node_dir/$line/version ]] || install_node_line "$line"
  done
fi

log "done in $((SECONDS - started)) s"
print_summary
