#!/usr/bin/env bash
# Renders every screen of android/ui to build/screenshots/<screen>-<lang>.png (see scripts/compose.sh).
exec "$(dirname "$0")/compose.sh" screens
