// GroupNorm normalisation: y = (x − mean)·rstd·weight[c] + bias[c], optionally followed by SiLU.
// One invocation per segment of `seg` values of a (sample, channel) row of H·W values (`segs` segments
// per row): whole rows where there are enough of them, shorter segments where the rows are few (a batch-1
// norm), so the work still spreads over the device.
override SILU: bool = false;
override WG: u32 = 64u;

struct Params { rows: u32, C: u32, cPerGroup: u32, HW: u32, seg: u32, segs: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> stats: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

fn act(v: f32) -> f32 { return select(v, v / (1.0 + exp(-v)), SILU); }

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * WG;
  for (var item = gid.x; item < p.rows * p.segs; item += stride) {
    let row = item / p.segs;
    let c = row % p.C;
    let n = row / p.C;
    let st = stats[n * (p.C / p.cPerGroup) + c / p.cPerGroup];
    let a = st.y * weight[c];
    let b = bias[c];
    let base = row * p.HW;
    let start = (item % p.segs) * p.seg;
    let end = min(start + p.seg, p.HW);
    // (x − mean)·a, not x·a + (b − mean·a): with a small variance a is large, and the folded form
    // cancels two large products
    for (var i = base + start; i < base + end; i++) { y[i] = act((x[i] - st.x) * a + b); }
  }
}
