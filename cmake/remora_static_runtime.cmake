# What a Remora process maps at start-up (docs/architecture.md, "What a
# process costs"). Shared libraries cost resident pages for their relocations,
# symbol tables and start-up code whether or not the process calls them:
# libstdc++ alone was 1.5 MB of a 8.2 MB idle sidecar. With
# REMORA_STATIC_RUNTIME, libstdc++, libgcc, OpenSSL, yaml-cpp and libevent are
# linked from their static archives, so only the parts Remora calls are mapped.
# OpenSSL counts most under TLS load: the shared libcrypto had 4.1 MB resident
# in a proxy serving mTLS handshakes, mostly fault-around pages of code and
# tables it never calls; linked in, the same proxy peaked 0.9-1.0 MB lower.
# As with Envoy's BoringSSL, an OpenSSL fix then ships as a rebuilt Remora
# (the container image is rebuilt for it either way). libc stays shared.
# (CMakeLists.txt sets OPENSSL_USE_STATIC_LIBS before find_package(OpenSSL).)
#
# Every build also drops unreferenced functions and data at link time, which
# keeps the mapped text of each executable to what it can reach, and links a
# shared library only if something calls it (libm was loaded, 350 KB resident,
# for one llround).
#
# Every epoll_ctl and epoll_wait of a program goes through
# common/event/epoll_wrap.cc (linked right after libevent): a closing socket
# is spared libevent's EPOLL_CTL_DEL, and EPOLLERR/EPOLLHUP reach libevent as
# EPOLLRDHUP, so connections can trust short reads (see epoll_wrap.h). Only
# the static libevent's calls are wrapped.
#
# Defines remora::yaml-cpp and remora::libevent for the folders to link.

add_compile_options(-ffunction-sections -fdata-sections)
add_link_options(-Wl,--gc-sections -Wl,--as-needed)

add_library(remora::yaml-cpp INTERFACE IMPORTED)
add_library(remora::libevent INTERFACE IMPORTED)
target_link_options(remora::libevent INTERFACE -Wl,--wrap=epoll_ctl,--wrap=epoll_wait)

if(REMORA_STATIC_RUNTIME)
  # No shared library may pull in the shared libstdc++ beside the static one:
  # spdlog and {fmt} are compiled in (third_party/spdlog), yaml-cpp is static.
  add_link_options(-static-libstdc++ -static-libgcc)
  find_library(REMORA_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
  find_library(REMORA_EVENT_CORE_ARCHIVE NAMES libevent_core.a REQUIRED)
  find_library(REMORA_EVENT_EXTRA_ARCHIVE NAMES libevent_extra.a REQUIRED)
  find_library(REMORA_EVENT_PTHREADS_ARCHIVE NAMES libevent_pthreads.a REQUIRED)
  get_target_property(yaml_includes yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
  target_link_libraries(remora::yaml-cpp INTERFACE ${REMORA_YAML_CPP_ARCHIVE})
  if(yaml_includes)
    target_include_directories(remora::yaml-cpp INTERFACE ${yaml_includes})
  endif()
  target_link_libraries(remora::libevent INTERFACE
    ${REMORA_EVENT_EXTRA_ARCHIVE} ${REMORA_EVENT_PTHREADS_ARCHIVE} ${REMORA_EVENT_CORE_ARCHIVE}
    Threads::Threads remora_epoll_wrap)
  target_include_directories(remora::libevent INTERFACE ${LIBEVENT_INCLUDE_DIRS})
else()
  target_link_libraries(remora::yaml-cpp INTERFACE yaml-cpp)
  target_link_libraries(remora::libevent INTERFACE PkgConfig::LIBEVENT remora_epoll_wrap)
endif()
