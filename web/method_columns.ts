// The page's method picker and result columns: one checkbox per registered method, one column per checked
// method. Only DOM here; main.ts decides what runs and fills the columns in.
import type { Method } from '../src/pipeline/index.js';
import type { RgbImage } from '../src/data/image.js';

/** One method's result column: label, reconstruction, scores, time and sampling progress. */
export interface Column {
  method: Method;
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  scores: HTMLElement;
  time: HTMLElement;
  progress: HTMLProgressElement;
  progressText: HTMLElement;
  /** A link that saves the reconstruction as PNG (hidden until there is one). */
  download: HTMLAnchorElement;
}

/** One method's checkbox and the line under it that says why it is disabled. */
export interface Choice {
  method: Method;
  box: HTMLInputElement;
  reason: HTMLElement;
  /** Whether its models are missing at the current SNR (set by setAvailability). */
  unavailable?: boolean;
}

/** Draws an RGB image into a canvas at its own size, shown 3× for a thumbnail (pixelated) and at most 384 pixels wide for a photo. */
export function draw(canvas: HTMLCanvasElement, img: RgbImage) {
  canvas.width = img.width;
  canvas.height = img.height;
  const small = img.width <= 128 && img.height <= 128;
  canvas.style.width = `${small ? 3 * img.width : Math.min(img.width, 384)}px`;
  canvas.style.imageRendering = small ? 'pixelated' : 'auto';
  const ctx = canvas.getContext('2d')!;
  const d = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    d.data.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
    d.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(d, 0, 0);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

/** A checkbox per method (ids method-NAME), checked for the defaults; `onChange` runs on every toggle. */
export function buildPicker(container: HTMLElement, methods: Method[], defaults: string[], onChange: () => void): Choice[] {
  return methods.map((method) => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `method-${method.name}`;
    box.value = method.name;
    box.checked = defaults.includes(method.name);
    box.addEventListener('change', () => {
      // an unavailable method, once unchecked, cannot be checked again until it can run
      if (choice.unavailable && !box.checked) box.disabled = true;
      onChange();
    });
    const label = element('label', 'method-choice');
    label.append(box, ` ${method.label}`);
    const reason = element('small', 'missing');
    const choice: Choice = { method, box, reason };
    reason.id = `method-${method.name}-reason`;
    reason.hidden = true;
    const row = element('div', 'method-row');
    row.append(label, reason);
    container.append(row);
    return choice;
  });
}

/**
 * Marks a choice as runnable (reason null), or unavailable with why. An unavailable method that is checked
 * stays enabled so it can be unchecked; once unchecked it is disabled until it can run.
 */
export function setAvailability(choice: Choice, reason: string | null) {
  choice.unavailable = reason !== null;
  choice.box.disabled = reason !== null && !choice.box.checked;
  choice.reason.hidden = reason === null;
  choice.reason.textContent = reason ?? '';
}

/** An empty column for a method (a figure with data-method=NAME). */
export function buildColumn(method: Method): Column {
  const root = element('figure', 'method-column');
  root.dataset.method = method.name;
  const canvas = element('canvas', 'reconstruction');
  canvas.width = canvas.height = 64;
  const caption = element('figcaption', '');
  const progress = element('progress', 'steps');
  progress.hidden = true;
  const col: Column = {
    method, root, canvas, progress,
    scores: element('span', 'scores'),
    time: element('span', 'time'),
    progressText: element('span', 'step-text'),
    download: element('a', 'download', 'download PNG'),
  };
  col.download.hidden = true;
  caption.append(element('strong', 'label', method.label), col.scores, col.time, progress, col.progressText, col.download);
  root.append(canvas, caption);
  return col;
}

/** Hides and frees a column's download link (its object URL). */
function dropDownload(col: Column) {
  if (col.download.href) URL.revokeObjectURL(col.download.href);
  col.download.removeAttribute('href');
  col.download.hidden = true;
}

/** Offers the column's canvas as NAME_METHOD.png. */
export function offerDownload(col: Column, name: string) {
  dropDownload(col);
  col.canvas.toBlob((blob) => {
    if (!blob) return;
    col.download.href = URL.createObjectURL(blob);
    col.download.download = `${name}_${col.method.name}.png`;
    col.download.hidden = false;
  }, 'image/png');
}

/** Clears a column's previous run; a sampling method shows an empty progress bar over `steps` steps. */
export function resetColumn(col: Column, steps: number) {
  dropDownload(col);
  col.root.classList.remove('disabled');
  col.scores.textContent = 'waiting…';
  col.time.textContent = '';
  col.progress.hidden = steps === 0;
  col.progress.max = Math.max(steps, 1);
  col.progress.value = 0;
  col.progressText.textContent = steps ? `0/${steps} steps` : '';
}

/** Empties a column after a new original is chosen: the last image's reconstruction and scores are not this one's (a disabled column keeps its reason). */
export function clearColumn(col: Column) {
  dropDownload(col);
  col.canvas.getContext('2d')?.clearRect(0, 0, col.canvas.width, col.canvas.height);
  col.time.textContent = '';
  col.progress.hidden = true;
  col.progressText.textContent = '';
  if (!col.root.classList.contains('disabled')) col.scores.textContent = '';
}

/** A column whose method cannot run here: greyed out, with why. */
export function disableColumn(col: Column, reason: string) {
  dropDownload(col);
  col.root.classList.add('disabled');
  col.scores.textContent = reason;
  col.time.textContent = '';
  col.progress.hidden = true;
  col.progressText.textContent = '';
}
