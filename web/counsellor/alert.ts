/**
 * The danger alert: a short sound made with the Web Audio API (no audio file) and a flashing
 * document title until the console has the focus.
 */

let audio: AudioContext | undefined;
const audioListeners: Array<() => void> = [];

function audioChanged(): void {
  for (const listener of audioListeners) listener();
}

/** Whether the alert sound can play now. */
export function audioReady(): boolean {
  return !!audio && audio.state === 'running';
}

/** Calls `listener` when the sound becomes possible (or impossible). */
export function onAudioChange(listener: () => void): void {
  audioListeners.push(listener);
}

/**
 * Prepares the sound. Browsers only let a page play sound after a click or key press, so this runs
 * on the first one (e.g. the login button); the alert can then play later without a gesture.
 */
export function unlockAudio(): void {
  const Context = window.AudioContext || (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  try {
    if (!audio) {
      audio = new Context();
      audio.onstatechange = audioChanged;
    }
    if (audio.state === 'suspended') void audio.resume().then(audioChanged, () => undefined);
  } catch {
    audio = undefined;
  }
  audioChanged();
}

/** One tone of a signal: its pitch (Hz), loudness (peak gain) and length (s), played one after another. */
interface Tone {
  frequency: number;
  peak: number;
  length: number;
  gap: number;
}

/** Plays tones one after another (silent when the browser allows no sound yet). */
function playTones(tones: readonly Tone[]): void {
  unlockAudio();
  const context = audio;
  if (!context) return;
  let at = context.currentTime + 0.02;
  for (const { frequency, peak, length, gap } of tones) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(frequency, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(peak, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length - 0.02);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + length);
    at += gap;
  }
}

/** Three short rising beeps (about 0.7 s). Silent when the browser allows no sound yet. */
export function playDangerSound(): void {
  playTones([660, 880, 1100].map((frequency) => ({ frequency, peak: 0.3, length: 0.2, gap: 0.22 })));
}

/**
 * Two soft tones (about 0.5 s), not the danger sound: a young person who talked with this counsellor
 * before asks for them again. Silent when the browser allows no sound yet.
 */
export function playChime(): void {
  playTones([880, 660].map((frequency) => ({ frequency, peak: 0.18, length: 0.24, gap: 0.25 })));
}

let flashing: ReturnType<typeof setInterval> | undefined;
let baseTitle = '';
let alertTitle = '';

/** Sets the normal title (also while flashing). */
export function setBaseTitle(title: string): void {
  baseTitle = title;
  if (!flashing) document.title = title;
}

/** Whether the title is flashing. */
export function isFlashing(): boolean {
  return flashing !== undefined;
}

function stopFlashing(): void {
  if (flashing === undefined) return;
  clearInterval(flashing);
  flashing = undefined;
  document.title = baseTitle;
  window.removeEventListener('focus', stopFlashing);
}

/**
 * Flashes `text` in the title every second until the page gets the focus; when it has the focus
 * already, for a few seconds.
 */
export function flashTitle(text: string): void {
  alertTitle = text;
  if (flashing !== undefined) return;
  let shown = false;
  let ticks = 0;
  const focused = document.hasFocus();
  flashing = setInterval(() => {
    shown = !shown;
    document.title = shown ? alertTitle : baseTitle;
    ticks += 1;
    if (focused && ticks >= 8) stopFlashing();
  }, 1000);
  document.title = alertTitle;
  shown = true;
  if (!focused) window.addEventListener('focus', stopFlashing);
}
