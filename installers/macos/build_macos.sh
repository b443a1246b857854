#!/usr/bin/env bash
# Build JewelTrak.app and JewelTrak-<version>.dmg on macOS (13 or newer, Xcode command-line
# tools installed).
#
#   installers/macos/build_macos.sh
#
# 1. Installs the `build` extra into .venv (made here if missing) and freezes the app with
#    build.spec: dist/JewelTrak.app, its Info.plist filled from Info.plist.in with the
#    version from pyproject.toml (installers/version.py).
# 2. Signs it when JEWELTRAK_MACOS_SIGN_IDENTITY is set (PyInstaller signs every binary with
#    the hardened runtime and entitlements.plist); otherwise it is signed ad hoc, which runs
#    on the build Mac only (Gatekeeper blocks it elsewhere).
# 3. Makes dist/JewelTrak-<version>.dmg with hdiutil (the app and an /Applications link),
#    signs the .dmg, then notarizes and staples it when a notary profile is set.
#
# Signing and notarization read only environment variables and the login keychain; no
# password or key is ever written to a file of this repository:
#   JEWELTRAK_MACOS_SIGN_IDENTITY  "Developer ID Application: <Company> (<TEAMID>)", a
#                                  certificate already imported into the keychain
#   JEWELTRAK_NOTARY_PROFILE       a notarytool keychain profile, created once with
#                                  `xcrun notarytool store-credentials <profile> --apple-id …
#                                  --team-id …` (it prompts for the app-specific password
#                                  and keeps it in the keychain)
#   or, on CI, JEWELTRAK_NOTARY_KEY (path to an App Store Connect API .p8 key provided by
#   the CI's secret store), JEWELTRAK_NOTARY_KEY_ID and JEWELTRAK_NOTARY_ISSUER.
set -euo pipefail

if [[ "$(uname -s)" != "Darwin" ]]; then
    echo "build_macos.sh runs on macOS only (hdiutil, codesign, notarytool)." >&2
    exit 1
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
[[ -x "$PY" ]] || python3 -m venv .venv
"$PY" -m pip install --upgrade pip
"$PY" -m pip install -e '.[build]'

VERSION="$("$PY" installers/version.py --format pep440)"
APP_NAME="JewelTrak"
APP="dist/$APP_NAME.app"
DMG="dist/$APP_NAME-$VERSION.dmg"
echo "$APP_NAME $VERSION"

"$PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller build.spec
[[ -d "$APP" ]] || { echo "PyInstaller did not make $APP" >&2; exit 1; }

# The bundle's Info.plist must carry pyproject's version (build.spec fills it).
plist_version="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")"
expected="$("$PY" installers/version.py --format macos)"
[[ "$plist_version" == "$expected" ]] || { echo "Info.plist says $plist_version, expected $expected" >&2; exit 1; }

if [[ -n "${JEWELTRAK_MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --verify --deep --strict --verbose=2 "$APP"
else
    echo "JEWELTRAK_MACOS_SIGN_IDENTITY is not set: $APP is signed ad hoc (this Mac only)."
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$APP" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$DMG"
hdiutil create -volname "$APP_NAME $VERSION" -srcfolder "$staging" -fs HFS+ \
    -format UDZO -imagekey zlib-level=9 -ov "$DMG"

if [[ -n "${JEWELTRAK_MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$JEWELTRAK_MACOS_SIGN_IDENTITY" "$DMG"
    notary_auth=()
    if [[ -n "${JEWELTRAK_NOTARY_PROFILE:-}" ]]; then
        notary_auth=(--keychain-profile "$JEWELTRAK_NOTARY_PROFILE")
    elif [[ -n "${JEWELTRAK_NOTARY_KEY:-}" ]]; then
        notary_auth=(--key "$JEWELTRAK_NOTARY_KEY" --key-id "${JEWELTRAK_NOTARY_KEY_ID:?}" \
                     --issuer "${JEWELTRAK_NOTARY_ISSUER:?}")
    fi
    if (( ${#notary_auth[@]} )); then
        xcrun notarytool submit "$DMG" "${notary_auth[@]}" --wait
        xcrun stapler staple "$DMG"
        spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
    else
        echo "No notary profile or key set: $DMG is signed but not notarized."
    fi
fi
echo "Built $DMG"
