// The page's settings inputs, built from each registered method's flags (the same FlagSpec the command line
// turns into options): a select for a flag with choices, a number input for a number, a checkbox for a
// switch that is on by default (--no-X). A field left empty keeps the method's default. Only DOM here.
import { flagKey, type FlagSpec, type Method } from '../src/pipeline/index.js';

/** The flag's key as the command line parses it: --dps-zeta → dpsZeta, --no-clip → clip. */
const keyOf = (f: FlagSpec) => flagKey(f.flags);
const idOf = (f: FlagSpec) => `flag-${f.flags.replace(/^--/, '').replace(/\s.*$/, '')}`;
/** The description without its "method: " prefix (the fieldset names the method). */
const text = (f: FlagSpec) => f.description.replace(/^[\w-]+: /i, '');

function input(f: FlagSpec): HTMLInputElement | HTMLSelectElement {
  if (f.choices) {
    const select = document.createElement('select');
    // no default: the first option keeps the method's (e.g. the preset's) choice
    if (f.default === undefined) select.append(new Option('(default)', ''));
    for (const c of f.choices) select.append(new Option(c, c, c === f.default, c === f.default));
    return select;
  }
  const el = document.createElement('input');
  if (f.flags.startsWith('--no-')) {
    el.type = 'checkbox';
    el.checked = true;
    return el;
  }
  el.type = 'number';
  el.min = '0';
  el.step = f.parse === 'nonNegativeNumber' ? '0.1' : '1';
  el.placeholder = 'default';
  return el;
}

/** One fieldset per method with flags (hidden while the method is unchecked); `settings()` reads them all. */
export function buildSettings(container: HTMLElement, methods: Method[]) {
  const fields: { method: Method; flag: FlagSpec; el: HTMLInputElement | HTMLSelectElement }[] = [];
  const sets = new Map<string, HTMLFieldSetElement>();
  for (const method of methods) {
    const flags = method.settings?.flags ?? [];
    if (!flags.length) continue;
    const set = document.createElement('fieldset');
    set.className = 'method-settings';
    set.dataset.method = method.name;
    const legend = document.createElement('legend');
    legend.textContent = `${method.label} settings`;
    set.append(legend);
    for (const flag of flags) {
      const el = input(flag);
      el.id = idOf(flag);
      const label = document.createElement('label');
      label.title = flag.description;
      // a switch on by default reads as its positive: "clip (off: do not clip …)"
      if (flag.flags.startsWith('--no-')) label.append(el, ` ${keyOf(flag)} (off: ${text(flag)})`);
      else label.append(`${text(flag)} `, el);
      set.append(label);
      fields.push({ method, flag, el });
    }
    sets.set(method.name, set);
    container.append(set);
  }
  return {
    /** Shows the fieldsets of the checked methods only. */
    show(checked: Set<string>) {
      for (const [name, set] of sets) set.hidden = !checked.has(name);
    },
    /** The flags as the command line would parse them (empty fields left out). */
    values(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const { flag, el } of fields) {
        if (el instanceof HTMLInputElement && el.type === 'checkbox') out[keyOf(flag)] = el.checked;
        else if (el.value !== '') out[keyOf(flag)] = flag.choices ? el.value : Number(el.value);
      }
      return out;
    },
  };
}
