#include "metrics.h"

#include <sstream>

namespace blankett {

namespace {

std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

std::pair<std::string, std::string> split(const std::string& key) {
  const size_t bar = key.find('|');
  return {key.substr(0, bar), key.substr(bar + 1)};
}

}  // namespace

void Metrics::request(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[method + "|" + route + "|" + std::to_string(status)];
  Histogram& h = latencies_[method + "|" + route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::submission_accepted(const std::string& form_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++accepted_[form_id];
}

void Metrics::submission_rejected(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++rejected_[reason];
}

std::string Metrics::render(const std::string& extra) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP blankett_http_requests_total HTTP requests by method, route and status.\n"
      << "# TYPE blankett_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto [method, rest] = split(key);
    const auto [route, status] = split(rest);
    out << "blankett_http_requests_total{method=\"" << label(method) << "\",route=\"" << label(route) << "\",status=\""
        << status << "\"} " << n << "\n";
  }
  out << "# HELP blankett_http_request_duration_seconds Time to answer a request.\n"
      << "# TYPE blankett_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latencies_) {
    const auto [method, route] = split(key);
    const std::string labels = "method=\"" + label(method) + "\",route=\"" + label(route) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "blankett_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i] << "\"} " << h.counts[i] << "\n";
    }
    out << "blankett_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count << "\n"
        << "blankett_http_request_duration_seconds_sum{" << labels << "} " << h.sum << "\n"
        << "blankett_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
  }
  out << "# HELP blankett_submissions_accepted_total Submissions stored, by form.\n"
      << "# TYPE blankett_submissions_accepted_total counter\n";
  for (const auto& [form, n] : accepted_) out << "blankett_submissions_accepted_total{form=\"" << label(form) << "\"} " << n << "\n";
  out << "# HELP blankett_submissions_rejected_total Submissions refused, by reason (error code).\n"
      << "# TYPE blankett_submissions_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_) out << "blankett_submissions_rejected_total{reason=\"" << label(reason) << "\"} " << n << "\n";
  out << extra;
  return out.str();
}

}  // namespace blankett
