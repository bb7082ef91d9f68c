/**
 * `npm run sim -- replay`: replays a trace file against one classic replacement policy and
 * prints its faults. Exit status 0 on success, 2 for a usage error, 1 when the trace (or its
 * file) is refused.
 */
import { parseArgs } from 'node:util';
import {
  CLASSIC_POLICY_NAMES,
  MAX_CLASSIC_FRAMES,
  isClassicPolicyName,
  runClassic,
} from '@agelab/sim-core';
import { TraceError, importTrace } from '@agelab/sim-core';
import { TraceFileError, openTraceFile } from '../trace-file.ts';

export interface ReplayOutput {
  /** Receives whole lines, each ending in a newline. */
  stdout(text: string): void;
  stderr(text: string): void;
}

const FORMATS = ['auto', 'pages', 'lackey'] as const;
type FormatOption = (typeof FORMATS)[number];

export const REPLAY_USAGE = `usage: npm run sim -- replay --trace FILE --frames N --policy ${CLASSIC_POLICY_NAMES.join('|')}
                           [--format auto|pages|lackey] [--no-instructions] [--collapse-repeats] [--json]

  --trace FILE         page list (one page per line, decimal or 0x hex, # comments) or valgrind
                       lackey output (--tool=lackey --trace-mem=yes); gzip-compressed is fine
  --frames N           number of page frames
  --policy NAME        ${CLASSIC_POLICY_NAMES.join(', ')} (linux: the 2.6.33 two-list LRU)
  --format F           auto (default), pages or lackey
  --no-instructions    lackey: leave instruction fetches out
  --collapse-repeats   drop a reference to the page referenced just before
  --json               print one JSON object instead of key=value lines
`;

class UsageError extends Error {}

interface ReplayArgs {
  trace: string;
  frames: number;
  policy: (typeof CLASSIC_POLICY_NAMES)[number];
  format: FormatOption;
  includeInstructions: boolean;
  collapseRepeats: boolean;
  json: boolean;
}

function parseReplayArgs(argv: string[]): ReplayArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        trace: { type: 'string' },
        frames: { type: 'string' },
        policy: { type: 'string' },
        format: { type: 'string', default: 'auto' },
        'no-instructions': { type: 'boolean', default: false },
        'collapse-repeats': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  const { trace, frames, policy, format } = values;
  if (trace === undefined || trace === '') throw new UsageError('--trace FILE is required');
  if (policy === undefined)
    throw new UsageError(`--policy is required: one of ${CLASSIC_POLICY_NAMES.join(', ')}`);
  if (!isClassicPolicyName(policy)) {
    throw new UsageError(
      `--policy must be one of ${CLASSIC_POLICY_NAMES.join(', ')}, got ${JSON.stringify(policy)}`,
    );
  }
  if (frames === undefined) throw new UsageError('--frames N is required');
  const frameCount = /^\d+$/.test(frames) ? Number(frames) : NaN;
  if (!Number.isSafeInteger(frameCount) || frameCount < 1 || frameCount > MAX_CLASSIC_FRAMES) {
    throw new UsageError(
      `--frames must be an integer from 1 to ${MAX_CLASSIC_FRAMES}, got ${JSON.stringify(frames)}`,
    );
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  return {
    trace,
    frames: frameCount,
    policy,
    format: format as FormatOption,
    includeInstructions: !values['no-instructions'],
    collapseRepeats: values['collapse-repeats'],
    json: values.json,
  };
}

/**
 * Runs the replay command. `argv` holds the arguments after `replay` (a leading `replay` is
 * tolerated). Returns the exit status.
 */
export async function runReplay(argv: string[], out: ReplayOutput): Promise<number> {
  let args: ReplayArgs | 'help';
  try {
    args = parseReplayArgs(argv[0] === 'replay' ? argv.slice(1) : argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.stderr(`replay: ${error.message}\n${REPLAY_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out.stdout(REPLAY_USAGE);
    return 0;
  }

  let trace;
  try {
    trace = await importTrace(openTraceFile(args.trace), {
      format: args.format,
      includeInstructions: args.includeInstructions,
      collapseRepeats: args.collapseRepeats,
    });
  } catch (error) {
    if (error instanceof TraceFileError) {
      out.stderr(`replay: ${error.message}\n`);
      return 1;
    }
    if (error instanceof TraceError) {
      out.stderr(`replay: ${args.trace}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const result = runClassic(args.policy, trace.pages, args.frames);
  const report = {
    policy: result.policy,
    frames: result.frames,
    references: result.references,
    faults: result.faults,
    hits: result.hits,
    distinctPages: result.distinctPages,
  };
  if (args.json) {
    out.stdout(`${JSON.stringify(report)}\n`);
  } else {
    out.stdout(
      Object.entries(report)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
  }
  return 0;
}
