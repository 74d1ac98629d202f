// payload::core random identifiers: the 128 random bits that make MIME boundaries and
// AS2 Message-IDs unique without coordination.
#pragma once

#include <string>

namespace payload {

// 32 lower-case hex digits of 128 bits from the kernel's random source (getrandom(2)).
// A std::random_device per call cost about 10 µs here: its constructor probes the CPU
// with cpuid, which traps to the hypervisor in a virtual machine.
[[nodiscard]] std::string random_hex128();

}  // namespace payload
