import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from './decode.js';

/** An ISO-BMFF `ftyp` box with the given brand, then junk: what an iPhone photo starts with. */
function heifLike(brand: string): Uint8Array {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftyp', 4, 'latin1');
  ftyp.write(brand, 8, 'latin1');
  ftyp.write('mif1heic', 16, 'latin1');
  return Buffer.concat([ftyp, Buffer.alloc(200, 7)]);
}

describe('HEIC/HEIF input', () => {
  it.each(['heic', 'heix', 'mif1'])(
    'brand %s is refused as unsupported, with a clear message',
    async (brand) => {
      await expect(decodeImageBytes(heifLike(brand))).rejects.toMatchObject({
        code: 'CORE_ERR_IMAGE_UNSUPPORTED',
        status: 400,
        message: expect.stringMatching(/^HEIC is not supported/),
      });
    },
  );
});
