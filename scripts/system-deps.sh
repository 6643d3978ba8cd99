#!/usr/bin/env bash
# Debian packages the tests need: PostgreSQL (a private cluster is started by the tests),
# Xvfb, xdotool and x11-apps (a real window, and xwd to grab the screen), CJK fonts (Chinese
# text), poppler-utils (pdftotext reads back the handover PDF), and the X libraries Qt >= 6.5
# needs on X11. Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail

packages=(postgresql xvfb x11-apps xdotool fonts-noto-cjk poppler-utils
          libxcb-cursor0 libegl1 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
          libxcb-image0 libxcb-render-util0 libgl1 libfontconfig1 libdbus-1-3)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "!! Missing Debian packages: ${missing[*]}" >&2
  echo "!! Install them with: sudo apt-get install ${missing[*]}" >&2
  echo "!! Tests that need them will fail and say why." >&2
fi
