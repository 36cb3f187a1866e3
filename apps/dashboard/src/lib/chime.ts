// A short, soft two-note chime made with Web Audio: no audio file to ship, and gentle enough
// to hear dozens of times in a 12-hour shift. Critical alerts get a third, higher note.
let ctx: AudioContext | undefined;

export function playChime(level: 'major' | 'critical'): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const notes = level === 'critical' ? [660, 880, 1046] : [660, 880];
    notes.forEach((freq, i) => tone(ctx!, freq, ctx!.currentTime + i * 0.18));
  } catch {
    // No audio device or autoplay refused: the toast still shows.
  }
}

function tone(audio: AudioContext, freq: number, start: number): void {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'sine';
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.18, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
  osc.connect(gain).connect(audio.destination);
  osc.start(start);
  osc.stop(start + 0.4);
}
