#!/usr/bin/env bash
# Installs what a fresh Debian machine needs beyond the Rust toolchain. Idempotent; does nothing
# when everything is present. Building needs no apt package (winit/glow dlopen their libraries);
# running the window under Xvfb for screenshots needs the GUI set (pass --gui), with zenity
# for the file dialogs (rfd falls back to it where no desktop portal answers) and a fallback font
# for the scripts the built-in fonts lack (the sample events hold a CJK name; see src/app/fonts.rs).
set -euo pipefail
need=()
for tool in cargo; do command -v "$tool" >/dev/null || { echo "missing $tool: install Rust with rustup" >&2; exit 1; }; done
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy || true
if [ "${1:-}" = "--gui" ]; then
  for p in xvfb xauth imagemagick xdotool libgl1 libglx-mesa0 libx11-6 libxcursor1 libxi6 libxkbcommon-x11-0 libgl1-mesa-dri zenity fonts-droid-fallback fonts-symbola; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
