#!/usr/bin/env python3
"""16 KB page check for the native libraries the app ships from others (JNA's AAR).

Reads every jni/<abi>/*.so in the AAR and the alignment of its PT_LOAD segments from the
ELF program headers (what `llvm-readelf -l` shows as Align). Android 15+ devices with 16 KB
pages load a library only if every LOAD segment is aligned to at least 16 KB; Google Play
requires it for the 64-bit ABIs. Our own library's flag is checked by the Rust test
bindings/ffi/tests/link_args.rs; this script also checks that build.rs uses it.

Usage: page_size_check.py JNA.aar bindings/ffi/build.rs
Prints one line per library and "16k: N passed, N failed".
"""
import struct
import sys
import zipfile

PAGE_16K = 16384
# The app's ABIs (android/app/build.gradle.kts abiFilters); 16 KB pages exist on 64-bit ones.
REQUIRED = {"arm64-v8a", "x86_64"}
SHIPPED = {"arm64-v8a", "armeabi-v7a", "x86_64"}
PT_LOAD = 1


def load_alignments(elf: bytes) -> list[int]:
    if elf[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    is64 = elf[4] == 2
    endian = "<" if elf[5] == 1 else ">"
    if is64:
        phoff, = struct.unpack_from(endian + "Q", elf, 0x20)
        phentsize, phnum = struct.unpack_from(endian + "HH", elf, 0x36)
    else:
        phoff, = struct.unpack_from(endian + "I", elf, 0x1C)
        phentsize, phnum = struct.unpack_from(endian + "HH", elf, 0x2A)
    aligns = []
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, = struct.unpack_from(endian + "I", elf, off)
        if p_type != PT_LOAD:
            continue
        if is64:
            p_align, = struct.unpack_from(endian + "Q", elf, off + 0x30)
        else:
            p_align, = struct.unpack_from(endian + "I", elf, off + 0x1C)
        aligns.append(p_align)
    return aligns


def main() -> int:
    aar, build_rs = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with zipfile.ZipFile(aar) as z:
        libs = sorted(n for n in z.namelist() if n.startswith("jni/") and n.endswith(".so"))
        abis = {n.split("/")[1] for n in libs}
        if not SHIPPED <= abis:
            print(f"{aar}: missing ABIs {sorted(SHIPPED - abis)}")
            failed += 1
        for name in libs:
            abi = name.split("/")[1]
            aligns = load_alignments(z.read(name))
            least = min(aligns)
            ok = least >= PAGE_16K
            print(f"{name}: LOAD align {least} ({'16 KB ok' if ok else '4 KB only'})")
            if abi in REQUIRED:
                if ok:
                    passed += 1
                else:
                    failed += 1
    text = open(build_rs, encoding="utf-8").read()
    if "link_args::cdylib_link_args" in text and "rustc-cdylib-link-arg" in text:
        passed += 1
    else:
        print(f"{build_rs}: does not emit link_args::cdylib_link_args (max-page-size=16384 for Android)")
        failed += 1
    print(f"16k: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
