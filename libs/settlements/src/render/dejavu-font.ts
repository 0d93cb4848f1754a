import { dirname, join } from 'node:path';

/**
 * The DejaVu Sans TrueType files from npm `dejavu-fonts-ttf` (Cyrillic, free licence), found
 * through Node's resolution so the same code works from dist/ and under ts-jest, and a fresh
 * checkout needs nothing installed by hand.
 */
export function dejavuFont(weight: 'regular' | 'bold'): string {
  const dir = dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return join(dir, weight === 'bold' ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf');
}
