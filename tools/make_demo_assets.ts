// Writes the bundled demo images (assets/demo/) from the Kodak set: 64×64 crops, the size of the committed
// face models. faces/: a square around the face of each Kodak portrait, resized with area averaging;
// kodak/: the centre square of a few scenes, exactly what `toSquare(image, 64)` makes of the full image (so
// the demo and the web page give the same results from a crop as from the full Kodak file).
// npx tsx tools/make_demo_assets.ts [--kodak ../shared/data/kodak] [--out assets/demo]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { decodeImage, encodePng, resize, toSquare, type RgbImage } from '../src/data/image.js';
import { KODAK_DIR, REPO_ROOT } from '../src/cli/defaults.js';

const SIZE = 64;
/** Kodak portraits: the square [x, x + side) × [y, y + side) of the full image around the face. */
const FACE_BOXES: Record<string, [number, number, number]> = {
  kodim04: [105, 190, 370], // woman in a red hat
  kodim15: [345, 0, 400], // girl with a painted face
  kodim17: [140, 130, 200], // statue's head
  kodim18: [240, 145, 110], // woman in a dark dress (a small face in the full image)
};
/** Scenes, centre-cropped: the demo's first Kodak image and the web page's former default among them. */
const SCENES = ['kodim01', 'kodim03', 'kodim05', 'kodim23'];

function cut(im: RgbImage, x: number, y: number, s: number): RgbImage {
  if (x < 0 || y < 0 || x + s > im.width || y + s > im.height) throw new Error(`crop ${s}×${s} at (${x}, ${y}) is outside the ${im.width}×${im.height} image`);
  const d = new Uint8Array(s * s * 3);
  for (let r = 0; r < s; r++) d.set(im.data.subarray(((y + r) * im.width + x) * 3, ((y + r) * im.width + x + s) * 3), r * s * 3);
  return { width: s, height: s, data: d };
}

const o = new Command().option('--kodak <dir>', 'the 24 Kodak PNGs', KODAK_DIR).option('--out <dir>', 'output folder', join(REPO_ROOT, 'assets/demo')).parse().opts();
const load = (name: string) => decodeImage(new Uint8Array(readFileSync(join(o.kodak, `${name}.png`))), name);
mkdirSync(join(o.out, 'faces'), { recursive: true });
mkdirSync(join(o.out, 'kodak'), { recursive: true });
for (const [name, [x, y, s]] of Object.entries(FACE_BOXES)) {
  writeFileSync(join(o.out, 'faces', `${name}_face.png`), encodePng(resize(cut(load(name), x, y, s), SIZE, SIZE)));
}
for (const name of SCENES) writeFileSync(join(o.out, 'kodak', `${name}.png`), encodePng(toSquare(load(name), SIZE)));
console.log(`wrote ${Object.keys(FACE_BOXES).length} face crops and ${SCENES.length} centre crops (${SIZE}×${SIZE}) under ${o.out}`);
