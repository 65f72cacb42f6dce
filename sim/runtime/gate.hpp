// A counting semaphore kept in user space for flow control between stage actors.
#pragma once

#include <memory>

#include <simgrid/s4u.hpp>

namespace edgesplit::runtime {

/// A counting semaphore with one acquiring actor: SimGrid is only asked to block and wake when
/// the count is 0, which saves a simcall (a context switch to maestro) on each uncontended
/// acquire. Actors run one at a time, so plain integers are safe.
class Gate {
 public:
  explicit Gate(int count) : count_(count), wake_(simgrid::s4u::Semaphore::create(0)) {}
  void acquire() {
    while (count_ == 0) {
      waiting_ = true;
      wake_->acquire();
    }
    --count_;
  }
  void release() {
    ++count_;
    if (waiting_) {
      waiting_ = false;
      wake_->release();
    }
  }

 private:
  int count_;
  bool waiting_ = false;
  simgrid::s4u::SemaphorePtr wake_;
};
using GatePtr = std::shared_ptr<Gate>;

}  // namespace edgesplit::runtime
