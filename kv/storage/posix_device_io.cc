#include "kv/storage/posix_device_io.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging/logger.h"
#include "kv/storage/block_format.h"
#include "kv/storage/storage_error.h"

namespace remora::kv::storage {

namespace {

Error ioError(const std::string& what, const std::string& path, int err) {
  return storageError(
      StorageErrorCode::kIo,
      what + " " + path + ": " + (err != 0 ? std::strerror(err) : "short transfer"));
}

int systemOpen(const char* path, int flags, unsigned mode) {
  return ::open(path, flags, static_cast<mode_t>(mode));
}

}  // namespace

Result<DeviceIoPtr> PosixDeviceIo::open(const std::string& path, uint64_t filesize,
                                        OpenFn open_fn) {
  if (open_fn == nullptr) {
    open_fn = systemOpen;
  }
  bool direct = true;
  int fd = open_fn(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_DIRECT, 0644);
  if (fd < 0 && errno == EINVAL) {
    direct = false;
    fd = open_fn(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      REMORA_LOG(warn, logging::Component::Kv,
                 "storage: {} refuses O_DIRECT; using buffered I/O (durability then rests on "
                 "fdatasync only)",
                 path);
    }
  }
  if (fd < 0) {
    return ioError("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ioError("cannot stat", path, err);
  }
  uint64_t size = filesize;
  if (S_ISBLK(st.st_mode)) {
    if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
      const int err = errno;
      ::close(fd);
      return ioError("cannot size block device", path, err);
    }
  } else if (filesize == 0) {
    ::close(fd);
    return storageError(StorageErrorCode::kIo, "device " + path + ": a file needs a filesize");
  } else if (static_cast<uint64_t>(st.st_size) < filesize) {
    // Sparse: unwritten blocks read as zeros, which is what "free" means.
    if (::ftruncate(fd, static_cast<off_t>(filesize)) != 0) {
      const int err = errno;
      ::close(fd);
      return ioError("cannot size file", path, err);
    }
  }
  size -= size % kIoAlign;
  return DeviceIoPtr(new PosixDeviceIo(path, fd, size, direct));
}

PosixDeviceIo::~PosixDeviceIo() { ::close(fd_); }

Status PosixDeviceIo::readAt(void* buf, size_t len, uint64_t offset) {
  auto* p = static_cast<uint8_t*>(buf);
  while (len > 0) {
    const ssize_t n = ::pread(fd_, p, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return ioError("read failed on", path_, n < 0 ? errno : 0);
    }
    p += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return okStatus();
}

Status PosixDeviceIo::writeAt(const void* buf, size_t len, uint64_t offset) {
  for (;;) {
    const ssize_t n = ::pwrite(fd_, buf, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    // A partial O_DIRECT write means the device is failing or full; the
    // caller rewrites the whole range later, so it is reported, not resumed.
    if (n < 0 || static_cast<size_t>(n) != len) {
      return ioError("write failed on", path_, n < 0 ? errno : 0);
    }
    return okStatus();
  }
}

Status PosixDeviceIo::sync() {
  if (::fdatasync(fd_) != 0) {
    return ioError("fdatasync failed on", path_, errno);
  }
  return okStatus();
}

}  // namespace remora::kv::storage
