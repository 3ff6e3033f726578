#include "filters/network/filter_manager_impl.h"

namespace remora::filters {

void FilterManagerImpl::addReadFilter(ReadFilterPtr filter) {
  filter->initializeReadFilterCallbacks(*this);
  filters_.push_back(std::move(filter));
}

void FilterManagerImpl::initialize(bool defer_filters) {
  connection_.setReadSink(this);
  if (!defer_filters) continueReading();
}

void FilterManagerImpl::startFilters() {
  if (initialized_upto_ > 0) return;
  continueReading();
  // Plaintext that arrived with the end of the handshake waits in the read
  // buffer; a pause/resume delivers it now that filters are listening.
  if (connection_.state() == network::ConnectionState::Open && !stopped_in_init_) {
    connection_.readDisable(true);
    connection_.readDisable(false);
  }
}

void FilterManagerImpl::continueReading() {
  // Runs onNewConnection for the filters not yet started; a StopIteration
  // pauses here until that filter calls continueReading().
  while (initialized_upto_ < filters_.size()) {
    ReadFilter& filter = *filters_[initialized_upto_++];
    if (filter.onNewConnection() == FilterStatus::StopIteration) {
      stopped_in_init_ = true;
      connection_.readDisable(true);
      return;
    }
    if (connection_.state() != network::ConnectionState::Open) return;
  }
  if (stopped_in_init_) {
    stopped_in_init_ = false;
    connection_.readDisable(false);
  }
}

void FilterManagerImpl::onData(buffer::Buffer& data, bool end_stream) {
  iterate(0, &data, end_stream);
}

void FilterManagerImpl::iterate(size_t start, buffer::Buffer* data, bool end_stream) {
  for (size_t i = start; i < filters_.size() && i < initialized_upto_; ++i) {
    if (filters_[i]->onData(*data, end_stream) == FilterStatus::StopIteration) return;
    if (connection_.state() == network::ConnectionState::Closed) return;
  }
}

bool FilterManagerImpl::earlierFiltersIgnoreData(const ReadFilter& self) const {
  for (size_t i = 0; i < filters_.size(); ++i) {
    if (filters_[i].get() == &self) return true;
    if (filters_[i]->inspectsData()) return false;
  }
  return false;  // `self` is not in this chain
}

void FilterManagerImpl::onConnectionClosed() {
  for (size_t i = 0; i < filters_.size(); ++i) filters_[i]->onConnectionClosed();
}

}  // namespace remora::filters
