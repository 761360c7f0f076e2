import * as path from 'node:path';

/** The checkout's root directory. */
export const ROOT = path.resolve(__dirname, '..');
