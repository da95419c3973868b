#!/usr/bin/env bash
# Installs the Debian packages Docket needs, only those that are missing.
set -euo pipefail

packages=(
  libmagic1              # content sniffing (python-magic)
  poppler-utils          # pdftotext, pdftoppm: PDF text layers and page images
  poppler-data           # CMaps, without which Chinese text is silently lost from PDFs
  fonts-noto-cjk         # Chinese glyphs for rendering PDFs that do not embed their font
  fonts-wqy-zenhei       # a TrueType CJK font for the test scanner's rendered pages
  tesseract-ocr          # the second OCR engine (RapidOCR ships in its Python wheel)
  tesseract-ocr-chi-sim
  tesseract-ocr-chi-tra
  tesseract-ocr-osd      # page orientation detection
  dovecot-imapd          # a real IMAP server for the mailbox source's tests
  chromium               # the browser the UI tests drive (Playwright, never a downloaded one)
  gettext                # msgfmt/xgettext: the UI's translation catalogues
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q
# Install, but start no system services (dovecot is only run by the tests, on its own port).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
  $sudo_cmd chmod +x "$policy"
  trap '$sudo_cmd rm -f "$policy"' EXIT
fi
$sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
