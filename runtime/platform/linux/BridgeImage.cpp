// The bridge program, embedded: the static executable built from
// bridge/BridgeMain.cpp (runtime/CMakeLists.txt passes its path as
// MOAT_BRIDGE_IMAGE and rebuilds this file when it changes). Embedding keeps
// moat one self-contained file: a copied or installed moat carries the
// bridge it was built with, never a stale one found beside it.
#include "runtime/platform/linux/Bridge.h"

#ifndef MOAT_BRIDGE_IMAGE
#error "MOAT_BRIDGE_IMAGE (the bridge executable's path) must be defined"
#endif

// .incbin copies the file's bytes into read-only data at assembly time.
__asm__(".section .rodata\n"
        ".balign 16\n"
        "moat_bridge_image_begin:\n"
        ".incbin \"" MOAT_BRIDGE_IMAGE "\"\n"
        "moat_bridge_image_end:\n"
        ".previous\n");

extern "C" const char moat_bridge_image_begin[];
extern "C" const char moat_bridge_image_end[];

namespace moat::runtime::linux_platform {

std::string_view bridgeImage() {
  return {moat_bridge_image_begin, static_cast<size_t>(moat_bridge_image_end - moat_bridge_image_begin)};
}

} // namespace moat::runtime::linux_platform
