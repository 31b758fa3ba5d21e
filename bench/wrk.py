"""wrk (apt), the C load generator: a Lua script that posts GraphQL bodies in turn and counts
answers carrying ``errors``, and one run's figures parsed from its report."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

# wrk: one body per request, cycling through the workload's bodies; an answer with a GraphQL
# "errors" member (or another of the given markers, e.g. a non-empty ``userErrors``) counts as
# an error (wrk itself counts non-2xx and socket errors).
WRK_SCRIPT = """
local bodies = { %(bodies)s }
local headers = { %(headers)s }
local markers = { %(markers)s }
n = 0
errors = 0  -- a global: done() reads each thread's with thread:get
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0 errors = 0 end
function request()
  n = n %% #bodies + 1
  return wrk.format("POST", "/graphql", headers, bodies[n])
end
function response(status, hdrs, body)
  if body then
    for _, marker in ipairs(markers) do
      if string.find(body, marker, 1, true) then errors = errors + 1 break end
    end
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("errors") end
  io.write(string.format("graphql_errors %%d\\n", total))
  io.write(string.format("p50_us %%d\\n", latency:percentile(50)))
  io.write(string.format("p99_us %%d\\n", latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 3
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def wrk_script(
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
    failure_markers: tuple[str, ...] = ('"errors"',),
) -> str:
    encoded = ", ".join(_lua_string(json.dumps(b, ensure_ascii=False)) for b in bodies)
    all_headers = {"Content-Type": "application/json", **headers}
    lua_headers = ", ".join(
        f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in all_headers.items()
    )
    markers = ", ".join(_lua_string(m) for m in failure_markers)
    return WRK_SCRIPT % {"bodies": encoded, "headers": lua_headers, "markers": markers}


def run_wrk(
    url: str, script: Path, *, connections: int, threads: int, seconds: float
) -> tuple[dict[str, float], str]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    text = out.stdout
    numbers: dict[str, float] = {}
    for key, pattern in {
        "requests": r"(\d+) requests in",
        "rps": r"Requests/sec:\s+([\d.]+)",
        "non2xx": r"Non-2xx or 3xx responses: (\d+)",
        "graphql_errors": r"graphql_errors (\d+)",
        "p50_us": r"p50_us (\d+)",
        "p99_us": r"p99_us (\d+)",
    }.items():
        match = re.search(pattern, text)
        numbers[key] = float(match.group(1)) if match else 0.0
    socket_errors = re.search(r"Socket errors: (.*)", text)
    if socket_errors:
        numbers["socket_errors"] = float(
            sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
        )
    return numbers, text
