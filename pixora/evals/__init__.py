"""Agent evaluation: run conversation suites (evals/*.yaml) through the Studio and score them.

- `suite`: the YAML format (cases made of steps, expectations, thresholds, limits).
- `trajectory`: a case's trajectory (handoffs, tool calls and results, approvals) from the
  task's event stream.
- `metrics`: trajectory, breakdown, edits, video, cost, judge - one module each.
- `runner`: runs cases concurrently on one Studio with isolated settings.
- `report`: results.json and report.md; `compare`: what improved or regressed between two runs.
- `cli`: the `pixora eval` command.
"""
