//! The instruction-set extensions that ggml's CPU levels are built for, asked of the CPU itself
//! in code built for the baseline ISA. This is what decides which CPU code can run:
//! `/proc/cpuinfo` is neither portable (Windows has none) nor true under an emulator.
//!
//! - x86-64: `cpuid`, together with the operating system's support for the register state
//!   (`xgetbv`). The bit positions are Intel's SDM, volume 2A, CPUID; the XCR0 masks are
//!   volume 1, chapter 13.
//! - AArch64: the kernel's hardware capabilities (`AT_HWCAP`/`AT_HWCAP2`, through Rust's
//!   `is_aarch64_feature_detected!`), which is what ggml's Arm levels score by on Linux.
//!
//! Names are ggml's CMake option names, lowercased (`GGML_AVX512_VNNI` → `avx512_vnni`,
//! `GGML_INTERNAL_MATMUL_INT8` → `matmul_int8`), so a level's requirements (from
//! `ggml/src/CMakeLists.txt`) compare directly with the CPU's.
//!
//! Shared by `build.rs` (which CPU levels the build machine can test) and the crate.

/// The features this CPU and OS support, in ggml's names; empty on other architectures.
pub fn detect() -> Vec<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        x86::detect()
    }
    #[cfg(target_arch = "aarch64")]
    {
        arm::detect()
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        Vec::new()
    }
}

#[cfg(target_arch = "aarch64")]
mod arm {
    use std::arch::is_aarch64_feature_detected as has;

    pub fn detect() -> Vec<&'static str> {
        let mut features = Vec::new();
        for (present, name) in [
            (has!("dotprod"), "dotprod"),
            (has!("fp16"), "fp16_vector_arithmetic"),
            (has!("sve"), "sve"),
            (has!("i8mm"), "matmul_int8"),
            (has!("sve2"), "sve2"),
        ] {
            if present {
                features.push(name);
            }
        }
        features
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv, CpuidResult};

    /// XCR0 bits: SSE and AVX (YMM) state; AVX-512 opmask, ZMM0-15 upper halves, ZMM16-31;
    /// AMX tile configuration and tile data.
    const XCR0_AVX: u64 = 0b110;
    const XCR0_AVX512: u64 = 0b1110_0000;
    const XCR0_AMX: u64 = 0b11 << 17;

    pub fn detect() -> Vec<&'static str> {
        let bit = |reg: u32, n: u32| reg & (1 << n) != 0;
        let max_leaf = __cpuid(0).eax;
        let leaf1 = __cpuid(1);
        let none = CpuidResult { eax: 0, ebx: 0, ecx: 0, edx: 0 };
        let leaf7 = if max_leaf >= 7 { __cpuid_count(7, 0) } else { none };
        let leaf7_1 = if leaf7.eax >= 1 { __cpuid_count(7, 1) } else { none };
        // The OS saves the wider registers only where XCR0 says so; without that, AVX code faults.
        let xcr0 = if bit(leaf1.ecx, 27) { unsafe { xgetbv0() } } else { 0 };
        let avx_os = xcr0 & XCR0_AVX == XCR0_AVX;
        let avx512_os = avx_os && xcr0 & XCR0_AVX512 == XCR0_AVX512;
        let amx_os = xcr0 & XCR0_AMX == XCR0_AMX;

        let mut features = Vec::new();
        let mut add = |name: &'static str, present: bool| {
            if present {
                features.push(name);
            }
        };
        add("sse42", bit(leaf1.ecx, 20));
        add("avx", avx_os && bit(leaf1.ecx, 28));
        add("f16c", avx_os && bit(leaf1.ecx, 29));
        add("fma", avx_os && bit(leaf1.ecx, 12));
        add("avx2", avx_os && bit(leaf7.ebx, 5));
        add("bmi2", bit(leaf7.ebx, 8));
        add("avx_vnni", avx_os && bit(leaf7_1.eax, 4));
        add("avx512", avx512_os && bit(leaf7.ebx, 16));
        add("avx512_vbmi", avx512_os && bit(leaf7.ecx, 1));
        add("avx512_vnni", avx512_os && bit(leaf7.ecx, 11));
        add("avx512_bf16", avx512_os && bit(leaf7_1.eax, 5));
        add("amx_tile", amx_os && bit(leaf7.edx, 24));
        add("amx_int8", amx_os && bit(leaf7.edx, 25));
        features
    }

    /// XCR0; only called when CPUID says the OS enabled `xgetbv` (OSXSAVE).
    #[target_feature(enable = "xsave")]
    unsafe fn xgetbv0() -> u64 {
        _xgetbv(0)
    }
}
