/**
 * Fits a chart into a Teams message. Teams refuses a message over about
 * 28 KB, and an inline image travels in it as base64, while the console's
 * charts are drawn at twice their size for sharp PDFs and Slack uploads
 * (about 50 KB for a month's audit chart). So the PNG is redrawn at most
 * `maxWidth` pixels wide with resvg (already Callgate's rasteriser) and
 * written as an 8-bit palette PNG: a chart is a few flat colours plus
 * smoothed edges, which 256 colours keep almost exactly, at a quarter of
 * the bytes of full colour.
 */
import { crc32, deflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-js";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's header; null if it is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The PNG redrawn at most `maxWidth` wide on white, as a palette PNG; null if it cannot be read. */
export function compactPng(png: Buffer, maxWidth: number): Buffer | null {
  const size = pngSize(png);
  if (!size || size.width === 0 || size.height === 0) return null;
  const scale = Math.min(1, maxWidth / size.width);
  const width = Math.max(1, Math.round(size.width * scale));
  const height = Math.max(1, Math.round(size.height * scale));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image href="data:image/png;base64,${png.toString("base64")}" width="${width}" height="${height}" preserveAspectRatio="none"/></svg>`;
  try {
    const rendered = new Resvg(svg, { background: "white" }).render();
    return encodePalettePng(rendered.pixels, rendered.width, rendered.height);
  } catch {
    return null;
  }
}

/** Opaque RGBA pixels as an 8-bit indexed PNG; colours beyond the 256 most used map to the nearest of those. */
export function encodePalettePng(rgba: Buffer, width: number, height: number): Buffer {
  const pixels = width * height;
  const counts = new Map<number, number>();
  for (let i = 0; i < pixels; i++) {
    const rgb = (rgba[i * 4]! << 16) | (rgba[i * 4 + 1]! << 8) | rgba[i * 4 + 2]!;
    counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
  }
  const palette = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 256).map(([rgb]) => rgb);
  const index = new Map<number, number>(palette.map((rgb, i) => [rgb, i]));
  const nearest = (rgb: number): number => {
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < palette.length; i++) {
      const p = palette[i]!;
      const dr = ((p >> 16) & 255) - ((rgb >> 16) & 255);
      const dg = ((p >> 8) & 255) - ((rgb >> 8) & 255);
      const db = (p & 255) - (rgb & 255);
      const distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    index.set(rgb, best);
    return best;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none (best for indexed images)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const rgb = (rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!;
      raw[y * (width + 1) + 1 + x] = index.get(rgb) ?? nearest(rgb);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits, indexed colour, deflate, adaptive filtering, no interlace
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((rgb, i) => plte.set([(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255], i * 3));
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("PLTE", plte), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
