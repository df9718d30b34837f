// The PyTorch reference trainer (tools/torch_ref/train_ddpm.py) under torchrun with DistributedDataParallel,
// two CPU processes (gloo) on a tiny generated dataset: tools/torch_ref/test_distributed.py does the runs and
// checks (2 ranks × batch 2 = 1 process × batch 4, resume, SIGTERM, non-finite loss) and prints one line per
// check. Skipped, with the reason shown, where no Python has torch (tools/install-system-deps.sh --torch).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runProcess } from '../run_process.js';

const SCRIPT = new URL('../../tools/torch_ref/test_distributed.py', import.meta.url).pathname;

/** The first Python with torch.distributed: $COMMIN_TORCH_PYTHON alone where set, else Debian's /usr/bin/python3
 *  (the pyenv python3 on PATH may lack torch), then python3 on PATH. */
function torchPython(): string | undefined {
  const set = process.env.COMMIN_TORCH_PYTHON;
  const candidates = set ? [set] : ['/usr/bin/python3', 'python3'];
  return candidates.find((py) =>
    spawnSync(py, ['-c', 'import torch.distributed as d; assert d.is_available() and d.is_gloo_available()'], { stdio: 'ignore' }).status === 0);
}

const PYTHON = torchPython();
const NEEDS_TORCH = 'needs a Python with torch (and torch.distributed with gloo): bash tools/install-system-deps.sh --torch';

describe('train_ddpm.py under torchrun (DDP, 2 CPU ranks)', () => {
  it('2 ranks × batch 2 train as 1 process × batch 4; resume, signals and a non-finite loss stop all ranks', async (ctx) => {
    ctx.skip(!PYTHON, NEEDS_TORCH);
    const r = await runProcess(PYTHON!, [SCRIPT], { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 280_000 });
    const report = `${r.stdout}\n${r.stderr}`;
    expect(r.status, report).toBe(0);
    expect(r.stdout).toMatch(/all checks passed/);
    expect(r.stdout).not.toMatch(/^FAIL/m);
  }, 300_000);
});
