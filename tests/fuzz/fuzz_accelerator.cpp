// libFuzzer target: an accelerator file, 2024 form (string connectivity, offchip_core file)
// and 2025+ form (offchip_core_id, link and bus entries). Core files are resolved relative to
// STREAM_FUZZ_HW_DIR, which holds every core file of tests/data (CMake copies them there).
#include "fuzz_support.hpp"
#include "stream/hardware/load.hpp"

STREAM_FUZZ_TARGET({
  (void)stream::hardware::parse_accelerator(text, STREAM_FUZZ_HW_DIR "/fuzz_accelerator.yaml");
})
