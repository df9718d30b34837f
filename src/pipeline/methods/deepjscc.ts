// DeepJSCC alone: its decoder output is the reconstruction.
import type { Method } from '../method.js';

export const deepjscc: Method = {
  name: 'deepjscc',
  label: 'DeepJSCC',
  needs: [],
  reconstruct: async ({ y }) => y,
};
