// What the Winograd input transforms share: their parameters and bindings, a zero-padded read of x, and
// where an invocation's input tile starts.
// P: the tiles of the input; tiles: those written (P, or P rounded up to 4 for the weight gradient's
// matmul, whose extra rows are zero)
struct Params { C: u32, H: u32, W: u32, Cp: u32, tilesW: u32, tilesHW: u32, P: u32, tiles: u32, padTop: i32, padLeft: i32, _pad1: u32, _pad2: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

/** x at column iw of the row starting at r, zero outside the input (or when the row is). */
fn at(r: u32, iw: i32, rowOk: bool) -> f32 {
  let Wi = i32(p.W);
  return select(0.0, x[r + u32(clamp(iw, 0, Wi - 1))], rowOk && iw >= 0 && iw < Wi);
}

/** The start of input row ih of the plane at xPlane, clamped, and whether the row is inside the input. */
fn rowStart(xPlane: u32, ih: i32) -> vec2<u32> {
  let rowOk = ih >= 0 && ih < i32(p.H);
  return vec2<u32>(xPlane + u32(clamp(ih, 0, i32(p.H) - 1)) * p.W, select(0u, 1u, rowOk));
}

struct InputTile { xPlane: u32, ih0: i32, iw0: i32 }

/**
 * Channel c's tile `tile` (tiles step by m, the output tile): its plane and top-left input position.
 * Channels past C (padding to a multiple of 4) and tiles past P start far below the input, so every read
 * is zero.
 */
fn inputTile(c: u32, tileIn: u32, m: i32) -> InputTile {
  let tile = min(tileIn, p.P - 1u);
  let n = tile / p.tilesHW;
  let rem = tile % p.tilesHW;
  let skip = select(0, 1 << 20, c >= p.C || tileIn >= p.P);
  return InputTile((n * p.C + min(c, p.C - 1u)) * p.H * p.W, i32(rem / p.tilesW) * m - p.padTop + skip, i32(rem % p.tilesW) * m - p.padLeft);
}
