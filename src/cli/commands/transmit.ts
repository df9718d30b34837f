// `commin transmit IMAGE… --model ckpt --snr S --out DIR`: sends images through DeepJSCC over the channel
// (--channel; default AWGN) and reconstructs them with each --method (the pipeline's registry); writes the received images
// with a metrics line per image and method. Inputs, outputs and the SNR are checked before the engine
// starts; a non-finite metric is an error, not a result.
import { writeFileAtomic } from '../../util/atomic_write.js';
import { createCliEngine } from '../engine.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { addChannelOptions, channelSpec } from '../options/channel.js';
import { trainedChannelNote } from '../options/channel_note.js';
import { addMethodOptions, addModelOptions, flaggedModelFiles } from '../options/method_flags.js';
import { makeCommand } from '../options/model_commands.js';
import { tensor } from '../../kernels/create.js';
import { decodeImage, encodePng, imagesToNchw, nchwToImages, toSquare } from '../../data/image.js';
import { nonNegativeInt, positiveInt, snrDb, SNR_RANGE_TEXT } from '../options/args.js';
import { checkNotInput, checkWritableFile, prepareOutputDir, uniqueStems } from '../../util/output.js';
import { checkMetrics } from '../../eval/metric_check.js';
import { LPIPS_WEIGHTS, MODELS_DIR } from '../defaults.js';
import { checkFamilyMethods, controlPath, describeChannel, getMethod, loadSystem, methodNames, methodOptionsFromFlags, MODEL_KINDS, REFERENCE_METHOD, runBatch, type Method, type Need } from '../../pipeline/index.js';
import { addBcrOption, chosenModel } from '../options/bcr.js';
import { checkpointMeta } from '../../eval/models.js';
import { FAMILIES, familyOfMeta } from '../../pipeline/families.js';
import { padForJscc } from '../../pipeline/region.js';
import { cliSource, innFile, jsccShape, methodList } from '../options/methods.js';
import { diagnosticsPath, printStep, reportDiagnostics, stepDiagnostics, svgPath, type StepDiagnostics } from './diagnostics.js';


export function transmitCommand(): Command {
  return addBcrOption(addChannelOptions(addMethodOptions(addModelOptions(new Command('transmit')))), false)
    .description('transmit images over a noisy channel and reconstruct them')
    .argument('<images...>', 'PNG or JPEG files: sent at their own size (--model natural) or centre-cropped and resized to 64×64 (--model faces)')
    .option('--model <family|file>', 'natural (photos at their own size: deepjscc, adv, separation, separation-avif), faces (64×64 faces: every method), or a DeepJSCC checkpoint', 'natural')
    .requiredOption('--snr <dB>', `channel SNR in dB (${SNR_RANGE_TEXT})`, snrDb)
    .option('--seed <n>', 'channel noise seed (same seed → same received symbols)', nonNegativeInt, 0)
    .option('--size <n>', 'expected model image size (checked against the model)', positiveInt)
    .addOption(new Option('--method <names>', `reconstruction methods, comma-separated: ${methodNames().join(', ')}; both = deepjscc,commin`).argParser(methodList).default([getMethod(REFERENCE_METHOD)], REFERENCE_METHOD))
    .option('--inn <file>', 'CommIN: INN trained for this SNR (default: models/inn_snr<S>.safetensors, inn_bcr<k>-<n>_snr<S> for a model of another BCR than 1/48)')
    .option('--lpips <file>', 'LPIPS weights for the metrics line', LPIPS_WEIGHTS)
    .option('--force', 'use an INN trained for another SNR than --snr')
    .option('--verbose', "CommIN: print each step's ‖x_inn − x̂0‖, ‖target(y) − coarse(INN(x̂0))‖ and guidance RMS; DPS: each step's ‖received − P(E(x̂0))‖")
    .option('--diagnostics <file>', 'CommIN: write those per-step values as JSON, and a plot beside it (.svg); with several images one pair per image, FILE_<name>.json')
    .option('--out <dir>', 'output folder: NAME_original.png and NAME_<method>_snr<S>.png per image, NAME the file name without extension, NAME-2, NAME-3, … for repeated names (files of an earlier run with the same names are replaced)', 'out/transmit')
    .action(async (images: string[], o, cmd: Command) => {
      for (const f of images) {
        if (!existsSync(f)) throw new Error(`image '${f}' does not exist`);
        if (!statSync(f).isFile()) throw new Error(`image '${f}' is a folder, not an image file`);
      }
      o.model = chosenModel(o);
      if (!existsSync(o.model)) throw new Error(`model '${o.model}' does not exist`);
      const ownSize = FAMILIES[familyOfMeta(checkpointMeta(o.model))].ownSize;
      if (ownSize) {
        checkFamilyMethods('natural', o.method);
        // the family's adversarial model of the same BCR, unless one is named
        if (cmd.getOptionValueSource('advModel') === 'default') o.advModel = join(MODELS_DIR, FAMILIES.natural.advFile(jsccShape(o.model).bcr));
      }
      const channel = channelSpec(o, cmd);
      // weights named on the command line must exist; the bundled default may be absent (no LPIPS then)
      const lpipsGiven = cmd.getOptionValueSource('lpips') !== 'default';
      if (lpipsGiven && !existsSync(o.lpips)) throw new Error(`LPIPS weights '${o.lpips}' do not exist`);
      if (!lpipsGiven && !existsSync(o.lpips)) console.warn(`warning: LPIPS weights '${o.lpips}' not found: no LPIPS in the metrics lines`);
      const methods = o.method as Method[];
      // the INN's and the control branch's default paths depend on the model's BCR and size (its metadata)
      const shape = jsccShape(o.model);
      const size = shape.size;
      const innPath: string = o.inn ?? innFile(MODELS_DIR, o.snr, shape.bcr);
      const control = controlPath(cliSource({ ...o, inn: innPath }), size) ?? '';
      const files = { ...flaggedModelFiles(o), inn: innPath, lpips: o.lpips, control } as Record<Need, string>;
      checkMethodFiles(methods, files, { snr: o.snr, jscc: o.model, prior: o.prior, size });
      // outputs: writable, distinct per image, and never one of the inputs — all before the engine starts
      const stems = uniqueStems(images.map((f) => basename(f, extname(f))));
      const inputs = [...images, o.model, ...Object.values(files).filter((f) => f)];
      prepareOutputDir(o.out);
      const diagPaths = o.diagnostics ? stems.map((stem) => diagnosticsPath(o.diagnostics, stem, images.length)) : [];
      for (const p of diagPaths) for (const f of [p, svgPath(p)]) {
        checkNotInput(f, inputs, 'diagnostics file');
        checkWritableFile(f, 'diagnostics file');
      }
      const engine = await createCliEngine();
      const system = await loadSystem(engine, cliSource({ ...o, inn: innPath }));
      const model = system.jscc;
      const S = model.cfg.size;
      if (o.size && !ownSize && o.size !== S) throw new Error(`model ${o.model} is for ${S}×${S} images, not ${o.size}×${o.size}`);
      const needs = new Set(methods.flatMap((m) => m.needs));
      // models the methods need: loaded (and the prior's size checked) before any image is sent
      for (const need of needs) await MODEL_KINDS[need].present(system, o.snr);
      const inn = needs.has('inn') ? await system.inn(o.snr) : null;
      if (inn) checkInnSnr(inn, o.snr, o.force);
      const innMeta = inn?.meta ?? {};
      const bcr = `${model.cfg.bcr[0]}/${model.cfg.bcr[1]}`;
      if (ownSize) console.log(`channel ${describeChannel(channel)} at ${o.snr} dB; natural-image DeepJSCC, BCR ${bcr}: each photo at its own size, padded to a multiple of ${model.stride * model.keepEvery} rows and ${model.stride} columns`);
      else console.log(`channel ${describeChannel(channel)} at ${o.snr} dB; ${model.symbols} complex symbols per image, BCR ${bcr}; face family: each image centre-cropped and resized to ${S}×${S}`);
      const note = trainedChannelNote(system.jsccMeta, o.model, channel);
      if (note) console.log(note);
      const want = !!(o.verbose || o.diagnostics);
      for (const [i, f] of images.entries()) {
        const decoded = decodeImage(new Uint8Array(readFileSync(f)), f);
        const img = ownSize ? decoded : toSquare(decoded, S);
        const sent = ownSize ? padForJscc(img, model) : img;
        const region = sent === img ? undefined : { height: img.height, width: img.width };
        const { data, shape } = imagesToNchw([sent]);
        const x = tensor(engine, data, shape);
        const symbols = model.symbolsFor(sent.height, sent.width);
        if (ownSize) console.log(`${basename(f)}: ${img.width}×${img.height}${region ? ` (padded to ${sent.width}×${sent.height})` : ''} → ${symbols} complex symbols, BCR ${bcr}`);
        writeFileAtomic(join(o.out, `${stems[i]}_original.png`), encodePng(img));
        let steps: StepDiagnostics[] = [];
        await runBatch(system, x, {
          methods, snr: o.snr, seed: o.seed, channel, firstImage: i, region, options: methodOptionsFromFlags(o, { diagnostics: want, verbose: !!o.verbose }),
          onStep: want ? (_m, info) => {
            if (info.dps && o.verbose) console.log(`  step ${info.i + 1} t=${info.t}: ‖received − P(E(x̂0))‖ ${info.dps.channelDistance[0].toFixed(3)}, guidance RMS ${(info.dps.guidanceRms[0] ?? 0).toExponential(2)}`);
            const s = stepDiagnostics(info);
            if (!s) return;
            steps.push(s);
            if (o.verbose) printStep(s);
          } : undefined,
          visit: async ({ method, out, scores }) => {
            // the step diagnostics are INN guidance's (CommIN): reported with the method that made them
            if (want && method.needs.includes('inn')) reportDiagnostics(o.verbose, diagPaths[i], f, steps, innMeta, S);
            steps = [];
            const [p, s, l] = [scores.psnr[0], scores.ssim[0], scores.lpips?.[0]];
            checkMetrics(`${f} (${method.name}, ${o.snr} dB)`, { psnr: p, ssim: s, lpips: l });
            const outFile = join(o.out, `${stems[i]}_${method.name}_snr${o.snr}.png`);
            writeFileAtomic(outFile, encodePng(nchwToImages(await out.data(), out.shape)[0]));
            console.log(`${basename(f)}: method ${method.name}, SNR ${o.snr} dB, channel ${channel.kind}, ${symbols} symbols per image, BCR ${bcr}, PSNR ${p.toFixed(2)} dB, SSIM ${s.toFixed(4)}${l !== undefined ? `, LPIPS ${l.toFixed(4)}` : ''} → ${outFile}`);
          },
        });
        x.dispose();
      }
      engine.destroy();
    });
}

/** The models each named method needs, as files, before the engine starts: a missing one names the command that makes it. */
function checkMethodFiles(methods: Method[], files: Record<Need, string>, { snr, jscc, prior, size }: { snr: number; jscc: string; prior: string; size: number }): void {
  // transmit's own flags for the kinds whose flag differs per command
  const flag: Partial<Record<Need, string>> = { inn: '--inn', lpips: '--lpips' };
  for (const m of methods) for (const need of m.needs) {
    const file = files[need];
    if (existsSync(file)) continue;
    const make = makeCommand(need, file, snr, { jscc, prior, size });
    throw new Error(`${m.label} needs ${MODEL_KINDS[need].what(snr)}: '${file}' does not exist (${make ? `make it with: ${make}, ` : ''}or pass ${MODEL_KINDS[need].flag ?? flag[need]})`);
  }
}

/** An INN trained for another SNR is refused unless --force (then a warning naming both). */
function checkInnSnr(loaded: { snr: number | null; path: string }, snr: number, force: boolean | undefined): void {
  if (loaded.snr === null) console.warn(`warning: INN '${loaded.path}' does not record the SNR it was trained for`);
  else if (loaded.snr !== snr) {
    const what = `INN '${loaded.path}' was trained for ${loaded.snr} dB, the channel is at ${snr} dB`;
    if (!force) throw new Error(`${what}; pass --force to use it anyway, or train one with commin train inn --snr ${snr}`);
    console.warn(`warning: ${what} (--force)`);
  }
}
