/**
 * The command line of `npm run bench:load`: which scenarios, against which targets, how many
 * rounds, quick or full size, and the sizes one may change.
 */
import path from 'node:path';
import { SCENARIO_NAMES, TARGET_KINDS, type ScenarioName, type TargetKind } from './messages.js';

/** Sizes given on the command line (each overrides its scenario's default). */
export interface SizeOverrides {
  people?: number;
  durationS?: number;
  arrivals?: number;
  withinS?: number;
  idleLevels?: number[];
  thinkLevels?: number[];
  thinkDurationS?: number;
  thinkMs?: [number, number];
}

/** Everything the command line says. */
export interface BenchOptions {
  scenarios: ScenarioName[];
  targets: TargetKind[];
  /** Rounds per scenario; undefined: the scenario's default. */
  rounds: number | undefined;
  quick: boolean;
  seed: number;
  /** Log level of the full and echo targets. */
  logLevel: string;
  /** Where the JSON results go. */
  outDir: string;
  sizes: SizeOverrides;
  help: boolean;
}

/** The help text (`--help`). */
export const USAGE = `npm run bench:load -- [options]

  --scenario LIST     throughput, surge, idle, think, handoff or all (comma-separated; default all)
  --targets LIST      full, echo, floor (comma-separated; default all three)
  --rounds N          rounds per scenario (default: throughput, surge, handoff 3; idle, think 1)
  --quick             small sizes: every scenario in about two minutes (a smoke run)
  --seed N            seed of the young people's choices (default 1)
  --log-level L       log level of the full and echo targets (default info, as npm start)
  --out DIR           directory of the JSON results (default bench/results)
  --people N          throughput: young people typing (default 200)
  --duration S        throughput: measured seconds per round (default 30)
  --arrivals N        surge: young people arriving (default 1000)
  --within S          surge: ... within this many seconds (default 10)
  --idle-levels LIST  idle: open conversations to measure with (default 2000,5000)
  --think-levels LIST think: the ramp (default 500,1000,2000,5000,8000)
  --think-duration S  think: measured seconds per level (default 60)
  --think-ms MIN-MAX  think: pause between a young person's messages (default 5000-20000)`;

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got "${value ?? ''}"`);
  return n;
}

function list(flag: string, value: string | undefined): number[] {
  return (value ?? '').split(',').map((part) => positive(flag, part));
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  const parts = (value ?? '').split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === 'all') return [...allowed];
  for (const part of parts) if (!allowed.includes(part as T)) throw new Error(`${flag}: "${part}" is not one of ${allowed.join(', ')}`);
  return parts as T[];
}

/** Reads the command line (without the node and script arguments). */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    scenarios: [...SCENARIO_NAMES],
    targets: [...TARGET_KINDS],
    rounds: undefined,
    quick: false,
    seed: 1,
    logLevel: 'info',
    outDir: path.resolve('bench', 'results'),
    sizes: {},
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    const value = () => argv[++i];
    switch (flag) {
      case '--scenario':
        options.scenarios = oneOf(flag, value(), SCENARIO_NAMES);
        break;
      case '--targets':
        options.targets = oneOf(flag, value(), TARGET_KINDS);
        break;
      case '--rounds':
        options.rounds = Math.round(positive(flag, value()));
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--seed':
        options.seed = Math.round(positive(flag, value()));
        break;
      case '--log-level':
        options.logLevel = value() ?? 'info';
        break;
      case '--out':
        options.outDir = path.resolve(value() ?? '.');
        break;
      case '--people':
        options.sizes.people = Math.round(positive(flag, value()));
        break;
      case '--duration':
        options.sizes.durationS = positive(flag, value());
        break;
      case '--arrivals':
        options.sizes.arrivals = Math.round(positive(flag, value()));
        break;
      case '--within':
        options.sizes.withinS = positive(flag, value());
        break;
      case '--idle-levels':
        options.sizes.idleLevels = list(flag, value()).sort((a, b) => a - b);
        break;
      case '--think-levels':
        options.sizes.thinkLevels = list(flag, value()).sort((a, b) => a - b);
        break;
      case '--think-duration':
        options.sizes.thinkDurationS = positive(flag, value());
        break;
      case '--think-ms': {
        const [min, max] = (value() ?? '').split('-').map((part) => positive(flag, part));
        if (min === undefined || max === undefined || min > max) throw new Error('--think-ms needs MIN-MAX, e.g. 5000-20000');
        options.sizes.thinkMs = [min, max];
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option "${flag}"\n\n${USAGE}`);
    }
  }
  return options;
}
