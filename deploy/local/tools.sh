#!/usr/bin/env bash
# Deployment tools built from their Go modules and cached: kustomize, helm and docker compose.
# Usage: tools.sh install [kustomize|helm|compose ...] | path TOOL | versions
# `path TOOL` installs the tool when missing and prints its binary's path.
source "$(dirname "$0")/common.sh"

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.2}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"

# module@version, package inside it, binary name, linker flags.
spec() {
  case "$1" in
    kustomize) echo "sigs.k8s.io/kustomize/kustomize/v5 $KUSTOMIZE_VERSION . kustomize" ;;
    helm) echo "helm.sh/helm/v3 $HELM_VERSION ./cmd/helm helm" ;;
    compose) echo "github.com/docker/compose/v2 $COMPOSE_VERSION ./cmd docker-compose" ;;
    *) die "unknown tool: $1 (kustomize, helm, compose)" ;;
  esac
}

ldflags() {
  case "$1" in
    kustomize) echo "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" ;;
    helm) echo "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" ;;
    compose) echo "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" ;;
  esac
}

bin_path() {
  local module version pkg name
  read -r module version pkg name <<<"$(spec "$1")"
  echo "$OKR_CACHE/$1-$version/$name"
}

go_at_least() {
  local v major minor
  v="$(go env GOVERSION)"; v="${v#go}"
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

# Builds one tool from its module source (so the module's own replace directives apply).
install_one() {
  local tool="$1" module version pkg name bin src build
  read -r module version pkg name <<<"$(spec "$tool")"
  bin="$(bin_path "$tool")"
  [ -x "$bin" ] && return 0
  # One build at a time per tool, when several test runs ask at once.
  exec 9>"$OKR_CACHE/.$tool-$version.lock"
  flock 9
  [ -x "$bin" ] && return 0
  command -v go >/dev/null || apt_install golang-go
  go_at_least 1 26 || die "$tool $version needs Go 1.26 or newer (found: $(go version))"
  log "building $tool $version from its Go module (minutes the first time)"
  src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "go mod download $module@$version gave no source directory"
  build="$OKR_CACHE/$tool-src-$version"
  rm -rf "$build"; cp -r "$src" "$build"; chmod -R u+w "$build"
  mkdir -p "$(dirname "$bin")"
  (cd "$build" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    go build -trimpath -ldflags "$(ldflags "$tool")" -o "$bin.tmp" "$pkg") >&2 \
    || { rm -rf "$build"; die "go build of $tool $version failed"; }
  mv "$bin.tmp" "$bin"
  rm -rf "$build"
}

case "${1:-install}" in
  install)
    shift || true
    [ "$#" -gt 0 ] || set -- kustomize helm compose
    for tool in "$@"; do install_one "$tool"; done
    ;;
  path)
    [ -n "${2:-}" ] || die "usage: $0 path kustomize|helm|compose"
    install_one "$2"
    bin_path "$2"
    ;;
  versions) echo "kustomize $KUSTOMIZE_VERSION, helm $HELM_VERSION, docker compose $COMPOSE_VERSION" ;;
  *) die "usage: $0 install [kustomize|helm|compose ...] | path TOOL | versions" ;;
esac
