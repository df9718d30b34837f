"""`torchrun` for Debian bookworm's python3-torch (1.13 on Python 3.11), whose own torchrun fails before it
starts a worker: "AttributeError: 'NoneType' object has no attribute 'get'" in elastic/multiprocessing/api.py
to_map. Its Std.from_str("0") looks the value up by iterating the IntFlag Std, and Python 3.11 no longer
yields the zero member NONE, so the default --redirects 0 / --tee 0 become None. This puts NONE back and
runs torch.distributed.run with the same arguments; any other torch runs unchanged (use its torchrun).

    /usr/bin/python3 tools/torch_ref/torchrun.py --standalone --nproc_per_node 2 tools/torch_ref/train_ddpm.py …
"""
import sys

from torch.distributed.elastic.multiprocessing import api
from torch.distributed import run

_from_str = api.Std.from_str


def _from_str_fixed(vm):
    r = _from_str(vm)
    if isinstance(r, dict):
        return {k: api.Std.NONE if v is None else v for k, v in r.items()}
    return api.Std.NONE if r is None else r


if _from_str("0") is None:
    api.Std.from_str = staticmethod(_from_str_fixed)

if __name__ == "__main__":
    sys.exit(run.main())
