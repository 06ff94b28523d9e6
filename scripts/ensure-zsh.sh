#!/usr/bin/env bash
# Makes zsh available for the completion test (CompletionCommandTest), which loads the script of
# `snailtrail completion zsh` into a real zsh. Installs the distribution's package when run as root;
# otherwise says what to install.
set -euo pipefail
if command -v zsh >/dev/null 2>&1; then
  echo "ensure-zsh: $(zsh --version) already installed" >&2
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-zsh: zsh is not installed; install it (e.g. 'sudo apt-get install zsh')." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure-zsh: installing zsh with apt-get" >&2
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends zsh; } >&2; then
  echo "ensure-zsh: 'apt-get install zsh' failed; check network access to the package mirrors." >&2
  exit 1
fi
echo "ensure-zsh: installed $(zsh --version)" >&2
