#!/usr/bin/env bash
# Installs what the reference-site browser test (generator/tests/it/site.rs) needs:
# Debian's headless Chromium and its ChromeDriver. Safe to run more than once.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "site-setup: chromium and chromedriver already installed"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
chromium --version
chromedriver --version
