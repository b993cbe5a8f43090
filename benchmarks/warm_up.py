"""Compile the numba kernel once (or load it from its on-disk cache): `make test` runs this
beside lint so that the test workers find the kernel cached."""

import time

import hasim
from hasim.engines.fast import warm_up

t0 = time.perf_counter()
warm_up(hasim.load_model("models/single-server.yaml"))
print(f"numba kernel ready in {time.perf_counter() - t0:.1f} s")
