// Forwarding meson subprojects for mediasoup's worker: each one stands in for
// a wrap mediasoup would download and forwards to the Debian 12 package's
// pkg-config dependency instead (see scripts/mediasoup-worker.mjs).
// Node builtins only: bootstrap imports this before `npm install`.

/**
 * mediasoup >= 3.13 is written against libsrtp 3 (its own fork): size_t
 * lengths and srtp_stream_remove(). Debian 12 ships libsrtp 2.5: the same
 * functions with int lengths, and srtp_remove_stream(). mediasoup includes
 * <srtp.h>; this one includes Debian's and adds C++ overloads with the new
 * signatures (packets are at most 64 KiB, so the int conversion is exact).
 */
const SRTP_COMPAT_H = `#ifndef COUNTERWATCH_SRTP_COMPAT_H
#define COUNTERWATCH_SRTP_COMPAT_H
#include <srtp2/srtp.h>
#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>

#define COUNTERWATCH_SRTP_SIZE_T(fn)                                              \\
  inline srtp_err_status_t fn(srtp_t ctx, void* hdr, std::size_t* len)           \\
  {                                                                              \\
    if (*len > static_cast<std::size_t>(INT_MAX - SRTP_MAX_TRAILER_LEN))         \\
      return srtp_err_status_bad_param;                                          \\
    int intLen = static_cast<int>(*len);                                         \\
    const srtp_err_status_t err = ::fn(ctx, hdr, &intLen);                       \\
    *len = static_cast<std::size_t>(intLen);                                     \\
    return err;                                                                  \\
  }
COUNTERWATCH_SRTP_SIZE_T(srtp_protect)
COUNTERWATCH_SRTP_SIZE_T(srtp_unprotect)
COUNTERWATCH_SRTP_SIZE_T(srtp_protect_rtcp)
COUNTERWATCH_SRTP_SIZE_T(srtp_unprotect_rtcp)
#undef COUNTERWATCH_SRTP_SIZE_T

inline srtp_err_status_t srtp_stream_remove(srtp_t session, std::uint32_t ssrc)
{
  return srtp_remove_stream(session, ssrc);
}
#endif
#endif
`;

/**
 * mediasoup's tests include two Catch2 v3 headers and use only macros and
 * Catch::Session that Catch2 2.13 (Debian 12's) has under the same names.
 */
const CATCH2_V3_HEADERS = {
  'catch2/catch_test_macros.hpp': '#pragma once\n#include <catch2/catch.hpp>\n',
  // Only tests.cpp (which has main()) includes it: Catch2 2.x compiles its runner there.
  'catch2/catch_session.hpp': '#pragma once\n#define CATCH_CONFIG_RUNNER\n#include <catch2/catch.hpp>\n',
};

/** name → meson.build body, options it must accept, and extra files. */
export const SUBPROJECTS = {
  openssl: {
    options: [],
    build: `
openssl_dep = dependency('openssl', version: '>= 3.0')
libcrypto_lib = static_library('empty_libcrypto', 'empty.c')
libssl_lib = static_library('empty_libssl', 'empty.c')
`,
  },
  libuv: {
    options: ['build_tests', 'build_benchmarks'],
    build: `
libuv_dep = dependency('libuv')
libuv = static_library('empty_libuv', 'empty.c')
`,
  },
  libsrtp2: {
    options: ['crypto-library', 'crypto-library-kdf', 'tests'],
    build: `
libsrtp2_dep = declare_dependency(
  dependencies: dependency('libsrtp2', version: '>= 2.5'),
  include_directories: include_directories('compat'),
)
libsrtp2 = static_library('empty_libsrtp2', 'empty.c')
`,
    files: { 'compat/srtp.h': SRTP_COMPAT_H },
  },
  usrsctp: {
    options: ['sctp_build_programs'],
    build: `
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('empty_usrsctp', 'empty.c')
`,
  },
  'abseil-cpp': {
    options: [],
    build: `
absl_container_dep = dependency('absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_memory')
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional', 'absl_variant')
absl_container_lib = static_library('empty_absl', 'empty.c')
`,
  },
  // Debian's flatc 2.0.8 generates the FBS headers (fbs/meson.build finds it
  // on PATH) for Debian's flatbuffers 2.0.8 headers: the two always match.
  flatbuffers: {
    options: [],
    build: `
flatbuffers_dep = dependency('flatbuffers', version: '>= 2.0.8')
flatbuffers_lib = static_library('empty_flatbuffers', 'empty.c')
`,
  },
  // Only the test binary uses it; the worker builds without Catch2 installed.
  catch2: {
    options: [],
    build: `
catch2_dep = declare_dependency(
  dependencies: dependency('catch2', version: ['>= 2.13', '< 3'], required: false),
  include_directories: include_directories('v3-headers'),
)
`,
    files: Object.fromEntries(Object.entries(CATCH2_V3_HEADERS).map(([k, v]) => [`v3-headers/${k}`, v])),
  },
};

/** The subprojects directory's files, relative to it. */
export function subprojectFiles() {
  const files = {};
  for (const [name, spec] of Object.entries(SUBPROJECTS)) {
    files[`${name}/empty.c`] =
      '/* Placeholder: the system library is linked through its pkg-config dependency. */\n';
    files[`${name}/meson.build`] =
      `project('${name}', ['c', 'cpp'], meson_version: '>= 1.0.0')\n${spec.build}`;
    files[`${name}/meson_options.txt`] = spec.options
      .map((o) => `option('${o}', type: 'string', value: '', description: 'accepted and ignored')\n`)
      .join('');
    for (const [rel, content] of Object.entries(spec.files ?? {})) files[`${name}/${rel}`] = content;
  }
  return files;
}
