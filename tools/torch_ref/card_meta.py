"""Prints the metadata of a train_ddpm.py checkpoint as the JSON `tools/convert_ddpm.ts --meta` takes, so
the converted model's card (tools/model_card.ts) records steps, batch, wall time, each stretch of training
and the loss history read from the run's logs ("step N loss L" lines, every 250 steps kept).

    /usr/bin/python3 tools/torch_ref/card_meta.py runs/prior_64.pt runs/prior_64.train.log [more logs]
"""
import json
import re
import sys

import torch


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: card_meta.py CHECKPOINT.pt [LOG ...]")
    ck = torch.load(sys.argv[1], map_location="cpu")
    history = {}
    for log in sys.argv[2:]:
        for line in open(log):
            m = re.match(r"step (\d+) loss ([\d.]+)", line)
            if m and int(m.group(1)) % 250 == 0:
                history[int(m.group(1))] = float(m.group(2))
    stretches = ck.get("stretches", [])
    print(json.dumps({
        "step": str(ck["step"]), "seconds": str(round(ck["seconds"], 1)), "runs": str(ck.get("runs", 1)),
        "batch": str(stretches[-1]["batch"]) if stretches else "16",
        "stretches": json.dumps(stretches),
        "history": json.dumps([{"step": s, "trainLoss": history[s]} for s in sorted(history)]),
        "commandLine": ck.get("command", ""),
        # the DeepJSCC whose outputs a control branch was trained on (the engine checks it)
        **({"jsccBcr": json.dumps(ck["jsccBcr"])} if "jsccBcr" in ck else {}),
    }))


if __name__ == "__main__":
    main()
