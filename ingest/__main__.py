"""``python -m ingest``: the documented command name of the index-building CLI.

Building the index drives ingest/ and writes retrieval/'s stores, so the CLI's code lives above both, in
``retrieval/ingest_cli.py``; this module runs it under the name users and benchmarks know.
"""

import runpy

runpy.run_module("retrieval.ingest_cli", run_name="__main__", alter_sys=True)
