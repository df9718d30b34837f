// `commin eval`: each method (default DeepJSCC, and CommIN when its models exist) on N validation faces at
// several SNRs, on the same channel draws (--channel; default AWGN); per-image metrics to CSV and, per method and SNR, mean PSNR / SSIM / LPIPS and the
// set metrics FD-squeeze and KID-squeeze against the originals. With two or more SNRs, curves against SNR
// (eval_plots.ts); with --models, DeepJSCC models of several BCRs side by side and PSNR against BCR.
import { metaJson } from '../../util/meta.js';
import { writeFileAtomic } from '../../util/atomic_write.js';
import { createCliEngine } from '../engine.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { addChannelOptions, channelSpec } from '../options/channel.js';
import { trainedChannelNote } from '../options/channel_note.js';
import { trainedChannel } from '../../networks/load_jscc.js';
import { addMethodOptions, addModelOptions, flaggedModelFiles } from '../options/method_flags.js';
import { requireAvailable } from '../options/model_commands.js';
import { checkDataFolder, loadImageSet } from '../../data/folder.js';
import type { Lpips } from '../../metrics/lpips.js';
import { nonNegativeInt, positiveInt, snrList, SNR_RANGE_TEXT } from '../options/args.js';
import { prepareOutputDir } from '../../util/output.js';
import { DEFAULT_DATA, KODAK_DIR, LPIPS_WEIGHTS, MODELS_DIR } from '../defaults.js';
import { BCR_SWEEP_DEFAULT_METHODS, controlPath, describeChannel, getMethod, loadSystem, methodNames, methodOptionsFromFlags, settingsOf, type MethodOptions, type Need, type SummaryContext } from '../../pipeline/index.js';
import { cliSource, methodList } from '../options/methods.js';
import { batchesOf, evaluateSystem, referenceFeatures } from '../../eval/face_eval.js';
import { addBcrOption, chosenModels, familyArg } from '../options/bcr.js';
import { evalPhotos, PHOTO_SNRS } from './eval_photos.js';
import { familyOfMeta } from '../../pipeline/families.js';
import { bcrText, checkpointMeta, modelList, SWEEP_METHODS_TEXT, snrsOutside, sweepMethods, trainedSnrRange } from '../../eval/models.js';
import { writeBcrPlot, writeSnrPlots, type SweepRow } from '../../eval/plots.js';

/** --sweep: 0, 2, …, 20 dB. */
const SWEEP_SNRS = Array.from({ length: 11 }, (_, i) => 2 * i);

export function evalCommand(): Command {
  return addBcrOption(addChannelOptions(addMethodOptions(addModelOptions(new Command('eval')))), true)
    .description('evaluate reconstruction methods (default DeepJSCC, and CommIN when its models exist) on validation faces')
    .option('--data <dir>', 'face folder (its validation split is used)', DEFAULT_DATA)
    .option('--count <n>', 'validation images', positiveInt, 100)
    .option('--skip <n>', 'skip the first n validation images (tune on images the default evaluation does not use)', nonNegativeInt, 0)
    .option('--snr <list>', `SNRs in dB (each ${SNR_RANGE_TEXT}); two or more also plot psnr_vs_snr.svg and lpips_vs_snr.svg`, snrList, [1, 4, 7])
    .addOption(new Option('--sweep', `SNRs ${SWEEP_SNRS.join(', ')} dB (instead of --snr)`).conflicts('snr'))
    .option('--model <family|file>', 'faces (the 64×64 face family), natural (photos at their own size: see --data; every bundled BCR unless --bcr), or a DeepJSCC checkpoint', 'faces')
    .option('--no-face-baseline', '(natural) leave out the face family\'s DeepJSCC applied to the photos at BCR 1/48')
    .option('--save-images <stems>', '(natural) images whose reconstructions are drawn side by side, e.g. kodim05,kodim23', (v: string) => v.split(','), [] as string[])
    .option('--save-snr <dB>', '(natural) the SNR of those drawings', Number, 1)
    .addOption(new Option('--models <files>', `DeepJSCC checkpoints of different BCRs, comma-separated (instead of --model; methods ${SWEEP_METHODS_TEXT()}, default ${BCR_SWEEP_DEFAULT_METHODS.join(' and ')}; CommIN's INNs per BCR: --inn-dir/inn_bcr<k>-<n>_snr<S>.safetensors); also plots psnr_vs_bcr.svg`).argParser(modelList).conflicts('model'))
    .option('--inn-dir <dir>', 'folder with the INNs: inn_snr<S>.safetensors (BCR 1/48), inn_bcr<k>-<n>_snr<S>.safetensors (others)', MODELS_DIR)
    .option('--batch <n>', 'images per batch', positiveInt, 10)
    .addOption(new Option('--methods <names>', `reconstruction methods, comma-separated (${methodNames().join(', ')}; default: deepjscc, and commin at each SNR whose INN exists)`).argParser(methodList))
    .option('--lpips <file>', 'LPIPS weights', LPIPS_WEIGHTS)
    .option('--seed <n>', 'channel seed', nonNegativeInt, 0)
    .option('--out <dir>', 'output folder', 'out/eval')
    .action(async (o, cmd: Command) => {
      const snrs: number[] = o.sweep ? SWEEP_SNRS : o.snr;
      const natural = !o.models && (o.model === 'natural' || (familyArg(o.model) === null && existsSync(o.model) && familyOfMeta(checkpointMeta(o.model)) === 'natural'));
      if (natural) {
        if (familyArg(o.model) === null && o.bcr) throw new Error(`--bcr picks bundled models: pass --model natural with it, not the file '${o.model}'`);
        const dataDefault = cmd.getOptionValueSource('data') === 'default';
        if (dataDefault) throw new Error(`--model natural evaluates photos: pass --data DIR (e.g. ${KODAK_DIR})`);
        await evalPhotos({
          files: familyArg(o.model) === null ? [o.model] : undefined, data: o.data, count: o.count === 100 && cmd.getOptionValueSource('count') === 'default' ? Infinity : o.count, skip: o.skip, bcr: o.bcr,
          snrs: cmd.getOptionValueSource('snr') === 'default' && !o.sweep ? PHOTO_SNRS : snrs, methods: o.methods, lpips: o.lpips, seed: o.seed,
          out: cmd.getOptionValueSource('out') === 'default' ? 'out/eval_natural' : o.out, channel: channelSpec(o, cmd), faceBaseline: o.faceBaseline, save: o.saveImages, saveSnr: o.saveSnr,
        });
        return;
      }
      const models: string[] = o.models ?? chosenModels(o);
      for (const [what, f] of [...models.map((m) => ['model', m]), ['LPIPS weights', o.lpips]]) if (!existsSync(f)) throw new Error(`${what} '${f}' does not exist`);
      const named = sweepMethods(o.methods, models) ?? (models.length > 1 ? BCR_SWEEP_DEFAULT_METHODS.map(getMethod) : undefined);
      const metas = models.map(checkpointMeta);
      const sizes = new Set(metas.map((m, i) => metaJson<{ size?: number }>(m, 'config', models[i], {}).size));
      if (sizes.size > 1) throw new Error(`--models: the models are for different image sizes (${[...sizes].join(', ')}); compare models of one size`);
      const channel = channelSpec(o, cmd);
      checkDataFolder(o.data);
      prepareOutputDir(o.out);
      const engine = await createCliEngine();
      const several = models.length > 1;
      const lines = [several ? 'image,method,bcr,snr_db,psnr_db,ssim,lpips_squeeze' : 'image,method,snr_db,psnr_db,ssim,lpips_squeeze'];
      const summary: SweepRow[] = [];
      const modelInfo: Record<string, unknown>[] = [];
      let lp: Lpips | undefined;
      let data: Parameters<typeof evaluateSystem>[1] | undefined;
      let ref: Awaited<ReturnType<typeof referenceFeatures>> | undefined;
      // every model's system and the models its methods need, before anything runs: a sweep fails at once
      // rather than after its first models; the first system loads the LPIPS weights, the others share them
      const systems = [];
      for (const model of models) {
        const loaded = await loadSystem(engine, cliSource({ ...o, model, lpips: lp ? undefined : o.lpips }));
        lp ??= loaded.lpips!;
        const system = { ...loaded, lpips: lp };
        systems.push(system);
        if (named) await requireAvailable(system, named, snrs);
      }
      for (const [i, model] of models.entries()) {
        const system = systems[i];
        const { bcr, size: S } = system.jscc.cfg;
        const trainedSnr = trainedSnrRange(metas[i]);
        const outside = snrsOutside(snrs, trainedSnr);
        console.log(`${several ? `${model}: BCR ${bcrText(bcr)}, ` : ''}channel ${describeChannel(channel)}; ${system.jscc.symbols} complex symbols per image`);
        const note = trainedChannelNote(system.jsccMeta, model, channel);
        if (note) console.log(note);
        if (outside.length) console.log(`note: ${model} was trained at ${trainedSnr.range!.join(' to ')} dB (${trainedSnr.source}); evaluating it also at ${outside.join(', ')} dB`);
        if (!data) {
          const val = loadImageSet(o.data, S, { split: 'val', limit: o.count, skip: o.skip });
          data = { val, batches: batchesOf(val.names.length, o.batch), size: S };
          ref = await referenceFeatures(engine, lp!, data);
        }
        const csv = (image: string, method: string, snr: number, p: number, s: number, l: number) =>
          [image, method, ...(several ? [bcrText(bcr)] : []), snr, p.toFixed(3), s.toFixed(4), l.toFixed(4)].join(',');
        const rows = await evaluateSystem(system, data, ref!, { snrs, methods: named, seed: o.seed, channel, options: methodOptionsFromFlags(o), csv }, lines);
        summary.push(...rows.map((r) => ({ ...r, bcr, symbols: system.jscc.symbols })));
        modelInfo.push({ file: model, bcr, symbolsPerImage: system.jscc.symbols, trainedChannel: trainedChannel(system.jsccMeta, model), trainedSnr, snrOutsideTraining: outside });
        system.jscc.dispose();
      }
      writeFileAtomic(join(o.out, 'per_image.csv'), lines.join('\n') + '\n');
      const ran = [...new Set(summary.map((r) => r.method))];
      // the prior when a method that ran used it (as before: CommIN ran, the prior is named)
      const prior = ran.some((m) => getMethod(m).needs.includes('prior')) ? o.prior : null;
      const advModel = ran.some((m) => getMethod(m).needs.includes('adv')) ? o.advModel : undefined;
      // each method that ran records its settings (and the model files it read) under its name
      const files: Partial<Record<Need, string>> = { ...flaggedModelFiles(o), control: controlPath(cliSource(o), data!.size), lpips: o.lpips };
      const ctx: SummaryContext = { snrs, seed: o.seed, lpips: lp!, file: (need) => files[need] };
      const settings = methodSummaries(ran, methodOptionsFromFlags(o), ctx);
      const first = modelInfo[0];
      writeFileAtomic(join(o.out, 'summary.json'), JSON.stringify({
        model: several ? models : models[0], prior, advModel, channel, modelTrainedChannel: first.trainedChannel, modelTrainedSnr: first.trainedSnr, snrOutsideTraining: first.snrOutsideTraining,
        symbolsPerImage: first.symbolsPerImage, models: several ? modelInfo : undefined, seed: o.seed, skip: o.skip, methods: ran, ...settings, results: summary,
      }, null, 2) + '\n');
      const plots = [...writeSnrPlots(o.out, summary, describeChannel(channel)), ...writeBcrPlot(o.out, summary, describeChannel(channel))];
      console.log(`wrote ${join(o.out, 'per_image.csv')}, summary.json${plots.map((p) => `, ${p}`).join('')}`);
      engine.destroy();
    });
}

/** Each method's record of the settings it ran with (eval's summary.json), for the methods that ran. */
function methodSummaries(ran: string[], options: MethodOptions, ctx: SummaryContext): Record<string, unknown> {
  return Object.fromEntries(ran.map(getMethod).filter((m) => m.settings?.summary).map((m) => [m.name, m.settings!.summary!(settingsOf(m, options), ctx)]));
}
