"""The part of a wrk Lua script that cycles through many paths, shared by the load test
(scripts/load.py) and the bench's search latency (scripts/bench.py).

The paths come in the WRK_PATHS environment variable, one a line (`environment()`); a
script's `init` calls `read_paths()` and sets `counter`, and `request()` asks for the
next path in turn.
"""

ROTATE_PATHS = r"""
function read_paths()
  local found = {}
  for path in string.gmatch(os.getenv("WRK_PATHS"), "[^\n]+") do
    table.insert(found, path)
  end
  return found
end
function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
"""


def environment(base, paths):
    """`base` (an environment) with the paths for `read_paths()`."""
    return {**base, "WRK_PATHS": "\n".join(paths)}
