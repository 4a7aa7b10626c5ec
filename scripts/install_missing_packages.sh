#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (apt, as root or
# with sudo); does nothing, and needs no network, when all are there.
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
echo "installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
