// Builds (or finds) the decoded, resized training-set cache and prints its path, for the PyTorch reference
// trainer: npx tsx tools/dataset_cache.ts [--data DIR] [--size 64] [--split train]
import { Command } from 'commander';
import { checkDataFolder, imageCachePath, loadImageSet, selectImages } from '../src/data/folder.js';
import { DEFAULT_DATA } from '../src/cli/defaults.js';

const o = new Command().option('--data <dir>', 'image folder', DEFAULT_DATA).option('--size <n>', 'size', '64').option('--split <s>', 'train | val | all', 'train').parse().opts();
checkDataFolder(o.data);
const set = loadImageSet(o.data, Number(o.size), { split: o.split });
// the file of this exact set: older caches of the folder (other files, sizes or times) may sit beside it
const file = imageCachePath(o.data, Number(o.size), selectImages(o.data, { split: o.split }), { split: o.split });
console.log(`${set.names.length} images → ${file}`);
