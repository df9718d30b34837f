// jax-js 0.1.25's generated kernel for a 4096×288 · 288×64 matmul (setDebug(2)), for comparison
fn nan() -> f32 { let bits = 0xffffffffu; return bitcast<f32>(bits); }
fn inf() -> f32 { let bits = 0x7f800000u; return bitcast<f32>(bits); }

@group(0) @binding(0) var<storage, read> in0 : array<f32>;
@group(0) @binding(1) var<storage, read> in1 : array<f32>;
@group(0) @binding(2) var<storage, read_write> result : array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  if (id.x >= 16384) { return; }
  let gidx: i32 = i32(id.x);
  _ = &in0; _ = &in1;
  var acc0: f32 = f32(0);
  var acc1: f32 = f32(0);
  var acc2: f32 = f32(0);
  var acc3: f32 = f32(0);
  var acc4: f32 = f32(0);
  var acc5: f32 = f32(0);
  var acc6: f32 = f32(0);
  var acc7: f32 = f32(0);
  var acc8: f32 = f32(0);
  var acc9: f32 = f32(0);
  var acc10: f32 = f32(0);
  var acc11: f32 = f32(0);
  var acc12: f32 = f32(0);
  var acc13: f32 = f32(0);
  var acc14: f32 = f32(0);
  var acc15: f32 = f32(0);
  for (var ridx: i32 = 0; ridx < 72; ridx++) {
    let alu0: i32 = ((gidx / 128) * 9216) + ((((gidx / 8) % 8) * 1152) + (ridx * 4));
    let alu1: f32 = in0[alu0];
    let alu2: i32 = (((gidx / 64) % 2) * 32) + (((gidx % 8) * 4) + (ridx * 256));
    let alu3: f32 = in1[alu2];
    let alu4: f32 = in0[alu0 + 1];
    let alu5: f32 = in1[alu2 + 64];
    let alu6: f32 = in0[alu0 + 2];
    let alu7: f32 = in1[alu2 + 128];
    let alu8: f32 = in0[alu0 + 3];
    let alu9: f32 = in1[alu2 + 192];
    let alu10: f32 = in0[alu0 + 288];
    let alu11: f32 = in0[alu0 + 289];
    let alu12: f32 = in0[alu0 + 290];
    let alu13: f32 = in0[alu0 + 291];
    let alu14: f32 = in0[alu0 + 576];
    let alu15: f32 = in0[alu0 + 577];
    let alu16: f32 = in0[alu0 + 578];
    let alu17: f32 = in0[alu0 + 579];
    let alu18: f32 = in0[alu0 + 864];
    let alu19: f32 = in0[alu0 + 865];
    let alu20: f32 = in0[alu0 + 866];
    let alu21: f32 = in0[alu0 + 867];
    let alu22: f32 = in1[alu2 + 1];
    let alu23: f32 = in1[alu2 + 65];
    let alu24: f32 = in1[alu2 + 129];
    let alu25: f32 = in1[alu2 + 193];
    let alu26: f32 = in1[alu2 + 2];
    let alu27: f32 = in1[alu2 + 66];
    let alu28: f32 = in1[alu2 + 130];
    let alu29: f32 = in1[alu2 + 194];
    let alu30: f32 = in1[alu2 + 3];
    let alu31: f32 = in1[alu2 + 67];
    let alu32: f32 = in1[alu2 + 131];
    let alu33: f32 = in1[alu2 + 195];
    acc0 += alu1 * alu3 + alu4 * alu5 + alu6 * alu7 + alu8 * alu9;
    acc1 += alu10 * alu3 + alu11 * alu5 + alu12 * alu7 + alu13 * alu9;
    acc2 += alu14 * alu3 + alu15 * alu5 + alu16 * alu7 + alu17 * alu9;
    acc3 += alu18 * alu3 + alu19 * alu5 + alu20 * alu7 + alu21 * alu9;
    acc4 += alu1 * alu22 + alu4 * alu23 + alu6 * alu24 + alu8 * alu25;
    acc5 += alu10 * alu22 + alu11 * alu23 + alu12 * alu24 + alu13 * alu25;
    acc6 += alu14 * alu22 + alu15 * alu23 + alu16 * alu24 + alu17 * alu25;
    acc7 += alu18 * alu22 + alu19 * alu23 + alu20 * alu24 + alu21 * alu25;
    acc8 += alu1 * alu26 + alu4 * alu27 + alu6 * alu28 + alu8 * alu29;
    acc9 += alu10 * alu26 + alu11 * alu27 + alu12 * alu28 + alu13 * alu29;
    acc10 += alu14 * alu26 + alu15 * alu27 + alu16 * alu28 + alu17 * alu29;
    acc11 += alu18 * alu26 + alu19 * alu27 + alu20 * alu28 + alu21 * alu29;
    acc12 += alu1 * alu30 + alu4 * alu31 + alu6 * alu32 + alu8 * alu33;
    acc13 += alu10 * alu30 + alu11 * alu31 + alu12 * alu32 + alu13 * alu33;
    acc14 += alu14 * alu30 + alu15 * alu31 + alu16 * alu32 + alu17 * alu33;
    acc15 += alu18 * alu30 + alu19 * alu31 + alu20 * alu32 + alu21 * alu33;
  }
  let alu34: i32 = ((gidx / 128) * 2048) + ((((gidx / 64) % 2) * 32) + ((((gidx / 8) % 8) * 256) + ((gidx % 8) * 4)));
  result[alu34] = acc0;
  result[alu34 + 64] = acc1;
  result[alu34 + 128] = acc2;
  result[alu34 + 192] = acc3;
  result[alu34 + 1] = acc4;
  result[alu34 + 65] = acc5;
  result[alu34 + 129] = acc6;
  result[alu34 + 193] = acc7;
  result[alu34 + 2] = acc8;
  result[alu34 + 66] = acc9;
  result[alu34 + 130] = acc10;
  result[alu34 + 194] = acc11;
  result[alu34 + 3] = acc12;
  result[alu34 + 67] = acc13;
  result[alu34 + 131] = acc14;
  result[alu34 + 195] = acc15;
}
