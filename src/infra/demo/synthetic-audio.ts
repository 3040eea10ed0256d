/**
 * Tiny synthetic "recordings" for the demo and tests: a few seconds of beeps
 * as 8 kHz, 16-bit, mono PCM WAV (telephone quality). Generated in code so
 * the repository ships no audio and nothing is downloaded.
 */

const SAMPLE_RATE = 8_000;

/** A 44-byte RIFF/WAVE header for 16-bit mono PCM, followed by the samples. */
export function encodeWav(samples: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write("RIFF", 0, "ascii");
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write("WAVE", 8, "ascii");
  wav.write("fmt ", 12, "ascii");
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write("data", 36, "ascii");
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i]!, 44 + i * 2);
  return wav;
}

/**
 * A recognisable beep pattern for demo call `seed`: `beeps` tones of 0.3 s
 * with 0.2 s gaps, pitches stepping from a seed-dependent base, each with a
 * short fade so nothing clicks.
 */
export function demoBeeps(seed: number, seconds = 3): Buffer {
  const total = Math.round(seconds * SAMPLE_RATE);
  const samples = new Int16Array(total);
  const toneLength = Math.round(0.3 * SAMPLE_RATE);
  const period = Math.round(0.5 * SAMPLE_RATE);
  const fade = Math.round(0.01 * SAMPLE_RATE);
  const base = 440 + (seed % 7) * 60;
  for (let i = 0; i < total; i++) {
    const beep = Math.floor(i / period);
    const t = i % period;
    if (t >= toneLength) continue;
    const frequency = base + ((beep + seed) % 4) * 110;
    const envelope = Math.min(1, t / fade, (toneLength - t) / fade);
    samples[i] = Math.round(0.4 * 32767 * envelope * Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE));
  }
  return encodeWav(samples);
}
