#!/usr/bin/env bash
# Renders every screen of android/ui to build/screenshots/<screen>-<lang>[-dark][-font2].png
# (zh and en, light and dark, font scale 1.0 and 2.0; see scripts/compose.sh).
# TUILU_SCREENS=checklist,evidence renders only the screens named.
exec "$(dirname "$0")/compose.sh" screens
