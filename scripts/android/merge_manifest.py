#!/usr/bin/env python3
"""The app's manifest as the Android Gradle plugin merges it, for aapt2 and Robolectric.

Reads namespace, applicationId, minSdk and targetSdk from android/app/build.gradle.kts and
writes the manifest with package="<applicationId>", relative class names (".Foo") resolved
against the namespace, and <uses-sdk>. Library manifests are not merged (the app declares
every component it uses, FileProvider included).

Usage: merge_manifest.py build.gradle.kts AndroidManifest.xml > merged.xml
"""
import re
import sys


def setting(gradle: str, name: str) -> str:
    m = re.search(rf'\b{name}\s*=\s*"?([\w.]+)"?', gradle)
    if not m:
        sys.exit(f"{name} not found in build.gradle.kts")
    return m.group(1)


def main() -> None:
    gradle = open(sys.argv[1], encoding="utf-8").read()
    manifest = open(sys.argv[2], encoding="utf-8").read()
    namespace = setting(gradle, "namespace")
    app_id = setting(gradle, "applicationId")
    min_sdk, target_sdk = setting(gradle, "minSdk"), setting(gradle, "targetSdk")
    manifest = re.sub(r'android:name="\.', f'android:name="{namespace}.', manifest)
    manifest = re.sub(
        r"<manifest ([^>]*)>",
        lambda m: f'<manifest {m.group(1)} package="{app_id}">\n    <uses-sdk android:minSdkVersion="{min_sdk}" android:targetSdkVersion="{target_sdk}" />',
        manifest,
        count=1,
    )
    sys.stdout.write(manifest)


if __name__ == "__main__":
    main()
