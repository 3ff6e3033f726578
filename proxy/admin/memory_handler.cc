#include "proxy/admin/memory_handler.h"

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace remora::admin {

namespace {
std::string field(const char* name, uint64_t value, bool last = false) {
  return std::string(" \"") + name + "\": \"" + std::to_string(value) + "\"" +
         (last ? "\n" : ",\n");
}
}  // namespace

Result<MemoryUsage> readMemoryUsage() {
  MemoryUsage usage;
  std::FILE* statm = std::fopen("/proc/self/statm", "re");
  if (statm == nullptr) {
    return makeError(std::string("cannot open /proc/self/statm: ") + std::strerror(errno), errno);
  }
  unsigned long long size_pages = 0;
  unsigned long long resident_pages = 0;
  int parsed = std::fscanf(statm, "%llu %llu", &size_pages, &resident_pages);
  std::fclose(statm);
  if (parsed != 2) return makeError("cannot parse /proc/self/statm");
  uint64_t page_size = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  usage.virtual_bytes = size_pages * page_size;
  usage.resident_bytes = resident_pages * page_size;
  struct mallinfo2 info = ::mallinfo2();
  usage.arena = info.arena;
  usage.hblkhd = info.hblkhd;
  usage.uordblks = info.uordblks;
  usage.fordblks = info.fordblks;
  usage.keepcost = info.keepcost;
  return usage;
}

AdminHandler makeMemoryHandler() {
  return [](const AdminRequest&) {
    AdminResponse response;
    auto usage = readMemoryUsage();
    if (!usage.ok()) {
      response.status = 500;
      response.body = usage.error().message + "\n";
      return response;
    }
    const MemoryUsage& u = *usage;
    // Envoy's names come from tcmalloc; these are glibc's nearest figures.
    std::string body = "{\n";
    body += field("allocated", u.uordblks + u.hblkhd);
    body += field("heap_size", u.arena + u.hblkhd);
    body += field("pageheap_unmapped", 0);
    body += field("pageheap_free", u.fordblks);
    body += field("total_thread_cache", 0);
    body += field("total_physical_bytes", u.resident_bytes);
    body += field("resident_bytes", u.resident_bytes);
    body += field("virtual_bytes", u.virtual_bytes);
    body += " \"mallinfo2\": {\n";
    body += " " + field("arena", u.arena);
    body += " " + field("hblkhd", u.hblkhd);
    body += " " + field("uordblks", u.uordblks);
    body += " " + field("fordblks", u.fordblks);
    body += " " + field("keepcost", u.keepcost, true);
    body += " }\n}\n";
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
  };
}

}  // namespace remora::admin
