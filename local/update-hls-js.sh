#!/usr/bin/env bash
# Replaces the vendored hls.js (the watch page's player) with VERSION of the npm package, e.g.
#   local/update-hls-js.sh 1.7.4
# npm pack checks the tarball against the registry's integrity hash; this records that hash and
# the file's own, which WatchServerTest checks against the file the page serves.
set -euo pipefail
version="${1:?usage: $0 VERSION}"
dest="$(cd "$(dirname "$0")" && pwd)/src/main/resources/org/transcoder/local/web/vendor/hls.js"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "hls.js@$version" >/dev/null && tar xzf "hls.js-$version.tgz")
cp "$tmp/package/dist/hls.min.js" "$tmp/package/LICENSE" "$dest/"
integrity="$(npm view "hls.js@$version" dist.integrity)"
cat > "$dest/VERSION" <<PROPS
# hls.js, the watch page's player: dist/hls.min.js and LICENSE (Apache-2.0) of the npm package
# hls.js, vendored unmodified. Refresh with local/update-hls-js.sh VERSION.
version=$version
npm.integrity=$integrity
hls.min.js.sha256=$(sha256sum "$dest/hls.min.js" | cut -d' ' -f1)
PROPS
echo "hls.js $version vendored in $dest"
