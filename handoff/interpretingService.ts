/**
 * The telephone interpreting service the console shows beside "invite an interpreter", from
 * config/interpreting.json (or another file with the same shape): one place to change it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InterpretingService } from '../contracts/counsellorApi.js';

const DEFAULT_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'config', 'interpreting.json');

function text(value: unknown, name: string, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw new TypeError(`interpreting: ${name} must be text of at most ${max} characters`);
  return value.trim();
}

/** Reads and checks the interpreting service's file (throws a TypeError naming the bad field). */
export function loadInterpretingService(file: string = DEFAULT_FILE): InterpretingService {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const hours = (data.hours ?? {}) as Record<string, unknown>;
  const service: InterpretingService = {
    name: text(data.name, 'name'),
    phone: text(data.phone, 'phone', 40),
    hours: { nl: text(hours.nl, 'hours.nl'), en: text(hours.en, 'hours.en') },
  };
  if (!/^[+0-9][0-9 ()-]{2,39}$/.test(service.phone)) throw new TypeError('interpreting: phone must be a telephone number');
  if (data.url !== undefined) {
    const url = new URL(text(data.url, 'url', 300));
    if (url.protocol !== 'https:') throw new TypeError('interpreting: url must be https');
    service.url = url.toString();
  }
  return service;
}
