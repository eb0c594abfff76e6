#!/usr/bin/env python3
"""The app's manifest as the Android Gradle plugin merges it, for aapt2 and Robolectric.

Reads namespace, applicationId, minSdk and targetSdk from android/app/build.gradle.kts and
writes the manifest with package="<applicationId>", relative class names (".Foo") resolved
against the namespace, and <uses-sdk>. Then merges the libraries' manifests (each AAR's
AndroidManifest.xml, given after the app's) as AGP's manifest merger does for what these
libraries declare:

- top-level <uses-permission> and <permission> are added once each (by android:name);
- <application> attributes the app does not set are taken from the library
  (androidx.core's appComponentFactory);
- components (<activity>, <provider>, <receiver>, <service>) are added by android:name; a
  component declared twice is one element whose <meta-data> are the union
  (androidx.startup's InitializationProvider, declared by every library with an
  initializer: tools:node="merge"), so ui-test-manifest's ComponentActivity and
  androidx.test's activities are declared as on a device;
- ${applicationId} becomes the application id; tools: attributes are dropped.

Usage: merge_manifest.py build.gradle.kts AndroidManifest.xml [library/AndroidManifest.xml...] > merged.xml
"""
import re
import sys
import xml.etree.ElementTree as ET

ANDROID = "http://schemas.android.com/apk/res/android"
TOOLS = "http://schemas.android.com/tools"
NAME = f"{{{ANDROID}}}name"
COMPONENTS = ("activity", "activity-alias", "provider", "receiver", "service", "uses-library")

ET.register_namespace("android", ANDROID)
ET.register_namespace("tools", TOOLS)


def setting(gradle: str, name: str) -> str:
    m = re.search(rf'\b{name}\s*=\s*"?([\w.]+)"?', gradle)
    if not m:
        sys.exit(f"{name} not found in build.gradle.kts")
    return m.group(1)


def resolve(element: ET.Element, package: str, app_id: str) -> None:
    """Relative class names against the manifest's package, placeholders, tools: attributes dropped."""
    for e in element.iter():
        for key in list(e.attrib):
            if key.startswith(f"{{{TOOLS}}}"):
                del e.attrib[key]
                continue
            value = e.attrib[key].replace("${applicationId}", app_id)
            if key == NAME and value.startswith(".") and e.tag in COMPONENTS + ("application",):
                value = package + value
            e.attrib[key] = value


def merge_library(app: ET.Element, lib: ET.Element, app_id: str) -> None:
    resolve(lib, lib.get("package", ""), app_id)
    application = app.find("application")
    for tag in ("permission", "uses-permission"):
        have = {e.get(NAME) for e in app.findall(tag)}
        for e in lib.findall(tag):
            if e.get(NAME) not in have:
                # Before <application>, as the merger writes them.
                app.insert(list(app).index(application), e)
                have.add(e.get(NAME))
    lib_app = lib.find("application")
    if lib_app is None:
        return
    for key, value in lib_app.attrib.items():
        application.attrib.setdefault(key, value)
    for component in lib_app:
        if component.tag not in COMPONENTS:
            continue
        same = [c for c in application.findall(component.tag) if c.get(NAME) == component.get(NAME)]
        if not same:
            application.append(component)
            continue
        have = {m.get(NAME) for m in same[0].findall("meta-data")}
        for meta in component.findall("meta-data"):
            if meta.get(NAME) not in have:
                same[0].append(meta)


def main() -> None:
    gradle = open(sys.argv[1], encoding="utf-8").read()
    namespace = setting(gradle, "namespace")
    app_id = setting(gradle, "applicationId")
    min_sdk, target_sdk = setting(gradle, "minSdk"), setting(gradle, "targetSdk")
    app = ET.parse(sys.argv[2]).getroot()
    resolve(app, namespace, app_id)
    app.set("package", app_id)
    uses_sdk = ET.Element("uses-sdk", {f"{{{ANDROID}}}minSdkVersion": min_sdk, f"{{{ANDROID}}}targetSdkVersion": target_sdk})
    app.insert(0, uses_sdk)
    for path in sys.argv[3:]:
        merge_library(app, ET.parse(path).getroot(), app_id)
    ET.indent(app, "    ")
    sys.stdout.write('<?xml version="1.0" encoding="utf-8"?>\n')
    sys.stdout.write(ET.tostring(app, encoding="unicode"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
