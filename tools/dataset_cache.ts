// Builds (or finds) the decoded, resized training-set cache and prints its path, for the PyTorch reference
// trainer: npx tsx tools/dataset_cache.ts [--data DIR] [--size 64] [--split train]
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { loadImageSet } from '../src/data/folder.js';
import { DEFAULT_DATA } from '../src/cli/defaults.js';

const o = new Command().option('--data <dir>', 'image folder', DEFAULT_DATA).option('--size <n>', 'size', '64').option('--split <s>', 'train | val | all', 'train').parse().opts();
const set = loadImageSet(o.data, Number(o.size), { split: o.split });
const prefix = `${basename(o.data)}-${o.split}-${o.size}-`;
const file = readdirSync('.cache/datasets').find((f) => f.startsWith(prefix));
console.log(`${set.names.length} images → .cache/datasets/${file}`);
