#include "dependency_graph.h"

#include <algorithm>

namespace blankett {
namespace {

void add_unique(std::vector<int>* v, int x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

void add_dependent(std::vector<Dependent>* v, int node, bool all_rows) {
  for (Dependent& d : *v) {
    if (d.node == node) {
      d.all_rows |= all_rows;
      return;
    }
  }
  v->push_back(Dependent{node, all_rows});
}

}  // namespace

void build_dependency_graph(CompiledForm* form, Errors* errors) {
  const int nf = static_cast<int>(form->fields.size());
  const int ns = static_cast<int>(form->steps.size());
  const int n = nf + ns;
  // reads[node]: nodes this node's visibility/value reads (edges point the other way).
  std::vector<std::vector<int>> reads(static_cast<size_t>(n));
  // column_reads[node]: fields this node reads across all rows (aggregates).
  std::vector<std::vector<int>> column_reads(static_cast<size_t>(n));
  auto add_reads = [&](int node, int expr) {
    const Expression& e = form->expressions[static_cast<size_t>(expr)];
    for (int x : e.reads) add_unique(&reads[static_cast<size_t>(node)], x);
    for (int x : e.column_reads) add_unique(&column_reads[static_cast<size_t>(node)], x);
  };

  for (int f = 0; f < nf; ++f) {
    Field& fd = form->fields[static_cast<size_t>(f)];
    auto& r = reads[static_cast<size_t>(f)];
    for (int e : {fd.visible_if, fd.calculate}) {
      if (e >= 0) add_reads(f, e);
    }
    if (fd.group >= 0) add_unique(&r, fd.group);     // hidden with its group
    else add_unique(&r, nf + fd.step);               // hidden with its step
    // Validation reads feed no value, so they are edges outside the ordering.
    std::vector<int> validation_exprs;
    if (fd.required_if >= 0) validation_exprs.push_back(fd.required_if);
    for (const Constraint& c : fd.constraints) {
      if (c.expr >= 0) validation_exprs.push_back(c.expr);
    }
    for (int e : validation_exprs) {
      const Expression& ex = form->expressions[static_cast<size_t>(e)];
      for (int x : ex.reads) {
        const bool all_rows = std::find(ex.column_reads.begin(), ex.column_reads.end(), x) != ex.column_reads.end();
        if (x != f || all_rows) add_dependent(&form->fields[static_cast<size_t>(x)].validation_dependents, f, all_rows);
      }
    }
  }
  for (int s = 0; s < ns; ++s) {
    const Step& st = form->steps[static_cast<size_t>(s)];
    if (st.visible_if >= 0) add_reads(nf + s, st.visible_if);
  }
  // Dependents of fields (steps' dependents are their fields, known from Step::fields and
  // Field::children, so they need no list of their own).
  for (int node = 0; node < n; ++node) {
    const auto& cols = column_reads[static_cast<size_t>(node)];
    for (int x : reads[static_cast<size_t>(node)]) {
      if (x >= nf) continue;
      const bool all_rows = std::find(cols.begin(), cols.end(), x) != cols.end();
      add_dependent(&form->fields[static_cast<size_t>(x)].value_dependents, node, all_rows);
    }
  }

  // Kahn's algorithm, taking the lowest node first so the order is deterministic.
  std::vector<int> indegree(static_cast<size_t>(n), 0);
  std::vector<std::vector<int>> out(static_cast<size_t>(n));
  for (int node = 0; node < n; ++node) {
    for (int x : reads[static_cast<size_t>(node)]) {
      out[static_cast<size_t>(x)].push_back(node);
      ++indegree[static_cast<size_t>(node)];
    }
  }
  std::vector<int> ready;
  for (int node = n - 1; node >= 0; --node) {
    if (indegree[static_cast<size_t>(node)] == 0) ready.push_back(node);
  }
  // Steps first among equals: a stack popped from the back; push so low indexes pop first.
  form->evaluation_order.clear();
  while (!ready.empty()) {
    const int node = ready.back();
    ready.pop_back();
    form->evaluation_order.push_back(node);
    std::vector<int> released;
    for (int d : out[static_cast<size_t>(node)]) {
      if (--indegree[static_cast<size_t>(d)] == 0) released.push_back(d);
    }
    std::sort(released.rbegin(), released.rend());
    ready.insert(ready.end(), released.begin(), released.end());
  }
  if (static_cast<int>(form->evaluation_order.size()) == n) {
    for (int i = 0; i < n; ++i) {
      const int node = form->evaluation_order[static_cast<size_t>(i)];
      if (node < nf) form->fields[static_cast<size_t>(node)].order = i;
      else form->steps[static_cast<size_t>(node - nf)].order = i;
    }
    return;
  }

  // Cycles: walk from each unfinished node along `reads` among unfinished nodes until a
  // node repeats; report that loop once.
  auto name = [&](int node) {
    return node < nf ? form->fields[static_cast<size_t>(node)].id : "step " + form->steps[static_cast<size_t>(node - nf)].id;
  };
  auto pointer = [&](int node) {
    if (node < nf) {
      const Field& f = form->fields[static_cast<size_t>(node)];
      if (f.calculate >= 0) return form->expressions[static_cast<size_t>(f.calculate)].pointer;
      if (f.visible_if >= 0) return form->expressions[static_cast<size_t>(f.visible_if)].pointer;
      return f.pointer;
    }
    const Step& s = form->steps[static_cast<size_t>(node - nf)];
    return s.visible_if >= 0 ? form->expressions[static_cast<size_t>(s.visible_if)].pointer : s.pointer;
  };
  std::vector<char> reported(static_cast<size_t>(n), 0);
  for (int start = 0; start < n; ++start) {
    if (indegree[static_cast<size_t>(start)] == 0 || reported[static_cast<size_t>(start)]) continue;
    std::vector<int> path;
    std::vector<int> position(static_cast<size_t>(n), -1);
    int node = start;
    while (position[static_cast<size_t>(node)] < 0) {
      position[static_cast<size_t>(node)] = static_cast<int>(path.size());
      path.push_back(node);
      int next = -1;
      for (int x : reads[static_cast<size_t>(node)]) {
        if (indegree[static_cast<size_t>(x)] > 0) { next = x; break; }
      }
      if (next < 0) break;  // cannot happen for a node left by Kahn, but stay safe
      node = next;
    }
    if (position[static_cast<size_t>(node)] < 0) continue;
    std::vector<int> loop(path.begin() + position[static_cast<size_t>(node)], path.end());
    bool seen = false;
    for (int x : loop) seen |= reported[static_cast<size_t>(x)] != 0;
    for (int x : loop) reported[static_cast<size_t>(x)] = 1;
    if (seen) continue;
    // Report at the first node (by index) whose own expression takes part, so the pointer
    // names text the developer wrote; then the loop reads forwards: a reads b reads … a.
    auto has_expression = [&](int x) {
      if (x < nf) {
        const Field& f = form->fields[static_cast<size_t>(x)];
        return f.calculate >= 0 || f.visible_if >= 0;
      }
      return form->steps[static_cast<size_t>(x - nf)].visible_if >= 0;
    };
    auto start_at = std::min_element(loop.begin(), loop.end(), [&](int a, int b) {
      if (has_expression(a) != has_expression(b)) return has_expression(a);
      return a < b;
    });
    std::rotate(loop.begin(), start_at, loop.end());
    std::string chain;
    for (int x : loop) chain += name(x) + " → ";
    chain += name(loop.front());
    const std::string msg = loop.size() == 1 ? "'" + name(loop.front()) + "' depends on itself"
                                             : "circular dependency: " + chain + " (each needs the next to be known first)";
    errors->push_back(Error{"form.cycle", pointer(loop.front()), 0, 0, msg});
  }
}

}  // namespace blankett
