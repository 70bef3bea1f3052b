// Counters and latency histograms, exposed at GET /metrics in the Prometheus text format.
// Thread-safe; cheap enough to call on every request.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace blankett {

class Metrics {
 public:
  // A finished request: route is a pattern ("/api/forms/{id}/submissions"), not a path,
  // so personal data in URLs never reaches the metrics.
  void request(const std::string& method, const std::string& route, int status, double seconds);
  void submission_accepted(const std::string& form_id);
  void submission_rejected(const std::string& reason);  // an error code, e.g. answer.required
  // Prometheus exposition text; `extra` is appended (e.g. the writer's counters).
  std::string render(const std::string& extra) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> requests_;     // "method|route|status"
  std::map<std::string, Histogram> latencies_;   // "method|route"
  std::map<std::string, uint64_t> accepted_;     // form id
  std::map<std::string, uint64_t> rejected_;     // reason
};

}  // namespace blankett
