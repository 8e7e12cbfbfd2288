// The app icon (a white cross on a blue rounded square) as SVG and as PNGs
// for the web app manifest, drawn here so the build needs no image tools.
import zlib from 'node:zlib';

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b57d0"/><path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="#fff"/></svg>\n`;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Coverage of pixel (x, y) by the icon shape, 0..1, from 4x4 supersampling. */
function sample(size, x, y, inside) {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = ((x + (sx + 0.5) / 4) / size) * 32;
      const v = ((y + (sy + 0.5) / 4) / size) * 32;
      if (inside(u, v)) hits++;
    }
  }
  return hits / 16;
}

function inRoundedSquare(u, v) {
  const r = 7;
  const cx = Math.min(Math.max(u, r), 32 - r);
  const cy = Math.min(Math.max(v, r), 32 - r);
  return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
}

function inCross(u, v) {
  return (u >= 13 && u <= 19 && v >= 7 && v <= 25) || (v >= 13 && v <= 19 && u >= 7 && u <= 25);
}

export function iconPng(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const blue = [0x0b, 0x57, 0xd0];
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const bg = sample(size, x, y, inRoundedSquare);
      const fg = sample(size, x, y, inCross);
      const o = row + 1 + x * 4;
      for (let c = 0; c < 3; c++) raw[o + c] = Math.round(blue[c] * (1 - fg) + 255 * fg);
      raw[o + 3] = Math.round(255 * bg);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
