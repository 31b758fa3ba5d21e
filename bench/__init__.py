"""OneWindow benchmark runner: the real server over HTTP, per backend and workload.

Run ``python -m bench.run --help``; see ``bench/README.md``.
"""
