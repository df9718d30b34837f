// Generates unrolled matmul variants: lanes span columns (C vec4 per lane); R rows per workgroup taken
// from workgroup_id (uniform A loads) or per-lane (rowsFromLane).
export function genUniformRows(R: number, C: number, rowsFromLane = false, UK = 1): string {
  const L: string[] = [];
  L.push(`#include "lib/matmul_vec4_io"
override WG: u32 = 64u;
override WGY: u32 = 1u;
@compute @workgroup_size(WG, WGY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let c0 = gid.x * ${C}u;
  let r0 = ${rowsFromLane ? 'gid.y' : 'wid.y'} * ${R}u;
  let aBase = wid.z * (p.strideA / 4u);
  let bBase = wid.z * (p.strideB / 4u);`);
  for (let j = 0; j < C; j++) L.push(`  let cc${j} = min(c0 + ${j}u, N4 - 1u);`);
  for (let i = 0; i < R; i++) L.push(`  let ra${i} = aBase + min(r0 + ${i}u, p.M - 1u) * K4;`);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) L.push(`  var s${i}_${j} = vec4<f32>(0.0);`);
  // main loop: UK k4-steps per iteration (each loop iteration costs masked writes of every accumulator)
  const body = (u: number, ind: string) => {
    const out: string[] = [];
    for (let t = 0; t < u; t++) {
      out.push(`${ind}let kb${t} = bBase + (k + ${t}u) * 4u * N4;`);
      for (let j = 0; j < C; j++) for (let q = 0; q < 4; q++) out.push(`${ind}let b${q}_${j}_${t} = B[kb${t} + ${q}u * N4 + cc${j}];`);
      for (let i = 0; i < R; i++) out.push(`${ind}let a${i}_${t} = A[ra${i} + k + ${t}u];`);
    }
    for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) {
      const terms: string[] = [];
      for (let t = 0; t < u; t++) terms.push(`a${i}_${t}.x * b0_${j}_${t} + a${i}_${t}.y * b1_${j}_${t} + a${i}_${t}.z * b2_${j}_${t} + a${i}_${t}.w * b3_${j}_${t}`);
      out.push(`${ind}s${i}_${j} += ${terms.join(' + ')};`);
    }
    return out;
  };
  L.push(`  let kMain = K4 - K4 % ${UK}u;
  var k = 0u;
  for (; k < kMain; k += ${UK}u) {`);
  L.push(...body(UK, '    '));
  L.push('  }');
  if (UK > 1) {
    L.push('  for (; k < K4; k++) {');
    L.push(...body(1, '    '));
    L.push('  }');
  }
  L.push(`
  let cBase = wid.z * (p.strideC / 4u);`);
  for (let i = 0; i < R; i++) {
    L.push(`  if (r0 + ${i}u < p.M) {`);
    for (let j = 0; j < C; j++) L.push(`    if (c0 + ${j}u < N4) { C[cBase + (r0 + ${i}u) * N4 + c0 + ${j}u] = s${i}_${j}; }`);
    L.push('  }');
  }
  L.push('}');
  return L.join('\n');
}

// Lanes span columns; each lane first copies its column of B (a chunk of KC rows) into a private array
// (per-lane loads, once), then runs over R rows whose A values are uniform loads; RB rows at a time
// share each private-array read. C is accumulated across K chunks.
export function genPrivateColumn(KC: number, R: number, RB: number, useFma: boolean): string {
  const f = (a: string, b: string, c: string) => (useFma ? `fma(${a}, ${b}, ${c})` : `${c} + ${a} * ${b}`);
  const L: string[] = [];
  L.push(`struct Params { M: u32, N: u32, K: u32, batch: u32, strideA: u32, strideB: u32, strideC: u32, _pad0: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
override WG: u32 = 64u;
override WGY: u32 = 1u;
const KC = ${KC}u;
@compute @workgroup_size(WG, WGY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let n = min(gid.x, p.N - 1u);
  let K4 = p.K / 4u;
  let r0 = wid.y * ${R}u;
  let rEnd = min(r0 + ${R}u, p.M);
  var bcol: array<vec4<f32>, ${KC / 4}>;
  for (var kc = 0u; kc < p.K; kc += KC) {
    let kn = min(KC, p.K - kc) / 4u;
    for (var q = 0u; q < kn; q++) {
      let kb = (kc + 4u * q) * p.N + n;
      bcol[q] = vec4<f32>(B[kb], B[kb + p.N], B[kb + 2u * p.N], B[kb + 3u * p.N]);
    }
    for (var r = r0; r < rEnd; r += ${RB}u) {`);
  for (let i = 0; i < RB; i++) L.push(`      let ra${i} = min(r + ${i}u, p.M - 1u) * K4 + kc / 4u;\n      var s${i} = vec4<f32>(0.0);`);
  L.push(`      for (var q = 0u; q < kn; q++) {
        let b = bcol[q];`);
  for (let i = 0; i < RB; i++) L.push(`        s${i} = ${f(`A[ra${i} + q]`, 'b', `s${i}`)};`);
  L.push('      }');
  for (let i = 0; i < RB; i++) {
    L.push(`      if (gid.x < p.N && r + ${i}u < rEnd) {
        let ci = (r + ${i}u) * p.N + n;
        let t = s${i}.x + s${i}.y + s${i}.z + s${i}.w;
        if (kc == 0u) { C[ci] = t; } else { C[ci] += t; }
      }`);
  }
  L.push('    }\n  }\n}');
  return L.join('\n');
}

// Split-K without loops: workgroup z picks a chunk of KC values of k, fully unrolled, so that indices
// derived only from workgroup_id (A rows) stay uniform. Writes partial sums P[z][M][N].
export function genSplitK(R: number, C: number, KC: number): string {
  const L: string[] = [];
  L.push(`#include "lib/matmul_vec4_io"
override WG: u32 = 64u;
override WGY: u32 = 1u;
@compute @workgroup_size(WG, WGY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let N4 = p.N / 4u;
  let K4 = p.K / 4u;
  let c0 = gid.x * ${C}u;
  let r0 = wid.y * ${R}u;
  let k0 = wid.z * ${KC / 4}u;`);
  for (let j = 0; j < C; j++) L.push(`  let cc${j} = min(c0 + ${j}u, N4 - 1u);`);
  for (let i = 0; i < R; i++) L.push(`  let ra${i} = min(r0 + ${i}u, p.M - 1u) * K4 + k0;`);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) L.push(`  var s${i}_${j} = vec4<f32>(0.0);`);
  for (let t = 0; t < KC / 4; t++) {
    L.push(`  {\n    let kb = (k0 + ${t}u) * 4u * N4;`);
    for (let j = 0; j < C; j++) for (let q = 0; q < 4; q++) L.push(`    let b${q}_${j} = B[kb + ${q}u * N4 + cc${j}];`);
    for (let i = 0; i < R; i++) {
      L.push(`    let a${i} = A[ra${i} + ${t}u];`);
      for (let j = 0; j < C; j++) L.push(`    s${i}_${j} += a${i}.x * b0_${j} + a${i}.y * b1_${j} + a${i}.z * b2_${j} + a${i}.w * b3_${j};`);
    }
    L.push('  }');
  }
  L.push('  let cBase = wid.z * p.M * N4;');
  for (let i = 0; i < R; i++) {
    L.push(`  if (r0 + ${i}u < p.M) {`);
    for (let j = 0; j < C; j++) L.push(`    if (c0 + ${j}u < N4) { C[cBase + (r0 + ${i}u) * N4 + c0 + ${j}u] = s${i}_${j}; }`);
    L.push('  }');
  }
  L.push('}');
  return L.join('\n');
}
