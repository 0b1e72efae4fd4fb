#!/usr/bin/env bash
# Builds dist/pacsgate_<version>_<arch>.deb with dpkg-deb (no debhelper) on an amd64 Debian 12 host:
# TypeScript from this checkout, production node_modules for the target CPU (lmdb / msgpackr-extract
# prebuilds of that CPU only), our addon compiled (cross-compiled for arm64 with g++-aarch64-linux-gnu)
# and stripped, and a bundled Node.js runtime (npm package node-linux-<cpu>; see packaging/README.md).
# Usage: packaging/build-deb.sh amd64|arm64     Env: PACSGATE_NODE_VERSION (default 20.20.2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
arch="${1:?usage: packaging/build-deb.sh amd64|arm64}"
case "$arch" in
  amd64) cpu=x64; cross=""; objdump=objdump ;;
  arm64) cpu=arm64; cross=aarch64-linux-gnu-; objdump=aarch64-linux-gnu-objdump ;;
  *) echo "build-deb.sh: unknown architecture $arch (amd64|arm64)" >&2; exit 64 ;;
esac
node_version="${PACSGATE_NODE_VERSION:-20.20.2}"
version="$(node -p "require('./package.json').version")"
work="$root/artifacts/deb/$arch"
cache="$root/artifacts/node-cache"
pkgroot="$work/root"
lib="$pkgroot/usr/lib/pacsgate"
out="$root/dist/pacsgate_${version}_${arch}.deb"
say() { echo "build-deb.sh [$arch]: $*" >&2; }

. "$root/scripts/need-pkgs.sh"
need_pkgs dpkg-dev binutils g++ make python3

# Drops what only building or browsing needs: node-addon-api and lmdb's C sources (build time),
# musl and other-ABI prebuilds (the bundled runtime is glibc Node 20, ABI 115), docs and VCS files.
prune_node_modules() {
  local nm="$1"
  rm -rf "$nm/.package-lock.json" "$nm/node-addon-api" "$nm"/*/node_modules/node-addon-api "$nm/lmdb/dependencies" "$nm/lmdb/src"
  find "$nm" \( -name '*.md' -o -name '*.d.ts' -o -name '*.map' -o -name '*.html' -o -name 'test' -o -name 'docs' \
    -o -name '.github' -o -name '.git*' -o -name '*.musl.node' -o -name 'binding.gyp' \) -prune -exec rm -rf {} +
  find "$nm" -name 'node.abi*.node' ! -name 'node.abi115.*' -delete
  find "$nm" -name '*.node' -exec "${cross}strip" --strip-unneeded {} +
}
[ "$arch" = arm64 ] && need_pkgs g++-aarch64-linux-gnu binutils-aarch64-linux-gnu

# 1. TypeScript (the checkout's dev dependencies build it; the package only gets dist/src).
[ -x node_modules/.bin/tsc ] || { say "npm ci (dev dependencies for the build)"; npm ci --ignore-scripts --no-audit --no-fund >/dev/null; }
say "tsc"
npm run --silent build:ts

rm -rf "$work" && mkdir -p "$work/addon" "$work/npm" "$lib" "$cache"

# 2. The addon, built in its own directory so the checkout's build/ is left alone. N-API only needs
# node's headers (arch-independent), taken from the local Node install (nodedir).
say "addon (${cross:-native} g++)"
cp binding.gyp "$work/addon/" && cp -r native "$work/addon/" && ln -s "$root/node_modules" "$work/addon/node_modules"
nodedir="$(dirname "$(dirname "$(command -v node)")")"
[ -f "$nodedir/include/node/node_api.h" ] || { echo "build-deb.sh: node headers not found under $nodedir/include/node" >&2; exit 1; }
(
  cd "$work/addon"
  export CC="${cross}gcc" CXX="${cross}g++" LINK="${cross}g++" AR="${cross}ar"
  node "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild --arch="$cpu" --nodedir="$nodedir" --jobs=max >"$work/addon.log" 2>&1
) || { tail -30 "$work/addon.log" >&2; exit 1; }
mkdir -p "$lib/build/Release"
"${cross}strip" --strip-unneeded -o "$lib/build/Release/pacsgate.node" "$work/addon/build/Release/pacsgate.node"

# 3. Production dependencies for the target CPU: --cpu/--os pick the optional prebuilt packages;
# --ignore-scripts because nothing may compile for the host here.
say "npm ci --omit=dev --cpu=$cpu"
cp package.json package-lock.json "$work/npm/"
(cd "$work/npm" && npm ci --omit=dev --cpu="$cpu" --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund >"$work/npm.log" 2>&1) \
  || { tail -30 "$work/npm.log" >&2; exit 1; }
prune_node_modules "$work/npm/node_modules"
bad="$(find "$work/npm/node_modules" -name '*.node' -print0 | xargs -0 -r file | grep -v "$( [ "$arch" = arm64 ] && echo aarch64 || echo x86-64)" || true)"
[ -z "$bad" ] || { echo "build-deb.sh: native modules of the wrong CPU:\n$bad" >&2; exit 1; }
mv "$work/npm/node_modules" "$lib/node_modules"

# 4. Bundled Node.js runtime, from the npm registry's official build; stripped (debug info only).
tgz="$cache/node-linux-$cpu-$node_version.tgz"
[ -f "$tgz" ] || { say "npm pack node-linux-$cpu@$node_version"; (cd "$cache" && npm pack "node-linux-$cpu@$node_version" >/dev/null 2>&1); }
mkdir -p "$work/node" "$lib/node/bin"
tar xzf "$tgz" -C "$work/node" package/bin/node package/LICENSE
"${cross}strip" -o "$lib/node/bin/node" "$work/node/package/bin/node"
install -m 0644 "$work/node/package/LICENSE" "$lib/node/LICENSE"

# 5. Our files.
cp -r dist/src "$lib/dist-src" && mkdir -p "$lib/dist" && mv "$lib/dist-src" "$lib/dist/src"
install -D -m 0755 bin/pacsgate.js "$lib/bin/pacsgate.js"
node -e 'const p=require("./package.json"); for (const k of ["devDependencies","scripts","overrides"]) delete p[k]; process.stdout.write(JSON.stringify(p,null,2)+"\n")' >"$lib/package.json"
install -D -m 0755 packaging/debian/pacsgate.sh "$pkgroot/usr/bin/pacsgate"
install -D -m 0644 systemd/pacsgate.service "$pkgroot/lib/systemd/system/pacsgate.service"
install -D -m 0644 systemd/pacsgate.sysusers "$pkgroot/usr/lib/sysusers.d/pacsgate.conf"
install -D -m 0644 systemd/pacsgate.tmpfiles "$pkgroot/usr/lib/tmpfiles.d/pacsgate.conf"
install -D -m 0644 packaging/config.json "$pkgroot/etc/pacsgate/config.json"
doc="$pkgroot/usr/share/doc/pacsgate"
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
install -D -m 0644 docs/systemd.md "$doc/systemd.md"
install -D -m 0644 packaging/README.md "$doc/packaging.md"
gzip -9n -c packaging/debian/changelog >"$doc/changelog.gz"
install -d "$pkgroot/usr/share/man/man1"
gzip -9n -c packaging/debian/pacsgate.1 >"$pkgroot/usr/share/man/man1/pacsgate.1.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$pkgroot/usr/share/lintian/overrides/pacsgate"
find "$pkgroot" -type d -exec chmod 0755 {} + && find "$lib" -type f ! -perm /111 -exec chmod 0644 {} +
find "$lib" -type f -name '*.node' -exec chmod 0644 {} +
# Nothing here runs as a script of its own: /usr/bin/pacsgate and the unit call the bundled runtime
# explicitly. A `#!/usr/bin/env node` line would name a system node (absent, or Node 18), so it goes.
grep -rlZ --include='*.js' '^#!/usr/bin/env node' "$lib" \
  | xargs -0 -r sed -i '1s|^#!/usr/bin/env node|// run by /usr/lib/pacsgate/node/bin/node (packaging/build-deb.sh)|'
find "$lib" -type f -name '*.js' -exec chmod 0644 {} +

# 6. Depends from the ELF files' symbol versions (dpkg-shlibdeps cannot see arm64 libraries here).
elves=("$lib/node/bin/node" $(find "$lib" -name '*.node'))
max_ver() { "$objdump" -T "${elves[@]}" 2>/dev/null | grep -o "$1[0-9.]*" | sed "s/^$1//" | sort -uV | tail -1; }
glibc="$(max_ver 'GLIBC_')"
glibcxx="$(max_ver 'GLIBCXX_3.4.')"
# GLIBCXX_3.4.N → first GCC (Debian libstdc++6 version) that provides it: libstdc++ manual, "ABI Policy".
declare -A gcc_for=([21]=5 [22]=6 [23]=7 [24]=7 [25]=8 [26]=9 [27]=9.2 [28]=10 [29]=11 [30]=12)
gccv="${gcc_for[$glibcxx]:-}"
[ -n "$gccv" ] || { echo "build-deb.sh: unknown GLIBCXX_3.4.$glibcxx" >&2; exit 1; }
depends="libc6 (>= $glibc), libgcc-s1 (>= 3.0), libstdc++6 (>= $gccv), systemd, init-system-helpers (>= 1.52)"

# 7. Control area.
mkdir -p "$pkgroot/DEBIAN"
size="$(du -sk --exclude=DEBIAN "$pkgroot" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  packaging/debian/control.in >"$pkgroot/DEBIAN/control"
for s in postinst prerm postrm; do install -m 0755 "packaging/debian/$s" "$pkgroot/DEBIAN/$s"; done
echo /etc/pacsgate/config.json >"$pkgroot/DEBIAN/conffiles"
(cd "$pkgroot" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$pkgroot/DEBIAN/md5sums"
chmod 0644 "$pkgroot/DEBIAN/control" "$pkgroot/DEBIAN/conffiles" "$pkgroot/DEBIAN/md5sums"

mkdir -p "$root/dist"
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}" \
  dpkg-deb --root-owner-group -Zxz --build "$pkgroot" "$out" >/dev/null
say "$out ($(du -h "$out" | cut -f1); installed $((size / 1024)) MiB); Depends: $depends"
echo "$out"
