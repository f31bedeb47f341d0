#!/usr/bin/env bash
# Installs what running the extension in a real VS Code needs on a fresh Debian machine:
# Debian packages (code-server's native modules, ripgrep, Chromium, openssl for the TLS proxy tests) and code-server 4.100.3
# (VS Code 1.100.3, the newest that runs on Node 20), cached between runs.
# Prints the code-server executable path on its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE_DIR="${BEDROCK_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bedrock-llama}"
INSTALL_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
BIN="$INSTALL_DIR/node_modules/.bin/code-server"
DEB_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium openssl)

# shellcheck source=debPackages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debPackages.sh"
ensure_deb_packages "${DEB_PACKAGES[@]}"

if [ ! -x "$BIN" ] || [ ! -f "$INSTALL_DIR/.complete" ]; then
  echo "Installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (about 2 minutes)" >&2
  rm -rf "$INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  # @vscode/ripgrep's postinstall looks in this cache before downloading from GitHub.
  rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$rg_tar" ]; then
    mkdir -p "$rg_cache"
    tmp=$(mktemp -d)
    cp "$(command -v rg)" "$tmp/rg"
    tar czf "$rg_tar" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  (
    cd "$INSTALL_DIR"
    echo '{"name":"code-server-cache","private":true}' > package.json
    npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" >&2
  )
  touch "$INSTALL_DIR/.complete"
fi
echo "$BIN"
