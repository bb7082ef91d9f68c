/** JSON schemas shared by the REST routes (Fastify validates with them and @fastify/swagger documents them). */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'run id' } },
  required: ['id'],
} as const;

export const knobChangeSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    at: { type: 'integer', minimum: 0, description: 'reference index at which it applies' },
    knob: {
      type: 'string',
      enum: ['limitMiB', 'hotMiB', 'thp', 'khugepagedPagesToScan', 'khugepagedScanSleepMs'],
    },
    value: { type: 'number' },
  },
  required: ['at', 'knob', 'value'],
} as const;

export const runStateSchema = {
  type: 'object',
  properties: {
    playing: { type: 'boolean' },
    speed: { type: 'number' },
    refIndex: { type: 'number' },
    time: { type: 'number' },
    goal: { type: ['number', 'null'] },
    busy: { type: 'boolean' },
    knobLog: { type: 'array', items: knobChangeSchema },
    descriptor: { type: 'string' },
  },
} as const;

export const createdSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    token: {
      type: 'string',
      description: 'control token: drive the run over its socket, delete it',
    },
    policies: { type: 'array', items: { type: 'string' } },
    stream: { type: 'string', description: 'WebSocket path of the run' },
    descriptor: {
      type: 'string',
      description:
        'compact URL-safe description of the run; POST it back to rebuild the run anywhere',
    },
  },
  required: ['id', 'token'],
} as const;
