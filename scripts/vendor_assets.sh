#!/usr/bin/env bash
# Rebuild parkops/core/static/vendor/ from the npm registry (development time only:
# the product serves these files itself and needs no network at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=parkops/core/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch() {  # package@version → $WORK/<name>/package
  local spec=$1 dir
  dir="$WORK/$(echo "$spec" | tr '/@' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
  echo "$dir/package"
}

rm -rf "$DEST" && mkdir -p "$DEST"/{tabler,tabler-icons/fonts,htmx,echarts,leaflet,tom-select}

src=$(fetch @tabler/core@1.6.1)
cp "$src/dist/css/tabler.min.css" "$src/dist/js/tabler.min.js" "$DEST/tabler/"

src=$(fetch @tabler/icons-webfont@3.35.0)
# Keep only the woff2 font (every supported browser reads it), and drop the
# other formats from the CSS so that no reference points at a missing file.
sed -E 's#,url\("\./fonts/tabler-icons\.woff\?[^)]*\) format\("woff"\)##; s#,url\("\./fonts/tabler-icons\.ttf\?[^)]*\) format\("truetype"\)##' \
  "$src/dist/tabler-icons.min.css" > "$DEST/tabler-icons/tabler-icons.min.css"
cp "$src/dist/fonts/tabler-icons.woff2" "$DEST/tabler-icons/fonts/"

src=$(fetch htmx.org@2.0.11)
cp "$src/dist/htmx.min.js" "$DEST/htmx/"

src=$(fetch echarts@5.6.0)
cp "$src/dist/echarts.min.js" "$DEST/echarts/"

src=$(fetch leaflet@1.9.4)
cp "$src/dist/leaflet.js" "$src/dist/leaflet.css" "$DEST/leaflet/"
cp -r "$src/dist/images" "$DEST/leaflet/"

# The version Tabler 1.6.1 builds with; its Bootstrap 5 theme fits Tabler.
src=$(fetch tom-select@2.6.2)
cp "$src/dist/js/tom-select.complete.min.js" "$src/dist/css/tom-select.bootstrap5.min.css" \
  "$src/LICENSE" "$DEST/tom-select/"

# Source maps are not shipped: drop the comments that point at them, or the
# production static storage (a manifest of hashed names) stops at the missing
# .map file and collectstatic fails.
find "$DEST" \( -name '*.js' -o -name '*.css' \) -exec sed -i -E \
  -e '/^\/\/# sourceMappingURL=/d' -e 's|/\*# sourceMappingURL=[^*]*\*/||' {} +

cat > "$DEST/VERSIONS.txt" <<TXT
@tabler/core 1.6.1 (MIT)
@tabler/icons-webfont 3.35.0 (MIT)
htmx.org 2.0.11 (0BSD)
echarts 5.6.0 (Apache-2.0)
leaflet 1.9.4 (BSD-2-Clause)
tom-select 2.6.2 (Apache-2.0, tom-select/LICENSE)
Rebuilt by scripts/vendor_assets.sh (source map comments removed).
TXT
echo "vendored into $DEST"
