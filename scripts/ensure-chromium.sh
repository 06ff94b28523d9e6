#!/usr/bin/env bash
# Makes headless Chromium and its driver available for the status page's browser test
# (StatusPageIT, through Selenium): /usr/bin/chromium and /usr/bin/chromedriver, from the
# distribution's `chromium` and `chromium-driver` packages, with a colour emoji font for the
# page's screenshot.
# Installs what is missing when run as root; otherwise says what to install.
# Selenium never downloads a driver: the test points it at this chromedriver.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
# Without a colour emoji font the page's snail is a box in screenshots.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)

if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1), chromedriver and the emoji font already installed" >&2
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: ${missing[*]} not installed and this is not root." >&2
  echo "  Install them, e.g. 'sudo apt-get install ${missing[*]}' (Debian/Ubuntu)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no apt-get here; install ${missing[*]} yourself so that" >&2
  echo "  /usr/bin/chromium and /usr/bin/chromedriver exist." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing ${missing[*]} with apt-get" >&2
status=0
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 \
  || status=$?
if [ "$status" != 0 ]; then
  echo "ensure-chromium: 'apt-get install ${missing[*]}' failed (exit $status); check network" >&2
  echo "  access to the package mirrors, or install them yourself." >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "ensure-chromium: the packages installed but /usr/bin/chromium or /usr/bin/chromedriver is missing." >&2
  exit 1
fi
echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null | head -1)" >&2
