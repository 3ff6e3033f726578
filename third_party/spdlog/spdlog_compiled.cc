// spdlog's out-of-line definitions, compiled once into remora_spdlog (see
// CMakeLists.txt). In SPDLOG_COMPILED_LIB mode the headers only declare these;
// the *-inl.h headers Debian ships hold the definitions. Only what Remora uses
// is here: the logger, the level helpers, the pattern formatter and the stderr
// sink (common/logging/logger.cc).

#ifndef SPDLOG_COMPILED_LIB
#error "remora_spdlog is built with SPDLOG_COMPILED_LIB"
#endif

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_sinks-inl.h>

#include <mutex>

// The class templates Remora instantiates with spdlog's own mutex types.
template class spdlog::sinks::base_sink<std::mutex>;
template class spdlog::sinks::stdout_sink_base<spdlog::details::console_mutex>;
template class spdlog::sinks::stderr_sink<spdlog::details::console_mutex>;
