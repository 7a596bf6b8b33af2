#!/usr/bin/env bash
# Chromium and ChromeDriver from Debian's packages, for the browser tests (no browser downloads:
# playwright-core drives this binary through its executablePath), and a CJK font so the Chinese
# screens render as text, not empty boxes.
# Usage: chromium.sh install|health
source "$(dirname "$0")/common.sh"

CHROMIUM_BIN="${CHROMIUM:-/usr/bin/chromium}"

CJK_FONT="fonts-wqy-microhei"

has_cjk_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }

install() {
  [ -x "$CHROMIUM_BIN" ] && has_cjk_font && return 0
  [ "$(id -u)" -eq 0 ] || die "$CHROMIUM_BIN is missing: run 'apt-get install -y chromium chromium-driver' as root (or set CHROMIUM to a Chromium binary)"
  log "installing Chromium, ChromeDriver and a CJK font from Debian's packages"
  apt_install chromium chromium-driver "$CJK_FONT" fontconfig
  [ -x "$CHROMIUM_BIN" ] || die "apt-get installed chromium but $CHROMIUM_BIN is still missing"
}

health() {
  [ -x "$CHROMIUM_BIN" ] || { echo "chromium: not installed at $CHROMIUM_BIN"; exit 1; }
  "$CHROMIUM_BIN" --version || { echo "chromium: $CHROMIUM_BIN does not run"; exit 1; }
  has_cjk_font || { echo "chromium: no CJK font (install $CJK_FONT)"; exit 1; }
}

case "${1:-install}" in
  install) install ;;
  health) health ;;
  *) die "usage: $0 install|health" ;;
esac
